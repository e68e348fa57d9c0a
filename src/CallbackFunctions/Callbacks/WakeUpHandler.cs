using CallbackFunctions.AgentCalls;
using CallbackFunctions.Agents;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Rules;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Twilio;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// Handles one wake-up message, from the standalone poller or the Functions host's queue trigger alike. It returns
/// only once the step is committed; an exception leaves the message for another try (and, repeated, the poison queue).
/// </summary>
public sealed class WakeUpHandler(
    CallbackRepository callbacks,
    LiveCallbackIndex live,
    TimerQueue timers,
    AgentDirectory agents,
    CallLines lines,
    HoldRepository holds,
    CallbackEngine engine,
    TwilioCalls twilio,
    RuleBook rules,
    TimeZones zones,
    TimeProvider time,
    ILogger<WakeUpHandler> logger)
{
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(10);

    /// <summary>Queue delays are whole seconds (DESIGN §2): a message up to this early is held here, not sent again.</summary>
    private static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(1.5);

    public async Task HandleAsync(WakeUpMessage message, CancellationToken ct)
    {
        var stored = await callbacks.GetAsync(message.CallbackId, ct);
        if (stored is null || stored.Value.Generation != message.Generation || stored.Value.WakeAt is not { } wakeAt)
        {
            CallbackLog.StaleWakeUp(logger, message.CallbackId, message.Generation);
            return;
        }
        var callback = stored.Value;
        var early = wakeAt - time.GetUtcNow();
        if (early > HoldLimit)
        {
            await timers.ScheduleAsync(new WakeUpMessage(callback.Id, callback.Generation, wakeAt), ct);
            return;
        }
        // A timer may fire a hair early; never act before the due time.
        if (early > TimeSpan.Zero) await Task.Delay(early + TimerSlack, time, ct);

        switch (callback.Status)
        {
            case CallbackStatus.Queued:
                await OfferAsync(stored, ct);
                break;
            case CallbackStatus.DialingAgent:
                await WatchAgentLegAsync(callback, ct);
                break;
            case CallbackStatus.DialingCustomer:
                await WatchCustomerLegAsync(callback, ct);
                break;
        }
    }

    private async Task OfferAsync(Stored<Callback> stored, CancellationToken ct)
    {
        var callback = stored.Value;
        var gen = callback.Generation;
        if (engine.Now >= callback.ExpiresAt)
        {
            await engine.ApplyAsync(callback.Id, stored, Guard(gen, (c, now) => c.Expire(now)), ct);
            return;
        }
        // A crash between creating a newer callback and cancelling this one leaves this one live but unindexed.
        var current = await live.GetAsync(callback.Caller, callback.Queue, ct);
        if (current?.Value != callback.Id)
        {
            await engine.ApplyAsync(callback.Id, stored, Guard(gen, (c, now) => c.Cancel(CancelReason.Superseded, now)), ct);
            return;
        }
        // seed 001: the account switch and the rule as they are now; its schedule in the callback's time zone.
        var set = await rules.CurrentAsync(ct);
        if (set.Account.Frozen)
        {
            await engine.ApplyAsync(callback.Id, Guard(gen, (c, now) => c.Cancel(CancelReason.AccountFrozen, now)), ct);
            return;
        }
        var rule = callback.Rule is { } kind ? set[kind] : null;
        if (rule is { Enabled: false } && callback.Origin != CallbackOrigin.IvrRequest)
        {
            await engine.ApplyAsync(callback.Id, Guard(gen, (c, now) => c.Cancel(CancelReason.RuleDisabled, now)), ct);
            return;
        }
        if (rule is not null && zones.Find(callback.TimeZone) is { } zone && rule.Schedule.NextOpening(engine.Now, zone) is var opens && opens > engine.Now)
        {
            await engine.ApplyAsync(callback.Id, Guard(gen, (c, now) => c.WaitForOpening(opens, now)), ct);
            return;
        }
        // seed 001: deleting the agent a callback is bound to means it does not start.
        if (callback.BoundAgent is { } bound && !await agents.ExistsAsync(bound, ct))
        {
            await engine.ApplyAsync(callback.Id, Guard(gen, (c, now) => c.Cancel(CancelReason.TargetDeleted, now)), ct);
            return;
        }
        // Claim the attempt first, so that a wake-up delivered twice makes one offer and never gives back holds the
        // other delivery took (they share the offer's name).
        Decision? claim;
        Stored<Callback>? claimed;
        try
        {
            (claim, claimed) = await engine.ApplyAsync(callback.Id, stored, Guard(gen, (c, now) => c.ClaimOffer(now)), ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The claim may have been written even though the answer never came (a storage timeout). If it was, this
            // message is stale for its retry and nothing would wake the callback until the sweeper: wake it shortly.
            await engine.ApplyAsync(callback.Id, Guard(gen + 1, (c, now) => c.RetryAfterFault(now)), CancellationToken.None);
            throw;
        }
        if (claim is not { Changed: true })
        {
            // Not claimable: moved on (its new wake-up is someone else's), or not quite due: then come back when it is.
            if (claim?.Callback is { Status: CallbackStatus.Queued } c && c.Generation == gen && c.DueAt > engine.Now)
                await timers.ScheduleAsync(new WakeUpMessage(c.Id, c.Generation, c.DueAt), ct);
            return;
        }
        callback = claim.Callback;
        gen = callback.Generation;
        try
        {
            // An offer holds, in this order: the customer's number (never two live calls to it), one of the account's
            // lines, and an agent. Whatever it could not get, it gives back what it took and waits its turn.
            var holder = Agent.Holder(callback.Id, callback.Offer + 1);
            if (!await lines.TryHoldNumberAsync(callback.Caller, holder, ct))
            {
                await engine.ApplyAsync(callback.Id, claimed, Guard(gen, (c, now) => c.WaitForTurn("another call to this number is live; waiting", now + NumberRetry, now, forLine: false)), ct);
                return;
            }
            var line = await lines.TryTakeLineAsync(callback, set.Account.MaxLines, holder, ct);
            if (line is null)
            {
                await lines.ReleaseNumberAsync(callback.Caller, holder, ct);
                await engine.ApplyAsync(callback.Id, claimed, Guard(gen, (c, now) => c.WaitForTurn($"all {set.Account.MaxLines} lines busy; waiting for a line", now + LineRetry, now, forLine: true)), ct);
                return;
            }
            var agent = await agents.TryHoldFreeAgentAsync(callback.Queue, callback.TriedAgents, holder, ct, callback.BoundAgent);
            if (agent is null)
            {
                await ReleaseAsync(callback, line, null, holder, ct);
                await engine.ApplyAsync(callback.Id, claimed, Guard(gen, (c, now) => c.NoAgentAvailable(now)), ct);
                return;
            }
            // Carrier pacing (TWILIO.md §7: calls per second), shared by every instance: wait for this call's slot.
            var slot = await holds.ReserveSlotAsync("twilio-calls", set.Account.CallsPerSecond, engine.Now, ct);
            if (slot > TimeSpan.Zero) await Task.Delay(slot, time, ct);
            var (decision, _) = await engine.ApplyAsync(callback.Id, claimed, Guard(gen, (c, now) => (rule is null ? c : c.WithRule(rule)).StartOffer(agent, now, line)), ct);
            if (decision is not { Changed: true })
            {
                await ReleaseAsync(callback, line, agent.Id, holder, ct);
                // The claim left no message behind: unless someone else moved it on, make sure it wakes again.
                await engine.ApplyAsync(callback.Id, Guard(gen, (c, now) => c.RetryAfterFault(now)), ct);
            }
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The claim moved the generation on, so this message's retry would be stale: wake again shortly instead
            // (holds already taken are re-entrant for this offer, or freed by the sweeper). Then report the fault.
            await engine.ApplyAsync(callback.Id, Guard(gen, (c, now) => c.RetryAfterFault(now)), CancellationToken.None);
            throw;
        }
    }

    /// <summary>A released line wakes the next in line at once; this retry is only the safety net.</summary>
    private static readonly TimeSpan LineRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan NumberRetry = TimeSpan.FromSeconds(2);

    private async Task ReleaseAsync(Callback callback, string line, string? agentId, string holder, CancellationToken ct)
    {
        await lines.ReleaseLineAsync(line, holder, ct);
        await lines.ReleaseNumberAsync(callback.Caller, holder, ct);
        if (agentId is not null) await agents.ReleaseAsync(agentId, holder, ct);
    }

    private async Task WatchAgentLegAsync(Callback callback, CancellationToken ct)
    {
        var leg = callback.AgentLeg!;
        if (leg.CallSid is null)
        {
            if (!callback.OfferOverdue(engine.Now))
            {
                await engine.DialAgentAsync(callback, leg, reconcile: true, ct);
                return;
            }
            await engine.ApplyAsync(callback.Id, (c, now) => c.AgentDeclined(leg.Offer, AgentOutcome.Unreachable, now, "Twilio never confirmed the call"), ct);
            return;
        }
        var call = await twilio.FetchCallAsync(leg.CallSid, ct);
        var ended = call?.CallStatus is { } status
            ? LegStatus.ForAgentLeg(leg.Offer, status)
            : new AgentCallEnded(leg.Offer, AgentOutcome.Unreachable, "Twilio does not know the call");
        Func<Callback, DateTimeOffset, Decision>? decide = ended is null ? null : ended.Apply;
        await engine.ApplyAsync(callback.Id, Guard(callback.Generation, decide ?? ((c, now) => c.ExtendWatchdog(now))), ct);
    }

    /// <summary>The customer's result never came: ask Twilio about the customer leg (the agent call's child).</summary>
    private async Task WatchCustomerLegAsync(Callback callback, CancellationToken ct)
    {
        var attempt = callback.CustomerLeg!.Attempt;
        var agentSid = callback.AgentLeg?.CallSid;
        Func<Callback, DateTimeOffset, Decision>? decide = null;
        if (agentSid is not null)
        {
            var child = (await twilio.ListChildCallsAsync(agentSid, ct)).FirstOrDefault();
            if (child?.CallStatus is { } childStatus && LegStatus.ForCustomerLeg(attempt, childStatus, child.Sid, child.Duration) is { } ev) decide = ev.Apply;
            // A live leg whose answer we never heard (answering-machine detection may still be deciding, or the
            // webhook was lost) is not taken as reached: look again; its end (or its verdict) decides.
            if (child?.CallStatus == TwilioCallStatus.InProgress && callback.CustomerLeg.AnsweredAt is null)
                decide = (c, now) => c.ExtendWatchdog(now);
            if (decide is null)
            {
                var agentCall = await twilio.FetchCallAsync(agentSid, ct);
                if (agentCall?.CallStatus is not { } s || s.IsTerminal())
                    decide = (c, now) => c.CustomerNotReached(attempt, CustomerOutcome.NoResult, child?.Sid, now);
            }
        }
        else
        {
            decide = (c, now) => c.CustomerNotReached(attempt, CustomerOutcome.NoResult, null, now);
        }
        await engine.ApplyAsync(callback.Id, Guard(callback.Generation, decide ?? ((c, now) => c.ExtendWatchdog(now))), ct);
    }

    /// <summary>Decides only if nothing moved the callback since this wake-up read it.</summary>
    private static Func<Callback, DateTimeOffset, Decision> Guard(long generation, Func<Callback, DateTimeOffset, Decision> decide) =>
        (c, now) => c.Generation == generation ? decide(c, now) : Decision.Ignore(c, $"moved on from generation {generation}");
}
