using CallbackFunctions.TwilioSimulator;

// Standalone: dotnet CallbackFunctions.TwilioSimulator.dll --port 5055 --account-sid AC... --auth-token ... \
//   --owned-numbers +15550001111,+15550002222 --cps 1 --time-scale 1
// The same settings come from configuration: environment variables Simulator__Port, Simulator__AccountSid, ... or
// appsettings.json section "Simulator".
var configuration = new ConfigurationBuilder()
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine(args, new Dictionary<string, string>
    {
        ["--port"] = "Simulator:Port",
        ["--account-sid"] = "Simulator:AccountSid",
        ["--auth-token"] = "Simulator:AuthToken",
        ["--api-key-sid"] = "Simulator:ApiKeySid",
        ["--api-key-secret"] = "Simulator:ApiKeySecret",
        ["--owned-numbers"] = "Simulator:OwnedNumbers",
        ["--cps"] = "Simulator:CallsPerSecond",
        ["--time-scale"] = "Simulator:TimeScale",
    })
    .Build();

var section = configuration.GetSection("Simulator");
var options = new SimulatorOptions
{
    Port = section.GetValue("Port", 0),
    AccountSid = section["AccountSid"] ?? SimulatorOptions.DefaultAccountSid,
    AuthToken = section["AuthToken"] ?? SimulatorOptions.DefaultAuthToken,
    ApiKeySid = section["ApiKeySid"],
    ApiKeySecret = section["ApiKeySecret"],
    CallsPerSecond = section.GetValue("CallsPerSecond", 1.0),
    TimeScale = section.GetValue("TimeScale", 1.0),
    OwnedNumbers = new HashSet<string>(
        (section["OwnedNumbers"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        StringComparer.Ordinal),
};

using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddFilter("Microsoft", LogLevel.Warning)
    .AddConfiguration(configuration.GetSection("Logging"))
    .AddSimpleConsole(console => console.SingleLine = true));

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });

await using var simulator = await TwilioSimulator.StartAsync(options, loggerFactory, stop.Token);

// One parseable line for scripts (run.sh) that start the simulator and need its address.
Console.WriteLine($"TwilioSimulator listening on {simulator.BaseUrl.AbsoluteUri.TrimEnd('/')} account {options.AccountSid}");

try
{
    await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C or SIGTERM.
}
