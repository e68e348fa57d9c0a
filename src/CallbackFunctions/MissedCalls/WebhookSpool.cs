using System.Text.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;

namespace CallbackFunctions.MissedCalls;

/// <summary>A missed-call webhook that could not reach storage, kept on local disk until it can.</summary>
public sealed record SpooledWebhook(CallbackRequest? Create, string? ServedCaller);

public sealed class SpoolOptions
{
    public const string Section = "Spool";
    /// <summary>Where webhooks wait while storage is unreachable (a local, writable folder).</summary>
    public string Path { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "callbackfunctions-spool");
    public TimeSpan RetryEvery { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// When storage is unreachable, Twilio still gets valid TwiML within its 15 s budget and the call is not lost: it is
/// written here (write to a temp name, then rename, so a crash never leaves half a file) and replayed by
/// <see cref="SpoolDrainer"/> once storage answers. Replays are idempotent: callback ids come from the CallSid.
/// </summary>
public sealed class WebhookSpool(Microsoft.Extensions.Options.IOptions<SpoolOptions> options, TimeProvider time)
{
    private string Folder => options.Value.Path;

    public async Task SaveAsync(SpooledWebhook item, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{time.GetUtcNow().UtcTicks:D19}-{Guid.NewGuid():N}";
        var temp = Path.Combine(Folder, name + ".tmp");
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(item, StorageJson.Options), ct);
        File.Move(temp, Path.Combine(Folder, name + ".json"));
    }

    public IEnumerable<(string File, SpooledWebhook Item)> Pending()
    {
        if (!Directory.Exists(Folder)) yield break;
        foreach (var file in Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            SpooledWebhook? item;
            try { item = JsonSerializer.Deserialize<SpooledWebhook>(File.ReadAllText(file), StorageJson.Options); }
            catch (Exception e) when (e is IOException or JsonException) { continue; }
            if (item is not null) yield return (file, item);
        }
    }

    public int Count => Directory.Exists(Folder) ? Directory.EnumerateFiles(Folder, "*.json").Count() : 0;

    public static void Remove(string file) => File.Delete(file);
}

/// <summary>Replays spooled webhooks, oldest first, as soon as storage answers again.</summary>
public sealed class SpoolDrainer(WebhookSpool spool, IServiceProvider services, Microsoft.Extensions.Options.IOptions<SpoolOptions> options,
    TimeProvider time, ILogger<SpoolDrainer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await DrainOnceAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            try { await Task.Delay(options.Value.RetryEvery, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task DrainOnceAsync(CancellationToken ct)
    {
        var service = services.GetRequiredService<MissedCallService>();
        foreach (var (file, item) in spool.Pending())
        {
            try
            {
                if (item.Create is { } create) await service.CreateAsync(create, ct);
                if (item.ServedCaller is { } caller) await service.CancelForCallerAsync(caller, CancelReason.Served, ct);
                WebhookSpool.Remove(file);
                MissedCallLog.Replayed(logger, Path.GetFileName(file));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                MissedCallLog.ReplayWaiting(logger, spool.Count, e.GetType().Name);
                return; // storage still away: keep the order, try again later
            }
        }
    }
}
