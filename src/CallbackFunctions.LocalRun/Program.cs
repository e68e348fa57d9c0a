using CallbackFunctions.LocalRun;
using Microsoft.Extensions.Logging;

// ./run.sh [run|demo|app|bench] [options]: see RunArgs.Usage (./run.sh --help).
// run and demo: everything local (Azurite, the Twilio simulator, the app); app: the app alone on the environment's settings.
RunArgs cli;
try { cli = RunArgs.Parse(args); }
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (cli.Help)
{
    Console.WriteLine(RunArgs.Usage);
    return 0;
}
// Ctrl+C and SIGTERM end the run gracefully ("Stopping..." at once): the app stops first, then Azurite by PID.
using var stop = new StopSignals(Console.Out);

return cli.Mode switch
{
    "run" => await RunAsync(cli, stop.Token),
    "demo" => await DemoAsync(cli, stop.Token),
    "app" => await AppAsync(stop.Token),
    _ => await Bench.RunAsync([.. cli.Rest], Console.Out, stop.Token),
};

static async Task<int> RunAsync(RunArgs cli, CancellationToken ct)
{
    var defaults = new LocalStackOptions { MinimumLogLevel = LogLevel.Information };
    RunSettings settings;
    try { settings = RunSettings.Load(Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"), Environment.GetEnvironmentVariables(), defaults); }
    catch (RunSettingsException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    return await RunStackAsync(cli, defaults with { ExtraSettings = settings.Overrides }, "Starting Azurite, the Twilio simulator and the app on 127.0.0.1...", () =>
    {
        Console.WriteLine(settings.Applied.Count == 0
            ? "Settings:   the run mode's defaults (seconds stand in for minutes); none set in the environment or local.settings.json"
            : $"Settings:   {Sources(settings.Applied)} over the run mode's defaults (seconds stand in for minutes)");
        Console.WriteLine("Wiring:     AzureWebJobsStorage and Twilio__AccountSid/AuthToken/ApiKeySid/ApiKeySecret/ApiBaseUrl/WebhookBaseUrl are the local stack's (Azurite, the simulator)"
            + (settings.Kept.Count == 0 ? "" : $"; not used here: {Sources(settings.Kept)}"));
    }, async stack =>
    {
        var s = stack.AppSettings;
        Console.WriteLine($"Callbacks:  intervals {s["Callbacks:Intervals"]}, expiry {s["Callbacks:Expiry"]}, agent ring timeout {s["Callbacks:AgentRingTimeout"]}, "
            + $"customer ring timeout {s["Callbacks:CustomerRingTimeout"]}, no-agent retry {s["Callbacks:NoAgentRetry"]}");
        Console.WriteLine($"Our Twilio number: {LocalStack.SupportNumber}. A missed call to it (the caller hangs up in the support queue), from another terminal:");
        Console.WriteLine(MissedCallCurl(stack));
        Console.WriteLine("Callback events appear below as they happen. Ctrl+C stops everything.");
        await new TimelinePrinter(stack.Api, Console.Out).RunAsync(ct);
        return 0;
    }, ct);

    static string Sources(IEnumerable<UserSetting> given) => string.Join(", ", given.Select(g => $"{g.Name} (from {g.Where})"));

    // The quick start's inbound call (README), on this stack's URLs: the simulator's control API places it.
    static string MissedCallCurl(LocalStack stack) => $$"""
          curl -s -X POST "{{stack.Simulator.BaseUrl}}sim/inbound-calls" -H 'Content-Type: application/json' \
            -d '{"from":"+14155550111","to":"{{LocalStack.SupportNumber}}","queueOutcome":"hangup","twiml":"<Response><Enqueue action=\"{{stack.AppUrl}}api/twilio/missed-call?queue=support\">support</Enqueue></Response>"}'
        """;
}

static async Task<int> DemoAsync(RunArgs cli, CancellationToken ct) =>
    await RunStackAsync(cli, new LocalStackOptions(), "Starting Azurite, the Twilio simulator and the app on 127.0.0.1 for a scripted day...",
        () => Console.WriteLine("Settings:   the demo's own scripted timings (the environment and local.settings.json are not read)"),
        async stack =>
        {
            Console.WriteLine($"Intervals {stack.Options.Intervals}, expiry {stack.Options.Expiry} (seconds stand in for minutes).");
            var outcomes = await new DemoDay(stack, Console.Out).RunAsync(TimeSpan.FromSeconds(120), ct);
            Console.WriteLine();
            foreach (var o in outcomes)
                Console.WriteLine($"{CallbackFunctions.Domain.Telephony.PhoneMask.Mask(o.Caller)} ({o.Plays}): " + (o.AsScripted ? $"{o.Actual}, as scripted"
                    : o.Actual == o.Expected ? $"{o.Actual}, but {o.Unscripted}" : $"{o.Actual?.ToString() ?? "not finished"}, expected {o.Expected}"));
            var ok = outcomes.All(o => o.AsScripted);
            Console.WriteLine(ok ? "Demo finished as scripted." : "Demo did NOT finish as scripted.");
            return ok ? 0 : 1;
        }, ct);

// The stack of run and demo: pinned or free ports, logs to a file (and the console with --verbose), a line when it stops.
static async Task<int> RunStackAsync(RunArgs cli, LocalStackOptions options, string starting, Action printSettings, Func<LocalStack, Task<int>> run, CancellationToken ct)
{
    if (cli.PortProblem() is { } taken)
    {
        Console.Error.WriteLine(taken);
        return 2;
    }
    var time = TimeProvider.System;
    using var log = new FileLog(cli.LogFile ?? FileLog.DefaultPath(time), cli.Verbose ? Console.Out : null, time);
    using var simulatorLogs = log.Factory(LogLevel.Information);
    Console.WriteLine(starting);
    Console.WriteLine($"Logs:       {log.Path}" + (cli.Verbose ? " (and here)" : " (--verbose also prints them here)"));
    printSettings();
    LocalStack stack;
    try
    {
        stack = await LocalStack.StartAsync(options with
        {
            AppPort = cli.AppPort, SimulatorPort = cli.SimulatorPort, ConsoleLogs = false, LogCapture = log,
        }, simulatorLogs, ct);
    }
    catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
    {
        Console.Error.WriteLine($"Could not start: {e.Message.Split('\n')[0].Trim()} (--app-port / --sim-port pin the ports; leave them out for free ones)");
        return 2;
    }
    catch (OperationCanceledException) when (ct.IsCancellationRequested)
    {
        Console.WriteLine("Stopped. (before everything had started)");
        return 0;
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        Console.Error.WriteLine($"Could not start: {e.Message.Split('\n')[0].Trim()} (details in {log.Path})");
        log.CreateLogger("CallbackFunctions.LocalRun").LogError(e, "Start failed");
        return 1;
    }
    int code;
    await using (stack)
    {
        Console.WriteLine($"App:        {stack.AppUrl}" + (cli.AppPort == 0 ? "  (a free port; --app-port pins it)" : "  (--app-port)"));
        Console.WriteLine($"API docs:   {stack.AppUrl}api/docs  (OpenAPI: {stack.AppUrl}api/openapi.json)");
        // The local host checks no function key (Durable/FunctionRoutes), so the console finds it needs none and asks for none.
        Console.WriteLine($"Console:    {stack.AppUrl}console  (no key to paste here: the local host checks none; in Azure it asks once for a function key)");
        Console.WriteLine($"Simulator:  {stack.Simulator.BaseUrl}" + (cli.SimulatorPort == 0 ? "  (a free port; --sim-port pins it)" : "  (--sim-port)")
            + $"  (control API under /sim, e.g. {stack.Simulator.BaseUrl}sim/calls)");
        Console.WriteLine($"Storage:    Azurite blob :{stack.Azurite?.BlobPort}, queue :{stack.Azurite?.QueuePort}, table :{stack.Azurite?.TablePort}; Durable task hub {stack.DurableOptions?.TaskHubName}");
        try { code = await run(stack); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            code = 1; // the demo, stopped before its end
        }
    }
    Console.WriteLine($"Stopped. (the app at {stack.AppUrl}, the Twilio simulator at {stack.Simulator.BaseUrl} and Azurite; logs in {log.Path})");
    return code;
}

static async Task<int> AppAsync(CancellationToken ct)
{
    // What the app would refuse when it starts (a placeholder from local.settings.sample.json too), said before anything starts.
    try { RunSettings.LoadForApp(Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"), Environment.GetEnvironmentVariables()); }
    catch (RunSettingsException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    var url = Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is { Length: > 0 } urls ? urls : LocalAppHost.DefaultUrl;
    LocalAppHost host;
    try { host = await LocalAppHost.StartAsync(new Dictionary<string, string?>(), url, LogLevel.Information, ct); }
    catch (OperationCanceledException) when (ct.IsCancellationRequested)
    {
        Console.WriteLine("Stopped. (before the app had started)");
        return 0;
    }
    catch (StorageUnreachableException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    await using (host)
    {
        Console.WriteLine($"CallbackFunctions is listening on {url} (Durable task hub {host.DurableOptions.TaskHubName}). Ctrl+C stops it.");
        try { await Task.Delay(Timeout.Infinite, ct); }
        catch (OperationCanceledException) { }
    }
    Console.WriteLine($"Stopped. (the app at {url})");
    return 0;
}
