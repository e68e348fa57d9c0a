using CallbackFunctions.Agents;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Recordings;
using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// Makes sure no callback can get stuck (DESIGN §3): a live callback whose projection says it is overdue (the Azure
/// Storage backend has field reports of lost timers; or a crash came between storing a new callback and starting its
/// orchestration) is nudged, or started; an agent, line or number held by an offer that no longer dials is freed.
/// Nudges are counted for <c>/api/health</c>.
/// </summary>
public sealed class Watchdog(CallbackRepository callbacks, AgentRepository agents, AgentDirectory directory, CallLines lines, HoldRepository holds,
    CallbackRuns runs, MissedCalls.MissedCallService missedCalls, WaitingCallbacks waiting, RecordingJanitor janitor,
    IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILogger<Watchdog> logger)
{
    private long _nudged;

    /// <summary>Callbacks this instance nudged (or started) since it started.</summary>
    public long Nudged => Interlocked.Read(ref _nudged);

    /// <summary>How long an offer may take between holding its agent, line and number and saving itself.</summary>
    internal static readonly TimeSpan OfferBeingMade = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A hold ("{callbackId}/{offer}") is stale when its offer no longer dials. The offer a queued callback is making
    /// right now holds first and saves after (under load, seconds later): its holds get <see cref="OfferBeingMade"/>
    /// from when they were taken. A dialled offer just requested gets a minute too; an offer that completed keeps its
    /// agent and line while they talk (up to Twilio's 4 h call limit), released by the agent leg's status callback normally.
    /// </summary>
    private async Task<bool> IsStaleAsync(string holder, DateTimeOffset? heldSince, DateTimeOffset now, CancellationToken ct)
    {
        var slash = holder.LastIndexOf('/');
        if (slash < 0 || !int.TryParse(holder[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var offer)) return true;
        var callback = (await callbacks.GetAsync(holder[..slash], ct))?.Value;
        if (callback is { Status: CallbackStatus.Queued } queued && offer == queued.Offer + 1 && heldSince is { } since && now - since < OfferBeingMade)
            return false;
        if (callback?.AgentLeg is not { } leg || leg.Offer != offer) return true;
        if (callback.Status is CallbackStatus.DialingAgent or CallbackStatus.DialingCustomer) return false;
        if (now - leg.RequestedAt < TimeSpan.FromMinutes(1)) return false;
        return !(callback.Status == CallbackStatus.Completed && leg.CallSid is not null && now - leg.RequestedAt < TimeSpan.FromHours(4));
    }

    public async Task<(int Nudged, int Released)> SweepAsync(DurableTaskClient client, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var nudged = 0;
        await foreach (var callback in callbacks.QueryOverdueAsync(now - options.CurrentValue.SweepLateness, ct))
        {
            // An orchestration that never started (a crash after the projection was stored, or after the webhook
            // answered) is started, taking the caller's live slot first; one that runs is told to look at its callback
            // again, as if its timer had fired.
            var instance = await client.GetInstanceAsync(callback.Id, getInputsAndOutputs: true, ct);
            // A row written as dialling may be behind its callback (an accept or an answer made while the agent is on the
            // line is written with that call's end): what the orchestration shows says whether it is really overdue.
            if (instance?.SerializedCustomStatus is { Length: > 0 } && instance.ReadCustomStatusAs<CallbackSnapshot>()?.State is { } shown
                && !(shown.IsLive && shown.WakeAt < now - options.CurrentValue.SweepLateness))
                continue;
            if (instance is null) await missedCalls.StartStoredAsync(callback.Id, client, ct);
            else await runs.SendAsync(client, callback.Id, new Nudged(), ct);
            CallbackLog.Nudged(logger, callback.Id, callback.WakeAt!.Value, instance?.RuntimeStatus.ToString() ?? "not started");
            Interlocked.Increment(ref _nudged);
            nudged++;
        }
        var released = 0;
        foreach (var stored in await agents.ListAsync(ct))
        {
            if (stored.Value.HeldBy is not { } holder || !await IsStaleAsync(holder, stored.ModifiedAt, now, ct)) continue;
            if (await directory.ReleaseAsync(stored.Value.Id, holder, ct) is { IsFree: true } agent) await waiting.OfferToAsync(agent, client, ct);
            CallbackLog.StaleHoldReleased(logger, "agent " + stored.Value.Id, holder);
            released++;
        }
        foreach (var (kind, key, holder, since) in await lines.AllHoldsAsync(ct))
        {
            if (!await IsStaleAsync(holder, since, now, ct)) continue;
            await holds.ReleaseAsync(kind, key, holder, ct);
            CallbackLog.StaleHoldReleased(logger, $"{kind} {PhoneMask.Mask(key)}", holder);
            released++;
        }
        // seed 001: recordings past their storage period are deleted at Twilio (at the janitor's own pace).
        await janitor.SweepAsync(ct);
        if (nudged + released > 0) CallbackLog.Swept(logger, nudged, released);
        return (nudged, released);
    }
}
