using System.Text.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.MissedCalls;

/// <summary>
/// A webhook that could not reach storage, kept on local disk until it can: a missed call to make a callback of, a
/// served call to cancel callbacks for, or an event (a leg's status callback) to tell a callback's orchestration.
/// </summary>
public sealed record SpooledWebhook(CallbackRequest? Create, string? ServedCaller, string? TellCallback = null, CallbackEvent? Tell = null);

public sealed class SpoolOptions
{
    public const string Section = "Spool";
    /// <summary>Where webhooks wait while storage is unreachable (a local, writable folder).</summary>
    public string Path { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "callbackfunctions-spool");
    public TimeSpan RetryEvery { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// Missed-call webhooks doing their storage work at once, at most; one more is spooled at once (and answered in
    /// milliseconds) rather than queued behind them: an instance that cannot keep up sheds load into the spool instead
    /// of keeping ever more requests open.
    /// </summary>
    public int MaxInFlight { get; set; } = 64;
    /// <summary>Spooled webhooks replayed at once (one caller's webhooks always in their order).</summary>
    public int ReplayLanes { get; set; } = 8;
}

/// <summary>
/// When storage is unreachable, Twilio still gets valid TwiML within its 15 s budget and the call is not lost: it is
/// written here (write to a temp name, then rename, so a crash never leaves half a file) and replayed by
/// <see cref="SpoolDrainer"/> once storage answers. Replays are idempotent: callback ids come from the CallSid.
/// </summary>
public sealed class WebhookSpool(Microsoft.Extensions.Options.IOptions<SpoolOptions> options, TimeProvider time)
{
    private string Folder => options.Value.Path;
    private int _inFlight;
    private long _shed;
    private int _count = CountFiles(options.Value.Path); // what an earlier run left, then kept up to date

    /// <summary>Admits one more webhook to do its storage work now, unless <see cref="SpoolOptions.MaxInFlight"/> already do.</summary>
    public bool TryAdmit()
    {
        if (Interlocked.Increment(ref _inFlight) <= options.Value.MaxInFlight) return true;
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _shed);
        return false;
    }

    /// <summary>Webhooks not admitted (spooled because too many were at work) since this instance started.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    public void Leave() => Interlocked.Decrement(ref _inFlight);

    private volatile DurableTaskClient? _client;

    /// <summary>
    /// A Durable client is only handed to functions (the <c>[DurableClient]</c> binding), never to services: the
    /// webhooks leave theirs here, so the replay can start and tell orchestrations once storage is back.
    /// </summary>
    public void Remember(DurableTaskClient client) => _client ??= client;

    public DurableTaskClient? Client => _client;

    public async Task SaveAsync(SpooledWebhook item, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{time.GetUtcNow().UtcTicks:D19}-{Guid.NewGuid():N}";
        var temp = Path.Combine(Folder, name + ".tmp");
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(item, StorageJson.Options), ct);
        File.Move(temp, Path.Combine(Folder, name + ".json"));
        Interlocked.Increment(ref _count);
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

    /// <summary>Webhooks waiting in the spool.</summary>
    public int Count => Math.Max(0, Volatile.Read(ref _count));

    public void Remove(string file)
    {
        if (!File.Exists(file)) return;
        File.Delete(file);
        Interlocked.Decrement(ref _count);
    }

    private static int CountFiles(string folder) => Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").Count() : 0;
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

    /// <summary>
    /// Replays what is spooled, oldest first, in lanes by caller: one caller's webhooks (a missed call, then being
    /// served) keep their order, different callers' go in parallel.
    /// </summary>
    public async Task DrainOnceAsync(CancellationToken ct)
    {
        // Under the Functions host a client comes only with a function (a webhook or the watchdog leaves it here); a host
        // that offers one as a service (the local host) is used at once.
        if (spool.Count == 0 || (spool.Client ?? services.GetService<DurableTaskClient>()) is not { } client) return;
        var service = services.GetRequiredService<MissedCallService>();
        var runs = services.GetRequiredService<Callbacks.CallbackRuns>();
        var lanes = Math.Max(1, options.Value.ReplayLanes);
        var byLane = spool.Pending().GroupBy(p => (uint)StringComparer.Ordinal.GetHashCode(Caller(p.Item)) % (uint)lanes);
        await Task.WhenAll(byLane.Select(lane => Task.Run(() => ReplayAsync(service, runs, client, lane, ct), CancellationToken.None)));
    }

    private static string Caller(SpooledWebhook item) => item.Create?.Caller ?? item.ServedCaller ?? item.TellCallback ?? "";

    private async Task ReplayAsync(MissedCallService service, Callbacks.CallbackRuns runs, DurableTaskClient client,
        IEnumerable<(string File, SpooledWebhook Item)> lane, CancellationToken ct)
    {
        foreach (var (file, item) in lane)
        {
            try
            {
                if (item.Create is { } create) await service.CreateAsync(create, client, ct);
                if (item.ServedCaller is { } caller) await service.CancelForCallerAsync(caller, CancelReason.Served, client, ct);
                if (item is { TellCallback: { } callbackId, Tell: { } happened }) await runs.SendAsync(client, callbackId, happened, ct);
                spool.Remove(file);
                MissedCallLog.Replayed(logger, Path.GetFileName(file));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                MissedCallLog.ReplayWaiting(logger, spool.Count, e.GetType().Name);
                return; // storage still away: keep this lane's order, try again later
            }
        }
    }
}
