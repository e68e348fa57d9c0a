using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Twilio;

namespace CallbackFunctions.AgentCalls;

/// <summary>Which callback event a Twilio status of the agent or customer leg is; shared by the webhooks and the watchdog.</summary>
public static class LegStatus
{
    public static CallbackEvent? ForAgentLeg(int offer, TwilioCallStatus status) => status switch
    {
        TwilioCallStatus.NoAnswer => new AgentCallEnded(offer, AgentOutcome.NoAnswer),
        TwilioCallStatus.Busy => new AgentCallEnded(offer, AgentOutcome.Busy),
        TwilioCallStatus.Failed => new AgentCallEnded(offer, AgentOutcome.Failed),
        TwilioCallStatus.Canceled => new AgentCallEnded(offer, AgentOutcome.NoAnswer, "cancelled before answer"),
        TwilioCallStatus.Completed => new AgentCallEnded(offer),
        _ => null, // still on its way: nothing to decide
    };

    /// <param name="connected">How long an ended leg was connected (CallDuration / DialCallDuration), when Twilio says.</param>
    public static CallbackEvent? ForCustomerLeg(int attempt, TwilioCallStatus status, string? callSid, TimeSpan? connected = null) => status switch
    {
        TwilioCallStatus.InProgress => new CustomerAnswered(attempt, callSid),
        TwilioCallStatus.Completed => new CustomerLegEnded(attempt, connected, callSid),
        TwilioCallStatus.Busy => new CustomerNotReached(attempt, CustomerOutcome.Busy, callSid),
        TwilioCallStatus.NoAnswer => new CustomerNotReached(attempt, CustomerOutcome.NoAnswer, callSid),
        TwilioCallStatus.Failed => new CustomerNotReached(attempt, CustomerOutcome.Failed, callSid),
        TwilioCallStatus.Canceled => new CustomerNotReached(attempt, CustomerOutcome.Canceled, callSid),
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
