namespace CallbackFunctions.Domain.Callbacks;

/// <summary>
/// An offer of the callback to one agent. Saved before the call is placed (the intent), so a redelivered wake-up finds
/// it and never dials twice; <see cref="CallSid"/> is filled in once Twilio has answered.
/// </summary>
public sealed record AgentLeg(
    int Offer,
    string AgentId,
    string AgentName,
    string AgentPhone,
    DateTimeOffset RequestedAt,
    string? CallSid,
    string? Line = null);

/// <summary>The customer leg of an attempt, dialled from the agent's call once the agent accepted.</summary>
public sealed record CustomerLeg(int Attempt, DateTimeOffset StartedAt, string? CallSid);

/// <summary>Why an agent did not take an offer. None of these consumes a customer attempt.</summary>
public enum AgentOutcome
{
    NoAnswer,
    Busy,
    Failed,
    Passed,
    HungUp,
    Unreachable,
}

/// <summary>How a customer leg ended without the customer being reached.</summary>
public enum CustomerOutcome
{
    Busy,
    NoAnswer,
    Failed,
    Canceled,
    NoResult,
    /// <summary>An answering machine answered and the rule counts that as not answered (voicemail policy).</summary>
    Machine,
}
