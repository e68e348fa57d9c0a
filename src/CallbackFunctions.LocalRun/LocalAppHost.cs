using CallbackFunctions.LocalRun.Durable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.LocalRun;

/// <summary>What a test may add to the local host.</summary>
public sealed record LocalAppHostExtras
{
    /// <summary>Also gets every log entry of the app, the sidecar and the Durable backend, from the start.</summary>
    public ILoggerProvider? LogCapture { get; init; }
    /// <summary>Classes whose <c>[TimerTrigger]</c> functions run beside the app's own.</summary>
    public IReadOnlyList<Type> TimerTypes { get; init; } = [];
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

    private LocalAppHost(WebApplication app, LocalDurableBackend durable, LocalDurableOptions options)
    {
        App = app;
        Durable = durable;
        DurableOptions = options;
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
        var hub = configuration["DurableTaskHubName"] ?? configuration["Values:DurableTaskHubName"] ?? DefaultTaskHub;
        var loggers = LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(LogLevel.Warning).AddFilter("DurableTask", LogLevel.Error)
                .AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss.fff "; });
            if (extras.LogCapture is { } capture) b.AddProvider(capture);
        });
        var options = new LocalDurableOptions { TaskHubName = hub, StorageConnectionString = storage };
        var durable = await LocalDurableBackend.StartAsync(options, loggers, extras.LogCapture, ct);
        try
        {
            var app = Build(settings, durable, url, minimumLevel, extras);
            await app.StartAsync(ct);
            await durable.WorkerConnectedAsync().WaitAsync(TimeSpan.FromSeconds(30), ct);
            return new LocalAppHost(app, durable, options);
        }
        catch
        {
            await durable.DisposeAsync();
            throw;
        }
    }

    /// <summary>The app's services and functions on Kestrel, with what the Functions host would give them.</summary>
    private static WebApplication Build(IReadOnlyDictionary<string, string?> settings, LocalDurableBackend durable, string url, LogLevel minimumLevel, LocalAppHostExtras extras)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddJsonFile("local.settings.json", optional: true).AddEnvironmentVariables();
        AddLocalSettingsValues(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(minimumLevel)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning).AddFilter("DurableTask", LogLevel.Warning)
            .AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss.fff "; });
        if (extras.LogCapture is { } capture) builder.Logging.AddProvider(capture);
        builder.Services.AddCallbackServices(builder.Configuration);
        builder.Services.AddLocalDurable(durable.Channel, extras.TimerTypes);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // The Functions host answers its own readiness probe at "/"; here the local host does.
        app.MapGet("/", () => Results.Ok(new { service = "CallbackFunctions", status = "ready" }));
        app.MapFunctions(typeof(CallbackApp).Assembly);
        return app;
    }

    /// <summary>local.settings.json keeps its settings under "Values" (the Functions convention): read them as top-level.</summary>
    private static void AddLocalSettingsValues(ConfigurationManager config)
    {
        var values = config.GetSection("Values").AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => kv.Value);
        if (values.Count > 0) config.AddInMemoryCollection(values);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await App.StopAsync(stop.Token); } catch (OperationCanceledException) { }
        await App.DisposeAsync();
        await Durable.DisposeAsync();
    }
}
