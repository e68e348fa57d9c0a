using System.Text.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Spool;

/// <summary>
/// What a spooled webhook still has to do, once storage answers: a missed call or IVR request to make a callback of and
/// start (<see cref="Create"/>), a served caller whose callbacks to cancel (<see cref="ServedCaller"/>), or an event of a leg's
/// status callback to tell a callback's orchestration (<see cref="TellCallback"/>, <see cref="Tell"/>).
/// </summary>
public sealed record SpooledWebhook(CallbackRequest? Create, string? ServedCaller, string? TellCallback = null, CallbackEvent? Tell = null);

/// <summary>The spool's settings (<c>Spool__*</c>).</summary>
public sealed class SpoolOptions
{
    public const string Section = "Spool";
    /// <summary>Where spooled webhooks wait to be replayed (a local, writable folder of this instance).</summary>
    public string Path { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "callbackfunctions-spool");
    /// <summary>How often the spool is looked at (and, while anything waits in it, replayed).</summary>
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
/// Webhooks whose storage work failed or did not finish within Twilio's budget, kept on this instance's disk so that
/// Twilio still gets its TwiML in time and the work is not lost: a missed-call or IVR webhook whose callback could not
/// be stored or started, a served call whose callbacks could not be cancelled, a status callback's event that could not
/// be told. Also where load is shed: beyond <see cref="SpoolOptions.MaxInFlight"/> missed-call webhooks at work, the
/// next is spooled at once (<see cref="TryAdmit"/>). Each is one file (written to a temp name, then renamed, so a crash
/// never leaves half of one), replayed by <see cref="SpoolDrainer"/>. Replays are idempotent: a callback's id comes
/// from its CallSid, cancelling a callback cancelled already changes nothing, and an event names its offer or attempt,
/// so one told twice is ignored.
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

    /// <summary>An admitted webhook's storage work is over (done, failed or spooled).</summary>
    public void Leave() => Interlocked.Decrement(ref _inFlight);

    private volatile DurableTaskClient? _client;

    /// <summary>
    /// A Durable client is only handed to functions (the <c>[DurableClient]</c> binding), never to services: the
    /// webhooks (and the watchdog) leave theirs here, so the replay can start and tell orchestrations once storage is back.
    /// </summary>
    public void Remember(DurableTaskClient client) => _client ??= client;

    public DurableTaskClient? Client => _client;

    /// <summary>Keeps <paramref name="item"/> until it is replayed.</summary>
    public async Task SaveAsync(SpooledWebhook item, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{time.GetUtcNow().UtcTicks:D19}-{Guid.NewGuid():N}";
        var temp = Path.Combine(Folder, name + ".tmp");
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(item, StorageJson.Options), ct);
        File.Move(temp, Path.Combine(Folder, name + ".json"));
        Interlocked.Increment(ref _count);
    }

    /// <summary>What waits, oldest first (a file that cannot be read is passed over).</summary>
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

    /// <summary>Forgets a replayed webhook.</summary>
    public void Remove(string file)
    {
        if (!File.Exists(file)) return;
        File.Delete(file);
        Interlocked.Decrement(ref _count);
    }

    private static int CountFiles(string folder) => Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").Count() : 0;
}
