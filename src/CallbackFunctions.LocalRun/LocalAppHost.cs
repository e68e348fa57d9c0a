using CallbackFunctions.LocalRun.Durable;
using CallbackFunctions.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.LocalRun;

/// <summary>What a test may add to the local host.</summary>
public sealed record LocalAppHostExtras
{
    /// <summary>Also gets every log entry of the app, the sidecar and the Durable backend, from the start.</summary>
    public ILoggerProvider? LogCapture { get; init; }
    /// <summary>Classes whose <c>[TimerTrigger]</c> functions run beside the app's own.</summary>
    public IReadOnlyList<Type> TimerTypes { get; init; } = [];
    /// <summary>False: logs go only to <see cref="LogCapture"/>, not to the console.</summary>
    public bool ConsoleLogs { get; init; } = true;
    /// <summary>Orchestrators and activities registered on the worker beside the app's own (the benchmark's floor).</summary>
    public Action<Microsoft.DurableTask.DurableTaskRegistry>? Tasks { get; init; }
}

/// <summary>
/// The app outside the Functions host (DESIGN §5): the Durable backend on the storage <c>AzureWebJobsStorage</c> names,
/// its task hub <c>DurableTaskHubName</c>, and the app on Kestrel with the worker and client connected to it.
/// <c>./run.sh app</c> runs it alone on the environment's settings; the local stack runs it beside Azurite and the
/// simulator.
/// </summary>
public sealed class LocalAppHost : IAsyncDisposable
{
    public const string DefaultTaskHub = "Callbacks";
    public const string DefaultUrl = "http://127.0.0.1:7071";
    /// <summary>The local backend's partition count (1 by default, as host.json).</summary>
    public const string PartitionCountSetting = "LocalHost:Durable:PartitionCount";
    /// <summary>The local backend's worker name for partition leases (the machine's name by default).</summary>
    public const string WorkerIdSetting = "LocalHost:Durable:WorkerId";

    private readonly ILoggerFactory _loggers;
    private readonly ILoggerFactory _sink;

    private LocalAppHost(WebApplication app, LocalDurableBackend durable, LocalDurableOptions options, ILoggerFactory loggers, ILoggerFactory sink)
    {
        App = app;
        Durable = durable;
        DurableOptions = options;
        _loggers = loggers;
        _sink = sink;
    }

    public WebApplication App { get; }
    public LocalDurableBackend Durable { get; }
    public LocalDurableOptions DurableOptions { get; }

    public static Task<LocalAppHost> StartAsync(IReadOnlyDictionary<string, string?> settings, string url, LogLevel minimumLevel, CancellationToken ct) =>
        StartAsync(settings, url, minimumLevel, new LocalAppHostExtras(), ct);

