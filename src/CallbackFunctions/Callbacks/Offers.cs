using CallbackFunctions.Agents;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Rules;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Twilio;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// A due callback's offer, in one activity: the rules and the account as they are now, then (in this order) the
/// customer's number (never two live calls to it), one of the account's lines, the free agent who waited longest,
/// the carrier's pace, and the agent's call. Whatever it could not get, it gives back what it took and the callback
/// waits its turn. The offer (agent, attempt, time) is saved before Twilio is called, so a second run of this activity
/// finds it and looks the call up at Twilio before it would ever place it again.
/// </summary>
public sealed class Offers(
    CallbackSteps steps,
    CallbackRepository callbacks,
    LiveCallbackIndex live,
    WaitingIndex waiting,
    AgentDirectory agents,
    CallLines lines,
    HoldRepository holds,
    RuleBook rules,
    TimeZones zones,
    TwilioCalls twilio,
    WebhookUrls urls,
    TimeProvider time,
    ILogger<Offers> logger)
{
    /// <summary>A released line wakes the next in line at once; this retry is only the safety net.</summary>
    private static readonly TimeSpan LineRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan NumberRetry = TimeSpan.FromSeconds(2);
    /// <summary>
    /// An offer this early is waited out here; earlier, the orchestration waits for its timer again. It covers what the
    /// orchestration hands over early (<see cref="CallbackOrchestration.OfferWaitsOutEarly"/>) plus the hop to get here.
    /// </summary>
    private static readonly TimeSpan EarlyLimit = CallbackOrchestration.OfferWaitsOutEarly + TimeSpan.FromSeconds(0.5);

    private DateTimeOffset Now => time.GetUtcNow();

    public async Task<StepOutcome> OfferAsync(CallbackRun run, CancellationToken ct)
    {
        var callback = run.State;
        // Durable timers may fire up to a second early (DESIGN §1): an offer never starts before it is due.
        var early = callback.DueAt - Now;
        if (early > EarlyLimit) return new StepOutcome(run, []);
        await time.UntilAsync(callback.DueAt, ct);
        if (Now >= callback.ExpiresAt) return await steps.SaveAsync(run, callback.Expire(Now), ct);
        // A crash between creating a newer callback and cancelling this one leaves this one live but not indexed; a
        // served call (or a manual dial) after this callback was made cancels it even if its event never arrived.
        var (current, servedAt, how) = await live.ReadAsync(callback.Caller, callback.Queue, ct);
        if (servedAt >= callback.CreatedAt)
            return await steps.SaveAsync(run, callback.Cancel(Enum.TryParse<CancelReason>(how, out var reason) ? reason : CancelReason.Served, Now), ct);
        if (current != callback.Id)
            return await steps.SaveAsync(run, callback.Cancel(CancelReason.Superseded, Now), ct);
        // seed 001: the account switch and the rule as they are now; its schedule in the callback's time zone.
        var set = await rules.CurrentAsync(ct);
        if (set.Account.Frozen) return await steps.SaveAsync(run, callback.Cancel(CancelReason.AccountFrozen, Now), ct);
        var rule = callback.Rule is { } kind ? set[kind] : null;
        if (rule is { Enabled: false } && callback.Origin == CallbackOrigin.MissedCall)
            return await steps.SaveAsync(run, callback.Cancel(CancelReason.RuleDisabled, Now), ct);
        if (rule is not null && zones.Find(callback.TimeZone) is { } zone && rule.Schedule.NextOpening(Now, zone) is var opens && opens > Now)
            return await steps.SaveAsync(run, callback.WaitForOpening(opens, Now), ct);
        // issue 16 §2: the contact decides who may call them, whoever the callback was bound to.
        if (callback.BoundAgent is { } boundTo && callback.Access.IsRestricted && await agents.FindAsync(boundTo, ct) is { } boundAgent
            && !Eligibility.HasAccess(boundAgent, callback.Access))
            callback = callback.Unbind($"agent {boundAgent.Name} may not call this contact back: any eligible agent of {callback.Queue}", Now);
        // issue 15 §3: a preferred agent is rung when free, waited for while busy (up to the wait), else the queue takes it.
        if (callback.BoundAgent is { } preferred && callback.PreferredAgentWait is { } wait)
        {
            var decided = await DecidePreferredAsync(callback, preferred, wait, ct);
            // Durable timers may fire up to a second early (DESIGN §1): a wait about to end is waited out here.
            if (decided is PreferredAgentDecision.KeepWaiting { Until: var until } && until - Now is var left && left <= EarlyLimit)
            {
                await time.UntilAsync(until, ct);
                decided = await DecidePreferredAsync(callback, preferred, wait, ct, notBefore: until);
            }
            switch (decided)
            {
                case PreferredAgentDecision.KeepWaiting keep:
                    return await steps.SaveAsync(run, callback.WaitForPreferredAgent(keep.Until, keep.Reason, Now), ct);
                case PreferredAgentDecision.FallBackToQueue fallBack:
                    callback = callback.FallBackToQueue(fallBack.Reason, Now);
                    break;
            }
        }
        // seed 001: deleting the agent a callback is bound to means it does not start.
        else if (callback.BoundAgent is { } bound && !await agents.ExistsAsync(bound, ct))
            return await steps.SaveAsync(run, callback.Cancel(CancelReason.TargetDeleted, Now), ct);

        // issue 15 §1: a callback looking again on its own timer, or woken behind the head of its line, does not overtake
        // one ahead of it that still waits (the head a freed agent woke takes that agent).
        if ((callback.WaitingForAgent || callback.WokenBehind) && await YieldToAheadAsync(callback, ct) is { } ahead)
        {
            var yielded = await steps.SaveAsync(run, callback.WaitForTurn("an earlier place in line goes first; waiting its turn", Now + AgentFreed.Stagger, Now,
                forLine: false), ct);
            return ahead.Length == 0 ? yielded : yielded with { Wakes = yielded.Wakes.AddRange(ahead) };
        }
        var offer = callback.Offer + 1;
        var holder = Agent.Holder(callback.Id, offer);
        if (!await lines.TryHoldNumberAsync(callback.Caller, holder, ct))
            return await steps.SaveAsync(run, callback.WaitForTurn("another call to this number is live; waiting", Now + NumberRetry, Now, forLine: false), ct);
        var line = await lines.TryTakeLineAsync(callback, set.Account.MaxLines, holder, ct);
        if (line is null)
        {
            await lines.ReleaseNumberAsync(callback.Caller, holder, ct);
            return await steps.SaveAsync(run, callback.WaitForTurn($"all {set.Account.MaxLines} lines busy; waiting for a line", Now + LineRetry, Now, forLine: true), ct);
        }
        var agent = await agents.TryHoldFreeAgentAsync(callback.Queue, callback.Access, callback.ExcludedAgents, holder, ct, callback.BoundAgent);
        // seed 004: when the agent who may take it cools down, it is theirs the moment that ends; one about to end (this look
        // may come a little early: DESIGN §1) is waited for here.
        var cooldownEnds = agent is null ? await agents.NextCooldownEndAsync(callback.Queue, callback.Access, callback.ExcludedAgents, ct, callback.BoundAgent) : null;
        if (cooldownEnds is { } ends && ends - Now <= EarlyLimit)
        {
            await time.UntilAsync(ends, ct);
            agent = await agents.TryHoldFreeAgentAsync(callback.Queue, callback.Access, callback.ExcludedAgents, holder, ct, callback.BoundAgent);
            cooldownEnds = agent is null ? await agents.NextCooldownEndAsync(callback.Queue, callback.Access, callback.ExcludedAgents, ct, callback.BoundAgent) : null;
        }
        if (agent is null)
        {
            await ReleaseAsync(callback, line, null, holder, ct);
            // Its preferred agent was not free after all (taken a moment ago, or the directory's snapshot was behind): busy,
            // so it waits for them as for any busy one, or, its wait over, any agent of the queue takes it at its next look.
            if (callback is { BoundAgent: { } taken, PreferredAgentWait: { } w })
                switch (await DecidePreferredAsync(callback, taken, w, ct, busy: true))
                {
                    case PreferredAgentDecision.KeepWaiting keep:
                        return await steps.SaveAsync(run, callback.WaitForPreferredAgent(keep.Until, keep.Reason, Now), ct);
                    case PreferredAgentDecision.FallBackToQueue fallBack:
                        return await steps.SaveAsync(run, callback.FallBackToQueue(fallBack.Reason, Now).RetryAfterFault(Now), ct);
                }
            // It looks again when that cooldown ends, unless another agent frees up first.
            var waits = await steps.SaveAsync(run, callback.NoAgentAvailable(Now, cooldownEnds), ct);
            return await LookOnceMoreInLineAsync(waits, callback.ExcludedAgents, ct);
        }
        // Carrier pacing (TWILIO.md §7: calls per second), shared by every instance: wait for this call's slot.
        var slot = await holds.ReserveSlotAsync("twilio-calls", set.Account.CallsPerSecond, Now, ct);
        if (slot > TimeSpan.Zero) await Task.Delay(slot, time, ct);
        var started = (rule is null ? callback : callback.WithRule(rule)).StartOffer(agent, Now, line);
        if (!started.Changed)
        {
            await ReleaseAsync(callback, line, agent.Id, holder, ct);
            return await steps.SaveAsync(run, callback.RetryAfterFault(Now), ct);
        }
        // The intent first: from here on a second run of this step finds the offer saved.
        var (etag, stored, version, written) = await callbacks.SaveStepAsync(started.Callback, run.Version + 1, new Azure.ETag(run.ETag), ct);
        var intent = run with { State = stored, ETag = etag.ToString(), Version = version, Held = new HeldOffer(stored.AgentLeg!.Offer, stored.AgentLeg.AgentId), Unsaved = false };
        if (stored.AgentLeg.AgentId != agent.Id)
        {
            // An earlier run of this step offered it to someone else: that offer stands; this run's agent goes back, uncalled.
            await agents.UnholdAsync(agent.Id, holder, ct);
            return await PlaceAsync(intent, reconcile: true, ct);
        }
        if (written) await steps.FollowAsync(run.State, stored, ct);
        return await PlaceAsync(intent, reconcile: !written, ct);
    }

    /// <summary>
    /// Places the agent's call of the saved offer. With <paramref name="reconcile"/> (the offer may have been dialled
    /// already: an earlier run of the step, a timeout or a 5xx) it looks the call up first.
    /// </summary>
    public async Task<StepOutcome> PlaceAsync(CallbackRun run, bool reconcile, CancellationToken ct)
    {
        var callback = run.State;
        var leg = callback.AgentLeg ?? throw new InvalidOperationException($"callback {callback.Id} has no offer to place");
        if (reconcile && await FindPlacedCallAsync(callback, leg, ct) is { } existing)
        {
            CallbackLog.AgentCallFound(logger, callback.Id, leg.Offer, existing);
            return Placed(run, leg, existing);
        }
        var request = new CreateCallRequest(leg.AgentPhone, callback.CallerId, urls.AgentAnswer(callback.Id, leg.Offer),
            urls.AgentStatus(callback.Id, leg.Offer), callback.Policy.AgentRingTimeout);
        switch (await twilio.CreateCallAsync(request, ct))
        {
            case CreateCallResult.Created created:
                CallbackLog.AgentDialled(logger, callback.Id, leg.Offer, PhoneMask.Mask(leg.AgentPhone), created.CallSid);
                return Placed(run, leg, created.CallSid);
            case CreateCallResult.Rejected rejected:
                CallbackLog.AgentDialRejected(logger, callback.Id, leg.Offer, rejected.Code, rejected.Message);
                return await steps.SaveAsync(run, callback.AgentDeclined(leg.Offer, AgentOutcome.Unreachable, Now, $"Twilio error {rejected.Code}"), ct);
            case CreateCallResult.Ambiguous ambiguous:
                // Twilio may or may not have the call: the offer stays saved; it is looked up shortly, before any retry.
                CallbackLog.AgentDialAmbiguous(logger, callback.Id, leg.Offer, ambiguous.Why);
                return await steps.SaveAsync(run, callback.RetryDialSoon(leg.Offer, Now), ct);
            default:
                throw new InvalidOperationException("unknown create-call result");
        }
    }

    /// <summary>
    /// The call's CallSid joins the offer in the orchestration's state; the projection shows it from the next step on
    /// (the webhooks need the offer, saved already, not its CallSid), which saves a write per offer.
    /// </summary>
    private StepOutcome Placed(CallbackRun run, AgentLeg leg, string callSid) =>
        new(run with { State = run.State.AgentCallPlaced(leg.Offer, callSid, Now).Callback }, []);

    /// <summary>
    /// A call already placed for this offer: to the agent, from our caller ID, created since the intent. From the
    /// intent on, the agent is held by this offer alone, so such a call can only be ours.
    /// </summary>
    private async Task<string?> FindPlacedCallAsync(Callback callback, AgentLeg leg, CancellationToken ct)
    {
        var calls = await twilio.ListCallsAsync(leg.AgentPhone, callback.CallerId, ct);
        // Twilio's dates have whole seconds; allow for that and a little clock skew.
        return calls.FirstOrDefault(c => c.CreatedAt is { } at && at >= leg.RequestedAt.AddSeconds(-5))?.Sid;
    }

    /// <summary>
    /// An agent freed while this offer looked for one woke whoever waited in the line then, which this callback joins
    /// only now (the save just made): it would wait for the next freed agent or its own look (<c>NoAgentRetry</c>,
    /// 30 s). So, once in the line, one more look at the agents as the store has them now (not tried in this round); one
    /// free after all wakes the callback as one behind the head of its line (<see cref="AgentFreed.Stagger"/>), so a
    /// callback ahead of it, woken by that agent, still goes first.
    /// </summary>
    private async Task<StepOutcome> LookOnceMoreInLineAsync(StepOutcome waits, IReadOnlyCollection<string> excluded, CancellationToken ct)
    {
        var callback = waits.Run.State;
        if (!callback.WaitingForAgent || callback.Status != CallbackStatus.Queued) return waits;
        var joined = Now;
        if (!await agents.AnyFreeSinceAsync(joined, callback.Queue, callback.Access, excluded, ct, callback.BoundAgent)) return waits;
        CallbackLog.FreedWhileJoining(logger, callback.Id);
        return waits with { Wakes = waits.Wakes.Add(new Wake(callback.Id, new AgentFreed(Behind: 1))) };
    }

    /// <summary>
    /// The callback ahead of this one in its line, when there is one still waiting: null when none (this one goes on);
    /// empty when a freed agent woke it a moment ago (its offer is under way); else the wake that hands it the turn (a
    /// wake it does not need is ignored). A row whose callback no longer waits (a crash between a step and its index)
    /// is removed, so it never holds the line up.
    /// </summary>
    private async Task<Wake[]?> YieldToAheadAsync(Callback callback, CancellationToken ct)
    {
        var line = WaitingIndex.LineOf(callback);
        if (await waiting.FirstAheadAsync(line, callback.Id, callback.Place, callback.Access, ct) is not { } ahead) return null;
        if (ahead.WokenAt > Now - WaitingIndex.WokenFor) return [];
        if (await callbacks.GetAsync(ahead.CallbackId, ct) is not { Value: { IsLive: true, WaitingForAgent: true } })
        {
            await waiting.RemoveAsync(line, ahead.CallbackId, ct);
            return null;
        }
        return [new Wake(ahead.CallbackId, new AgentFreed())];
    }

    /// <summary>
    /// Where the callback's preferred agent stands (as of the directory's snapshot, or <paramref name="busy"/>), and what
    /// that means for it (<see cref="PreferredAgent.Decide"/>), at <paramref name="notBefore"/> at the earliest. An agent
    /// already offered it in this round who did not take it is not waited for again: the queue takes it.
    /// </summary>
    private async Task<PreferredAgentDecision> DecidePreferredAsync(Callback callback, string preferred, TimeSpan wait, CancellationToken ct, bool busy = false,
        DateTimeOffset? notBefore = null)
    {
        var agent = await agents.FindAsync(preferred, ct);
        var name = agent?.Name ?? preferred;
        var now = notBefore > Now ? notBefore.Value : Now;
        var state = PreferredAgent.StateOf(agent, callback.Queue);
        if (busy && state == PreferredAgentState.Available) state = PreferredAgentState.Busy;
        var decided = callback.TriedAgents.Contains(preferred)
            ? new PreferredAgentDecision.FallBackToQueue($"preferred agent {name} did not take it: any agent of {callback.Queue}")
            : PreferredAgent.Decide(preferred, name, state, callback.Queue, callback.PreferredBusySince ?? now, now, wait);
        CallbackLog.PreferredAgentDecided(logger, callback.Id, $"{state} at {now:O}, waiting since {callback.PreferredBusySince:O}: {decided.Reason}");
        return decided;
    }

    private async Task ReleaseAsync(Callback callback, string line, string? agentId, string holder, CancellationToken ct)
    {
        await lines.ReleaseLineAsync(line, holder, ct);
        await lines.ReleaseNumberAsync(callback.Caller, holder, ct);
        // Held for this offer but never called: they keep their place in line.
        if (agentId is not null) await agents.UnholdAsync(agentId, holder, ct);
    }
}
