using CallbackFunctions.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Storage;
using CallbackFunctions.Twilio;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// Applies lifecycle decisions durably: load, decide, save with If-Match (a 412 reloads and decides again), then carry
/// out the commands. Every caller, webhook or wake-up, goes through <see cref="ApplyAsync"/>, so each is idempotent the
/// same way: a repeated or stale event is ignored by the domain, a racing writer loses the ETag and re-decides.
/// </summary>
public sealed class CallbackEngine(
    CallbackRepository callbacks,
    LiveCallbackIndex live,
    WaitingIndex waiting,
    WakeUpOutbox wakeUps,
    AgentDirectory agents,
    CallLines lines,
    TwilioCalls twilio,
    WebhookUrls urls,
    TimeProvider time,
    ILogger<CallbackEngine> logger)
{
    private const int MaxConflicts = 32;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Decides on the current state and saves; null when the callback does not exist.</summary>
    public async Task<Decision?> ApplyAsync(string callbackId, Func<Callback, DateTimeOffset, Decision> decide, CancellationToken ct) =>
        (await ApplyAsync(callbackId, null, decide, ct)).Decision;

    /// <summary>
    /// As above, starting from a copy just read (saving a read when the caller has one); returns the stored state after
    /// the decision too, for a caller that decides again right away.
    /// </summary>
    public async Task<(Decision? Decision, Stored<Callback>? After)> ApplyAsync(string callbackId, Stored<Callback>? known,
        Func<Callback, DateTimeOffset, Decision> decide, CancellationToken ct)
    {
        for (var round = 0; round < MaxConflicts; round++)
        {
            var stored = round == 0 && known is not null ? known : await callbacks.GetAsync(callbackId, ct);
            if (stored is null) return (null, null);
            var decision = decide(stored.Value, Now);
            if (!decision.Changed)
            {
                CallbackLog.Ignored(logger, callbackId, decision.IgnoredBecause!);
                return (decision, stored);
            }
            if (await callbacks.TryReplaceAsync(decision.Callback, stored.ETag, ct) is not { } etag)
            {
                CallbackLog.Conflict(logger, callbackId);
                // Someone moved first: back off a little (jittered) so a crowd of writers spreads out, then re-decide.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + 5 * Math.Min(round, 8))), time, ct);
                continue;
            }
            await AfterSaveAsync(stored.Value, decision, ct);
            return (decision, new Stored<Callback>(decision.Callback, etag));
        }
        throw new InvalidOperationException($"callback {callbackId}: gave up after {MaxConflicts} concurrent updates");
    }

    /// <summary>Stores a brand-new callback and schedules its first wake-up.</summary>
    public async Task<bool> AddAsync(Decision created, CancellationToken ct)
    {
        var added = await callbacks.TryAddAsync(created.Callback, ct);
        if (added)
        {
            CallbackLog.Created(logger, created.Callback.Id, PhoneMask.Mask(created.Callback.Caller), created.Callback.Queue, created.Callback.DueAt);
            await AfterSaveAsync(null, created, ct);
        }
        return added;
    }

    private async Task AfterSaveAsync(Callback? before, Decision decision, CancellationToken ct)
    {
        var callback = decision.Callback;
        if (before is null || before.Status != callback.Status)
            CallbackLog.StatusChanged(logger, callback.Id, before?.Status.ToString() ?? "new", callback.Status.ToString(), callback.Timeline[^1].Reason);
        if (!callback.IsLive)
            await live.RemoveAsync(callback.Caller, callback.Queue, callback.Id, ct);
        if (!callback.IsLive && before?.WaitingForLine == true)
            await lines.LeaveLineQueueAsync(callback, ct);
        if (callback.WaitingForAgent && before?.WaitingForAgent != true)
            await waiting.AddAsync(callback.Queue, callback.Id, ct);
        else if (!callback.WaitingForAgent && before?.WaitingForAgent == true)
            await waiting.RemoveAsync(callback.Queue, callback.Id, ct);
        foreach (var command in decision.Commands)
        {
            switch (command)
            {
                case ScheduleWakeUp wake:
                    await wakeUps.ScheduleAsync(new WakeUpMessage(callback.Id, wake.Generation, wake.At), ct);
                    break;
                case ReleaseAgent release:
                    await ReleaseOfferAsync(callback, release.AgentId, release.Holder, ct);
                    break;
                case HangUpCall hangUp:
                    await HangUpQuietlyAsync(hangUp.CallSid, ct);
                    break;
                case DialAgent dial:
                    await DialAgentAsync(callback, dial.Leg, reconcile: false, ct);
                    break;
            }
        }
    }

    /// <summary>
    /// Places the agent's call for an offer whose intent is saved. With <paramref name="reconcile"/> (a wake-up found the
    /// intent without a CallSid: a crash, a timeout, a 5xx) it first looks the call up, so an offer never rings an agent
    /// twice.
    /// </summary>
    public async Task DialAgentAsync(Callback callback, AgentLeg leg, bool reconcile, CancellationToken ct)
    {
        if (reconcile && await FindPlacedCallAsync(callback, leg, ct) is { } existing)
        {
            CallbackLog.AgentCallFound(logger, callback.Id, leg.Offer, existing);
            await ApplyAsync(callback.Id, (c, now) => c.AgentCallPlaced(leg.Offer, existing, now), ct);
            return;
        }
        var request = new CreateCallRequest(leg.AgentPhone, callback.CallerId, urls.AgentAnswer(callback.Id, leg.Offer),
            urls.AgentStatus(callback.Id, leg.Offer), callback.Policy.AgentRingTimeout);
        var result = await twilio.CreateCallAsync(request, ct);
        switch (result)
        {
            case CreateCallResult.Created created:
                CallbackLog.AgentDialled(logger, callback.Id, leg.Offer, PhoneMask.Mask(leg.AgentPhone), created.CallSid);
                var placed = await ApplyAsync(callback.Id, (c, now) => c.AgentCallPlaced(leg.Offer, created.CallSid, now), ct);
                // The offer moved on while Twilio answered (cancelled, declined): that agent's phone must not keep ringing.
                if (placed is { Changed: false } && placed.Callback.AgentLeg?.CallSid != created.CallSid)
                    await HangUpQuietlyAsync(created.CallSid, ct);
                break;
            case CreateCallResult.Rejected rejected:
                CallbackLog.AgentDialRejected(logger, callback.Id, leg.Offer, rejected.Code, rejected.Message);
                await ApplyAsync(callback.Id, (c, now) => c.AgentDeclined(leg.Offer, AgentOutcome.Unreachable, now, $"Twilio error {rejected.Code}"), ct);
                break;
            case CreateCallResult.Ambiguous ambiguous:
                // Twilio may or may not have the call. The intent stays saved; a wake-up comes back soon and looks
                // the call up before any retry.
                CallbackLog.AgentDialAmbiguous(logger, callback.Id, leg.Offer, ambiguous.Why);
                await ApplyAsync(callback.Id, (c, now) => c.RetryDialSoon(leg.Offer, now), ct);
                break;
        }
    }

    /// <summary>
    /// Finds a call already placed for this offer: to the agent, from our caller ID, created since the intent. From the
    /// intent on, the agent is held by this offer alone, so such a call can only be ours.
    /// </summary>
    private async Task<string?> FindPlacedCallAsync(Callback callback, AgentLeg leg, CancellationToken ct)
    {
        var calls = await twilio.ListCallsAsync(leg.AgentPhone, callback.CallerId, ct);
        // Twilio's dates have whole seconds; allow for that and a little clock skew.
        return calls.FirstOrDefault(c => c.CreatedAt is { } at && at >= leg.RequestedAt.AddSeconds(-5))?.Sid;
    }

    /// <summary>
    /// Frees what an offer held: its line, the customer's number and the agent; if that makes the agent free, offers
    /// them the callbacks waiting in their queues.
    /// </summary>
    public async Task ReleaseOfferAsync(Callback callback, string agentId, string holder, CancellationToken ct)
    {
        if (callback.AgentLeg is { Line: { } line } leg && Domain.Agents.Agent.Holder(callback.Id, leg.Offer) == holder)
        {
            await lines.ReleaseLineAsync(line, holder, ct);
            // The line goes to whoever has waited longest for one: wake them now rather than at their next retry.
            foreach (var next in await lines.NextInLineAsync(1, ct))
                await ApplyAsync(next, (c, now) => c.LineFreed(now), ct);
        }
        await lines.ReleaseNumberAsync(callback.Caller, holder, ct);
        if (await agents.ReleaseAsync(agentId, holder, ct) is { IsFree: true } agent)
            await OfferWaitingCallbacksAsync(agent, ct);
    }

    /// <summary>seed 000: when an agent becomes available, waiting dial-backs are offered before anything else.</summary>
    public async Task OfferWaitingCallbacksAsync(Domain.Agents.Agent agent, CancellationToken ct)
    {
        foreach (var callbackId in await waiting.ListAsync([.. agent.Queues], ct))
            await ApplyAsync(callbackId, (c, now) => c.OfferNow(now), ct);
    }

    public async Task HangUpQuietlyAsync(string callSid, CancellationToken ct)
    {
        try
        {
            await twilio.HangUpAsync(callSid, ct);
        }
        catch (TwilioRequestException e)
        {
            CallbackLog.HangUpFailed(logger, callSid, e.Message);
        }
    }
}
