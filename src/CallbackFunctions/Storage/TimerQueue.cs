using System.Text.Json;
using CallbackFunctions.Hosting;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Storage;

/// <summary>A wake-up: look at this callback again at <see cref="DueAt"/>, if it is still at this generation.</summary>
public sealed record WakeUpMessage(string CallbackId, long Generation, DateTimeOffset DueAt)
{
    public string ToJson() => JsonSerializer.Serialize(this, StorageJson.Options);

    /// <summary>
    /// Reads a message as the standalone poller or the Functions host hands it over: plain JSON, or JSON encoded as a
    /// JSON string once more (the host may do that, DESIGN §2).
    /// </summary>
    public static WakeUpMessage Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('"')) trimmed = JsonSerializer.Deserialize<string>(trimmed) ?? "";
        var message = JsonSerializer.Deserialize<WakeUpMessage>(trimmed, StorageJson.Options);
        if (message is null || string.IsNullOrEmpty(message.CallbackId)) throw new FormatException("not a wake-up message");
        return message;
    }
}

/// <summary>
/// Every wait is a queue message with a visibility delay (DESIGN §2): at most 7 days, never expiring; a longer wait is
/// chained (the handler sees it is early and sends it on). Delays are whole seconds, so a message may surface up to a
/// second early: the handler never acts before the due time. The standalone poller asks for messages a little earlier
/// still (<see cref="HostingOptions.EffectiveLead"/>) and holds them until due.
/// </summary>
public sealed class TimerQueue(StorageAccount storage, TimeProvider time, IOptions<HostingOptions> hosting)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    public event Action? MessageDueNow;

    public async Task ScheduleAsync(WakeUpMessage message, CancellationToken ct)
    {
        var delay = message.DueAt - time.GetUtcNow() - hosting.Value.EffectiveLead;
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (delay > MaxDelay) delay = MaxDelay;
        // Round down: surfacing early is handled, surfacing late is lateness.
        var visibility = TimeSpan.FromSeconds(Math.Floor(delay.TotalSeconds));
        await storage.TimerQueue.SendMessageAsync(message.ToJson(), visibility, TimeSpan.FromSeconds(-1), ct);
        if (visibility == TimeSpan.Zero) MessageDueNow?.Invoke();
    }
}
