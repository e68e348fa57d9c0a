using System.Runtime.InteropServices;
using CallbackFunctions.LocalRun;
using Microsoft.Extensions.Logging;

// ./run.sh [run|demo|bench]: everything local on embedded defaults (Azurite, the Twilio simulator, the app).
// ./run.sh app: the app alone, on the settings in the environment (or local.settings.json), where ASPNETCORE_URLS says.
var mode = args.FirstOrDefault() ?? "run";
// Ctrl+C and SIGTERM (run.sh forwards it) end the run gracefully, so Azurite and the app are stopped by PID on the way out.
using var stop = new CancellationTokenSource();
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

switch (mode)
{
    case "run":
        return await RunAsync(stop.Token);
    case "demo":
        return await DemoAsync(stop.Token);
    case "app":
        return await AppAsync(stop.Token);
    case "bench":
        return await Bench.RunAsync(args.Skip(1).ToArray(), Console.Out, stop.Token);
    default:
        Console.Error.WriteLine($"unknown mode '{mode}': use run, demo, app or bench");
        return 2;
}

static async Task<int> RunAsync(CancellationToken ct)
{
    Console.WriteLine("Starting Azurite, the Twilio simulator and the app on loopback...");
    await using var stack = await LocalStack.StartAsync(new LocalStackOptions { MinimumLogLevel = LogLevel.Information });
    Console.WriteLine($"App:        {stack.AppUrl}");
    Console.WriteLine($"API docs:   {stack.AppUrl}api/docs  (OpenAPI: {stack.AppUrl}api/openapi.json)");
    Console.WriteLine($"Simulator:  {stack.Simulator.BaseUrl}  (control API under /sim, e.g. {stack.Simulator.BaseUrl}sim/calls)");
    Console.WriteLine($"Storage:    Azurite blob :{stack.Azurite?.BlobPort}, queue :{stack.Azurite?.QueuePort}, table :{stack.Azurite?.TablePort}; Durable task hub {stack.DurableOptions?.TaskHubName}");
    Console.WriteLine($"Our Twilio number: {LocalStack.SupportNumber}. Intervals {stack.Options.Intervals}, expiry {stack.Options.Expiry}.");
    Console.WriteLine("Callback events appear below as they happen. Ctrl+C stops everything.");
    await new TimelinePrinter(stack.Api, Console.Out).RunAsync(ct);
    return 0;
}

static async Task<int> AppAsync(CancellationToken ct)
{
    var url = Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is { Length: > 0 } urls ? urls : LocalAppHost.DefaultUrl;
    await using var host = await LocalAppHost.StartAsync(new Dictionary<string, string?>(), url, LogLevel.Information, ct);
    Console.WriteLine($"CallbackFunctions is listening on {url} (Durable task hub {host.DurableOptions.TaskHubName}). Ctrl+C stops it.");
    try { await Task.Delay(Timeout.Infinite, ct); }
    catch (OperationCanceledException) { }
    Console.WriteLine("Stopped.");
    return 0;
}

static async Task<int> DemoAsync(CancellationToken ct)
{
    Console.WriteLine("Starting Azurite, the Twilio simulator and the app on loopback for a scripted day...");
    await using var stack = await LocalStack.StartAsync(new LocalStackOptions());
    Console.WriteLine($"Intervals {stack.Options.Intervals}, expiry {stack.Options.Expiry} (seconds stand in for minutes).");
    var outcomes = await new DemoDay(stack, Console.Out).RunAsync(TimeSpan.FromSeconds(90), ct);
    Console.WriteLine();
    foreach (var o in outcomes)
        Console.WriteLine($"{CallbackFunctions.Domain.Telephony.PhoneMask.Mask(o.Caller)} ({o.Plays}): " +
            (o.Actual == o.Expected ? $"{o.Actual}, as scripted" : $"{o.Actual?.ToString() ?? "not finished"}, expected {o.Expected}"));
    var ok = outcomes.All(o => o.Actual == o.Expected);
    Console.WriteLine(ok ? "Demo finished as scripted." : "Demo did NOT finish as scripted.");
    return ok ? 0 : 1;
}
