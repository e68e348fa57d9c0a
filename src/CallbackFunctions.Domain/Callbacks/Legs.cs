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
/// <param name="Outcome">How the leg was judged not reached, once it was (a later "answered" must not overturn that).</param>
public sealed record CustomerLeg(int Attempt, DateTimeOffset StartedAt, string? CallSid, DateTimeOffset? AnsweredAt = null, CustomerOutcome? Outcome = null);

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
    /// <summary>Answered, but hung up before the rule's minimum connection time: not reached.</summary>
    TooShort,
}

/// <summary>
/// The outcomes that can have their own retry counter and interval list (issue 4: a busy line can be retried sooner
/// than an unanswered one). <see cref="AgentNotReached"/> is a round of agents in which none took the callback.
/// </summary>
public enum RetryOutcome
{
    Busy,
    NoAnswer,
    Machine,
    Failed,
    AgentNotReached,
}

public static class RetryOutcomes
{
    public static RetryOutcome For(CustomerOutcome outcome) => outcome switch
    {
        CustomerOutcome.Busy => RetryOutcome.Busy,
        CustomerOutcome.NoAnswer or CustomerOutcome.TooShort => RetryOutcome.NoAnswer,
        CustomerOutcome.Machine => RetryOutcome.Machine,
        _ => RetryOutcome.Failed,
    };
}
