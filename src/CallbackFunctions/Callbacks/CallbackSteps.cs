using System.Collections.Immutable;
using CallbackFunctions.Agents;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;
using CallbackFunctions.Twilio;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// Carries out a decision of the callback orchestration: writes the projection (the state the management API and the
/// webhooks read), keeps the indexes that follow from it (live callback per caller, waiting for an agent, waiting for a
/// line), frees what an offer held and hangs up legs nobody needs. Idempotent: the projection write is a step of a
/// known version, releases only free what the named offer holds, and hanging up an ended call changes nothing.
/// </summary>
public sealed class CallbackSteps(
    CallbackRepository callbacks,
    CallbackReader reader,
    LiveCallbackIndex live,
    WaitingIndex waiting,
    AgentDirectory agents,
    CallLines lines,
    Queues.QueueCooldowns cooldowns,
    Contacts.CallerContacts contacts,
    TwilioCalls twilio,
    TimeProvider time,
    ILogger<CallbackSteps> logger)
{
    public async Task<StepOutcome> SaveAsync(CallbackRun run, Decision decision, CancellationToken ct)
    {
        var before = run.State;
        var after = decision.Callback;
        var saved = run;
        // A decision that changes nothing still writes what the orchestration decided while the agent was on the line.
        if (decision.Changed || run.Unsaved)
        {
            var (etag, stored, version, written) = await callbacks.SaveStepAsync(after, run.Version + 1, new Azure.ETag(run.ETag), ct);
            saved = run with { State = after, ETag = etag.ToString(), Version = version, Unsaved = false };
            if (written) await FollowAsync(before, after, ct);
            else
            {
                CallbackLog.StepAlreadySaved(logger, after.Id, version, stored.Status.ToString());
                // Saved by an earlier run that may have stopped before its contact followed (idempotent).
                if (!after.IsLive) await contacts.FollowAsync(after, ct);
            }
        }
        var wakes = ImmutableArray.CreateBuilder<Wake>();
        foreach (var command in decision.Commands)
        {
            switch (command)
            {
                case ReleaseAgent release:
                    wakes.AddRange(await ReleaseAsync(after, release, ct));
                    if (saved.Held is { } held && held.Holder(after.Id) == release.Holder) saved = saved with { Held = null };
                    break;
                case HangUpCall hangUp:
                    await HangUpQuietlyAsync(hangUp.CallSid, ct);
                    break;
                default:
                    throw new InvalidOperationException($"callback {after.Id}: no way to carry out {command}");
            }
        }
        return new StepOutcome(saved, wakes.ToImmutable());
    }

    /// <summary>
    /// The agent's call of an offer is over, as Twilio reports it: frees what the offer held (each release frees only a
    /// hold of that very offer, so a repeated report changes nothing) and, when the callback is final with changes its
    /// row does not show yet, writes them (final is final: its orchestration writes nothing after, and a write of its own
    /// that crossed this one would carry the same callback). The orchestration, told with
    /// <see cref="AgentCallEnded.Released"/> and <see cref="AgentCallEnded.FinalSaved"/>, then needs no activity for the
    /// call's end. Returns the event to tell and the callbacks to wake for what was freed.
    /// </summary>
    public async Task<(AgentCallEnded Ended, IReadOnlyList<Wake> Wakes)> EndAgentCallAsync(DurableTaskClient client, AgentCallEnded ended, string callbackId, CancellationToken ct)
    {
        var snapshot = await CallbackReader.SnapshotAsync(client, callbackId, ct);
        // The custom status shows the offer once the orchestration has its result; a call that ended at once may come first.
        var callback = snapshot?.State.Offer >= ended.Offer ? snapshot.State : (await callbacks.GetAsync(callbackId, ct))?.Value;
        if (callback?.AgentLeg is not { } leg || leg.Offer != ended.Offer) return (ended, []);
        var wakes = await ReleaseAsync(callback, new ReleaseAgent(leg.AgentId, Domain.Agents.Agent.Holder(callbackId, leg.Offer), callback.CooldownAfterOffer(leg.Offer)), ct);
        var saved = false;
        if (snapshot is { Unsaved: true, State.IsLive: false } && snapshot.State.AgentLeg?.Offer == ended.Offer)
        {
            var whole = await reader.WholeAsync(snapshot, callbackId, ct);
            var (_, _, _, written) = await callbacks.SaveStepAsync(whole, snapshot.Version + 1, new Azure.ETag(snapshot.ETag), ct);
            if (written) await FollowAsync(whole, whole, ct);
            saved = true;
        }
        return (ended with { Released = true, FinalSaved = saved }, wakes);
    }

    /// <summary>The indexes that follow from a change of state, and the contact's status once the callback leaves the line.</summary>
    public async Task FollowAsync(Callback before, Callback after, CancellationToken ct)
    {
        if (!after.IsLive) await live.RemoveAsync(after.Caller, after.Queue, after.Id, ct);
        // seed 000: it left the line; the contact gets back the status it had before (idempotent: a final write repeated is ignored).
        if (!after.IsLive) await contacts.FollowAsync(after, ct);
        if (!after.IsLive && before.WaitingForLine) await lines.LeaveLineQueueAsync(after, ct);
        // A callback waits in its line by its place (issue 15 §1): a freed agent wakes the earliest place first.
        var (line, lineBefore) = (WaitingIndex.LineOf(after), WaitingIndex.LineOf(before));
        if (before.WaitingForAgent && (!after.WaitingForAgent || line != lineBefore)) await waiting.RemoveAsync(lineBefore, after.Id, ct);
        if (after.WaitingForAgent && (!before.WaitingForAgent || line != lineBefore || after.Place != before.Place || after.Access != before.Access))
            await waiting.AddAsync(line, after.Id, after.Place, after.Access, ct);
    }

    /// <summary>
    /// Frees what an offer held: its line, the customer's number and the agent. The callback waiting longest for a
    /// line, and (seed 000) the callbacks at the head of the freed agent's queues' lines, are told at once.
    /// </summary>
    public async Task<IReadOnlyList<Wake>> ReleaseAsync(Callback callback, ReleaseAgent release, CancellationToken ct)
    {
        var wakes = new List<Wake>();
        if (callback.AgentLeg is { Line: { } line } leg && Domain.Agents.Agent.Holder(callback.Id, leg.Offer) == release.Holder)
        {
            await lines.ReleaseLineAsync(line, release.Holder, ct);
            wakes.AddRange((await lines.NextInLineAsync(1, ct)).Where(id => id != callback.Id).Select(id => new Wake(id, new LineFreed())));
        }
        await lines.ReleaseNumberAsync(callback.Caller, release.Holder, ct);
        // How long the offer took goes with the release (the same write) into the queue's handling time, the estimate's.
        var now = time.GetUtcNow();
        var handled = callback.AgentLeg is { } offered && Domain.Agents.Agent.Holder(callback.Id, offered.Offer) == release.Holder
            ? new Domain.Agents.HandledOffer(callback.Queue, now, now - offered.RequestedAt) : null;
        // seed 004: a reject or a completed callback may start the queue's cooldown for the agent, in the same write.
        var cooldown = release.Cooldown == CooldownAfter.None ? ((CooldownSettings, CooldownAfter)?)null
            : (await cooldowns.ForAsync(callback.Queue, ct), release.Cooldown);
        if (await agents.ReleaseAsync(release.AgentId, release.Holder, ct, handled, cooldown) is { IsFree: true } agent)
            wakes.AddRange((await waiting.ClaimHeadAsync(agent, WaitingCallbacks.WakesPerFreedAgent, time.GetUtcNow(), ct))
                .Where(id => id != callback.Id).Select((id, behind) => new Wake(id, new AgentFreed(behind))));
        return wakes;
    }

    public async Task HangUpQuietlyAsync(string callSid, CancellationToken ct)
    {
        try
        {
            await twilio.HangUpAsync(callSid, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TwilioRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            CallbackLog.HangUpFailed(logger, callSid, e.Message);
        }
    }
}
