using CallbackFunctions.AgentCalls;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Twilio;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// The ring watchdogs' look-ups: when we heard nothing of a leg for its ring time and more, Twilio says what became of
/// it. Returns the event that status is, or null while the leg is still going. Reads only; the orchestration decides.
/// </summary>
public sealed class LegChecks(TwilioCalls twilio)
{
    public async Task<CallbackEvent?> CheckAsync(CallbackRun run, CancellationToken ct)
    {
        var callback = run.State;
        if (!callback.IsLive) return await HeldAgentCallAsync(run, ct);
        return callback.Status switch
        {
            CallbackStatus.DialingAgent => await AgentLegAsync(callback.AgentLeg!, ct),
            CallbackStatus.DialingCustomer => await CustomerLegAsync(callback, ct),
            _ => null,
        };
    }

    /// <summary>A final callback whose last offer still holds its agent: is that agent's call over?</summary>
    private async Task<CallbackEvent?> HeldAgentCallAsync(CallbackRun run, CancellationToken ct)
    {
        if (run.Held is not { } held) return null;
        var sid = run.State.AgentLeg is { } leg && leg.Offer == held.Offer ? leg.CallSid : null;
        if (sid is null) return new AgentCallEnded(held.Offer);
        var call = await twilio.FetchCallAsync(sid, ct);
        return call?.CallStatus is { } status && !status.IsTerminal() ? null : new AgentCallEnded(held.Offer);
    }

    private async Task<CallbackEvent?> AgentLegAsync(AgentLeg leg, CancellationToken ct)
    {
        var call = await twilio.FetchCallAsync(leg.CallSid!, ct);
        return call?.CallStatus is { } status
            ? LegStatus.ForAgentLeg(leg.Offer, status)
            : new AgentCallEnded(leg.Offer, AgentOutcome.Unreachable, "Twilio does not know the call");
    }

    /// <summary>The customer's result never came: ask Twilio about the customer leg (the agent call's child).</summary>
    private async Task<CallbackEvent?> CustomerLegAsync(Callback callback, CancellationToken ct)
    {
        var attempt = callback.CustomerLeg!.Attempt;
        if (callback.AgentLeg?.CallSid is not { } agentSid) return new CustomerNotReached(attempt, CustomerOutcome.NoResult, null);
        var child = (await twilio.ListChildCallsAsync(agentSid, ct)).FirstOrDefault();
        // A live leg whose answer we never heard (answering-machine detection may still be deciding, or the webhook
        // was lost) is not taken as reached: look again later; its end (or its verdict) decides.
        if (child?.CallStatus == TwilioCallStatus.InProgress && callback.CustomerLeg.AnsweredAt is null) return null;
        if (child?.CallStatus is { } childStatus && LegStatus.ForCustomerLeg(attempt, childStatus, child.Sid, child.Duration) is { } found) return found;
        var agentCall = await twilio.FetchCallAsync(agentSid, ct);
        return agentCall?.CallStatus is not { } s || s.IsTerminal() ? new CustomerNotReached(attempt, CustomerOutcome.NoResult, child?.Sid) : null;
    }
}
