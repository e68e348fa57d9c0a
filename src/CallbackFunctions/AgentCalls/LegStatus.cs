using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Twilio;

namespace CallbackFunctions.AgentCalls;

/// <summary>What a Twilio status of the agent or customer leg means for the callback; shared by the webhooks and the watchdog.</summary>
public static class LegStatus
{
    public static Func<Callback, DateTimeOffset, Decision>? ForAgentLeg(int offer, TwilioCallStatus status) => status switch
    {
        TwilioCallStatus.NoAnswer => (c, now) => c.AgentDeclined(offer, AgentOutcome.NoAnswer, now),
        TwilioCallStatus.Busy => (c, now) => c.AgentDeclined(offer, AgentOutcome.Busy, now),
        TwilioCallStatus.Failed => (c, now) => c.AgentDeclined(offer, AgentOutcome.Failed, now),
        TwilioCallStatus.Canceled => (c, now) => c.AgentDeclined(offer, AgentOutcome.NoAnswer, now, "cancelled before answer"),
        TwilioCallStatus.Completed => (c, now) => c.AgentLegEnded(offer, now),
        _ => null, // still on its way: nothing to decide
    };

    /// <param name="connected">How long an ended leg was connected (CallDuration / DialCallDuration), when Twilio says.</param>
    public static Func<Callback, DateTimeOffset, Decision>? ForCustomerLeg(int attempt, TwilioCallStatus status, string? callSid, TimeSpan? connected = null) => status switch
    {
        TwilioCallStatus.InProgress => (c, now) => c.CustomerAnswered(attempt, callSid, now),
        TwilioCallStatus.Completed => (c, now) => c.CustomerLegEnded(attempt, connected, callSid, now),
        TwilioCallStatus.Busy => (c, now) => c.CustomerNotReached(attempt, CustomerOutcome.Busy, callSid, now),
        TwilioCallStatus.NoAnswer => (c, now) => c.CustomerNotReached(attempt, CustomerOutcome.NoAnswer, callSid, now),
        TwilioCallStatus.Failed => (c, now) => c.CustomerNotReached(attempt, CustomerOutcome.Failed, callSid, now),
        TwilioCallStatus.Canceled => (c, now) => c.CustomerNotReached(attempt, CustomerOutcome.Canceled, callSid, now),
        _ => null,
    };

    /// <summary>A duration in whole seconds as Twilio sends it (CallDuration, DialCallDuration, the call's duration).</summary>
    public static TimeSpan? Seconds(string? value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : null;

    /// <summary><c>DialCallStatus</c> of a Dial action (TWILIO.md §4): answered only for conferences, otherwise completed.</summary>
    public static TwilioCallStatus? FromDialCallStatus(string? value) => value switch
    {
        "completed" or "answered" => TwilioCallStatus.Completed,
        _ => TwilioCallStatusParser.Parse(value) is { } s && s.IsTerminal() ? s : null,
    };
}