    /// <param name="settings">Settings over the environment's and <c>local.settings.json</c>'s (the local stack's own).</param>
    public static async Task<LocalAppHost> StartAsync(IReadOnlyDictionary<string, string?> settings, string url, LogLevel minimumLevel, LocalAppHostExtras extras, CancellationToken ct)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(settings)
            .Build();
        var storage = configuration["AzureWebJobsStorage"] ?? configuration["Values:AzureWebJobsStorage"]
            ?? throw new InvalidOperationException("AzureWebJobsStorage is not set: Durable needs the storage account it names.");
        // Storage that is not there: one line at once, not the Durable backend's retries and stack traces.
        await StorageProbe.CheckAsync(storage, ct);
        var hub = configuration["DurableTaskHubName"] ?? configuration["Values:DurableTaskHubName"] ?? DefaultTaskHub;
        // Where every log entry goes (the console, the capture); the app's and the Durable backend's filters are their own,
        // and an error that only says storage is away goes to the storage health instead (one line per outage).
        var sink = LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(LogLevel.Trace);
            if (extras.ConsoleLogs) b.AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss.fff "; });
            if (extras.LogCapture is { } capture) b.AddProvider(capture);
        });
        var health = new StorageHealth(TimeProvider.System, sink.CreateLogger<StorageHealth>());
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddFilter("DurableTask", LogLevel.Error).AddProvider(new OutageLogs(sink, health)));
        var options = new LocalDurableOptions
        {
            TaskHubName = hub,
            StorageConnectionString = storage,
            // Local settings only (host.json says these for the Functions host): the benchmark compares partition counts
            // and runs two instances on one machine.
            PartitionCount = configuration.GetValue(PartitionCountSetting, 1),
            WorkerId = configuration[WorkerIdSetting] is { Length: > 0 } worker ? worker : null,
        };
        var durable = await LocalDurableBackend.StartAsync(options, loggers, extras.LogCapture, ct);
        try
        {
            var app = Build(settings, durable, url, minimumLevel, extras, sink, health);
            health.Recovered += durable.HealAsync;
            await app.StartAsync(ct);
            await durable.WorkerConnectedAsync().WaitAsync(TimeSpan.FromSeconds(30), ct);
            return new LocalAppHost(app, durable, options, loggers, sink);
        }
        catch
        {
            await durable.DisposeAsync();
            loggers.Dispose();
            sink.Dispose();
            throw;
        }
    }

    /// <summary>The app's services and functions on Kestrel, with what the Functions host would give them.</summary>
    private static WebApplication Build(IReadOnlyDictionary<string, string?> settings, LocalDurableBackend durable, string url, LogLevel minimumLevel,
        LocalAppHostExtras extras, ILoggerFactory sink, StorageHealth health)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // As the Functions host: the environment over local.settings.json's Values; the caller's settings over both.
        builder.Configuration.AddJsonFile("local.settings.json", optional: true);
        AddLocalSettingsValues(builder.Configuration);
        builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(url);
        // Ctrl+C and SIGTERM end the program, which disposes this host in order; the console lifetime would stop parts of it first.
        builder.Services.AddSingleton<IHostLifetime, LocalDurableBackend.NoSignalsLifetime>();
        builder.Logging.SetMinimumLevel(minimumLevel)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning).AddFilter("DurableTask", LogLevel.Warning);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new OutageLogs(sink, health));
        builder.Services.AddCallbackServices(builder.Configuration);
        // The one the log filter and the Durable backend's healing share (registered last: it is the one resolved).
        builder.Services.AddSingleton(health);
        builder.Services.AddLocalDurable(durable.Channel, extras.TimerTypes, extras.Tasks);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // The Functions host answers "/" itself; here the local host does: ready (the tests and ./run.sh wait for it), and
        // where the API is described (the app serves its API under /api and its console under /console).
        app.MapGet("/", (HttpRequest request) =>
        {
            var api = $"{request.Scheme}://{request.Host}{request.PathBase}/{FunctionRoutes.ApiBase}";
            return Results.Ok(new { service = "CallbackFunctions", status = "ready", docs = $"{api}/docs", openApi = $"{api}/openapi.json" });
        });
        app.MapFunctions();
        return app;
    }

    /// <summary>local.settings.json keeps its settings under "Values" (the Functions convention): read them as top-level.</summary>
    private static void AddLocalSettingsValues(ConfigurationManager config)
    {
        var values = config.GetSection("Values").AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => kv.Value);
        if (values.Count > 0) config.AddInMemoryCollection(values);
    }

    /// <summary>
    /// Stops in an order where nothing runs against what has already stopped: HTTP requests (those under way finish),
    /// the timers (a run under way is cancelled), the Durable work (the sidecar hands out no more, the worker finishes
    /// what it has, the backend stops and lets its partitions go), the worker and the rest of the app, then the sidecar.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(LocalDurableBackend.StopBound))
        {
            await UntilCancelledAsync(App.Services.GetRequiredService<IServer>().StopAsync(stop.Token));
            foreach (var timers in App.Services.GetServices<IHostedService>().OfType<LocalFunctionTimers>())
                await UntilCancelledAsync(timers.StopAsync(stop.Token));
        }
        await Durable.StopWorkAsync();
        using (var stop = new CancellationTokenSource(LocalDurableBackend.StopBound))
            await UntilCancelledAsync(App.StopAsync(stop.Token));
        await App.DisposeAsync();
        await Durable.DisposeAsync();
        _loggers.Dispose();
        _sink.Dispose();
    }

    private static async Task UntilCancelledAsync(Task stopping)
    {
        try { await stopping; }
        catch (OperationCanceledException) { }
    }
}
