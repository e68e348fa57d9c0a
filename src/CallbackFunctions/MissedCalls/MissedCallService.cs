using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.MissedCalls;

/// <summary>A lost call or an IVR request, normalised, ready to become a callback (also what the spool keeps).</summary>
public sealed record CallbackRequest(
    string Caller,
    string CallerId,
    string Queue,
    string? CallSid,
    CallbackOrigin Origin,
    string Reason,
    TimeSpan? FirstDelay,
    DateTimeOffset ReceivedAt);

/// <summary>
/// Turns lost calls into callbacks and served calls into cancellations, keeping one live callback per caller and
/// queue (seed 000: only the last missed call stays queued; earlier ones are cancelled).
/// </summary>
public sealed class MissedCallService(
    CallbackEngine engine,
    CallbackRepository callbacks,
    LiveCallbackIndex live,
    IOptionsMonitor<CallbackOptions> options)
{
    public async Task<Callback> CreateAsync(CallbackRequest request, CancellationToken ct)
    {
        var kind = request.Origin == CallbackOrigin.IvrRequest ? "ivr" : "missed";
        var id = CallbackIds.For(request.CallSid, request.Queue, kind);
        var created = Callback.Create(
            new NewCallback(id, request.Queue, request.Caller, request.CallerId, request.Origin, request.CallSid, request.Reason, request.FirstDelay),
            options.CurrentValue.ToPolicy(), request.ReceivedAt);
        if (!await engine.AddAsync(created, ct))
        {
            // A repeated webhook: the callback exists. Finish whatever the first delivery may not have.
            var existing = await callbacks.GetAsync(id, ct);
            if (existing is null || !existing.Value.IsLive) return existing?.Value ?? created.Callback;
            created = new Decision(existing.Value, []);
        }
        await TakeLiveSlotAsync(created.Callback, ct);
        return created.Callback;
    }

    /// <summary>Makes this callback the caller's live one in its queue and cancels the one it replaces.</summary>
    private async Task TakeLiveSlotAsync(Callback callback, CancellationToken ct)
    {
        for (var round = 0; round < 8; round++)
        {
            var row = await live.GetAsync(callback.Caller, callback.Queue, ct);
            if (row?.Value == callback.Id) return;
            if (row is not null && await callbacks.GetAsync(row.Value, ct) is { Value: { IsLive: true } other } && other.CreatedAt > callback.CreatedAt)
            {
                // A newer missed call got there first (webhooks arrive out of order): this one is the superseded one.
                await engine.ApplyAsync(callback.Id, (c, now) => c.Cancel(CancelReason.Superseded, now), ct);
                return;
            }
            if (await live.TrySetAsync(callback.Caller, callback.Queue, callback.Id, row?.ETag, ct))
            {
                if (row is not null)
                    await engine.ApplyAsync(row.Value, (c, now) => c.Cancel(CancelReason.Superseded, now), ct);
                return;
            }
        }
        throw new InvalidOperationException($"callback {callback.Id}: could not take the live slot");
    }

    /// <summary>The caller called again and was served: every live callback of theirs is cancelled (seed 002, 003).</summary>
    public async Task<int> CancelForCallerAsync(string caller, CancelReason reason, CancellationToken ct)
    {
        var cancelled = 0;
        foreach (var (_, callbackId) in await live.ListForCallerAsync(caller, ct))
            if (await engine.ApplyAsync(callbackId, (c, now) => c.Cancel(reason, now), ct) is { Changed: true })
                cancelled++;
        return cancelled;
    }
}
