using System.Text.Json.Serialization;

namespace CallbackFunctions.Domain.Callbacks;

/// <summary>
/// Something that happened to a callback from outside: a leg's result, an operator's command, a freed agent or line.
/// Plain data, so it can travel as a message (a webhook raises it, the callback's orchestration applies it). Each names
/// the offer or attempt it is about, so a repeated, late or reordered one is recognised by <see cref="Apply"/> and
/// changes nothing.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(AgentCallPlaced), "agentCallPlaced")]
[JsonDerivedType(typeof(AgentAccepted), "agentAccepted")]
[JsonDerivedType(typeof(AgentPassed), "agentPassed")]
[JsonDerivedType(typeof(AgentCallEnded), "agentCallEnded")]
[JsonDerivedType(typeof(CustomerAnswered), "customerAnswered")]
[JsonDerivedType(typeof(CustomerLegEnded), "customerLegEnded")]
[JsonDerivedType(typeof(CustomerNotReached), "customerNotReached")]
[JsonDerivedType(typeof(VoicemailReached), "voicemailReached")]
[JsonDerivedType(typeof(CancelRequested), "cancel")]
[JsonDerivedType(typeof(CallNowRequested), "callNow")]
[JsonDerivedType(typeof(MoveRequested), "move")]
[JsonDerivedType(typeof(AgentFreed), "agentFreed")]
[JsonDerivedType(typeof(LineFreed), "lineFreed")]
[JsonDerivedType(typeof(Nudged), "nudged")]
[JsonDerivedType(typeof(TriggerReceived), "trigger")]
[JsonDerivedType(typeof(ContactChanged), "contactChanged")]
[JsonDerivedType(typeof(ContactFound), "contactFound")]
public abstract record CallbackEvent
{
    /// <summary>What the lifecycle decides on this event, given the callback as it is now.</summary>
    public abstract Decision Apply(Callback callback, DateTimeOffset now);
}

/// <summary>Twilio accepted the agent's call of this offer (its CallSid).</summary>
public sealed record AgentCallPlaced(int Offer, string CallSid) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.AgentCallPlaced(Offer, CallSid, now);
}

/// <summary>The agent pressed 1.</summary>
public sealed record AgentAccepted(int Offer) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.AgentAccepted(Offer, now);
}

/// <summary>The agent pressed 2: the next agent is tried (their call goes on to say goodbye, then ends).</summary>
public sealed record AgentPassed(int Offer) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.AgentDeclined(Offer, AgentOutcome.Passed, now);
}

/// <summary>
/// The agent's call of this offer is over: never taken (<see cref="Outcome"/>: no answer, busy, failed, ...) or ended
/// after it was answered (<see cref="Outcome"/> null). Whatever the callback does, the agent is free again.
/// <see cref="Released"/>: whoever reported it has freed what the offer held already; <see cref="FinalSaved"/>: and
/// recorded the callback's final outcome, so nothing is left to do for it.
/// </summary>
public sealed record AgentCallEnded(int Offer, AgentOutcome? Outcome = null, string? Detail = null, bool Released = false, bool FinalSaved = false) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) =>
        Outcome is { } outcome ? callback.AgentDeclined(Offer, outcome, now, Detail) : callback.AgentLegEnded(Offer, now);
}

/// <summary>The customer leg of this attempt was answered.</summary>
public sealed record CustomerAnswered(int Attempt, string? CallSid) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.CustomerAnswered(Attempt, CallSid, now);
}

/// <summary>The customer leg of this attempt ended after being answered, connected for <see cref="Connected"/> when Twilio says.</summary>
public sealed record CustomerLegEnded(int Attempt, TimeSpan? Connected, string? CallSid) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.CustomerLegEnded(Attempt, Connected, CallSid, now);
}

/// <summary>The customer leg of this attempt did not reach the customer.</summary>
public sealed record CustomerNotReached(int Attempt, CustomerOutcome Outcome, string? CallSid) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.CustomerNotReached(Attempt, Outcome, CallSid, now);
}

/// <summary>An answering machine took the customer leg and the rule counts that as reached (seed 004).</summary>
public sealed record VoicemailReached(int Attempt, string? CallSid) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.VoicemailReached(Attempt, CallSid, now);
}

/// <summary>Served on a later call, superseded, dialled by hand, cancelled by an operator, rule off, account frozen, target deleted.</summary>
public sealed record CancelRequested(CancelReason Reason) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.Cancel(Reason, now);
}

/// <summary>An operator asked to call now.</summary>
public sealed record CallNowRequested : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.CallNow(now);
}

/// <summary>An operator or agent moved a queued callback to another time (<c>PATCH /api/callbacks/{id}</c>).</summary>
public sealed record MoveRequested(DateTimeOffset DueAt) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.Move(DueAt, now);
}

/// <summary>
/// An agent of the callback's queue became free: a callback waiting for one is offered at once (seed 000). The head of
/// the line is woken with <see cref="Behind"/> 0; those behind it (woken in case the head cannot take the agent) wait
/// <see cref="Stagger"/> per place, so the line's order holds.
/// </summary>
public sealed record AgentFreed(int Behind = 0) : CallbackEvent
{
    public static readonly TimeSpan Stagger = TimeSpan.FromSeconds(2);

    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.OfferNow(now, Stagger * Math.Max(0, Behind));
}

/// <summary>
/// One more request for a live callback's person and queue (issue 15 §4): it merges into the callback rather than
/// making a second one. An agent's schedule brings its comment, retries and preferred agent along.
/// </summary>
public sealed record TriggerReceived(Trigger Trigger, string Reason, string? Comment = null, ScheduledPlan? Scheduled = null,
    string? PreferredAgent = null, TimeSpan? PreferredAgentWait = null, DateTimeOffset? PromisedAt = null, Contacts.ContactRef? Contact = null) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) =>
        callback.Merge(Trigger, Reason, now, Comment, Scheduled, PreferredAgent, PreferredAgentWait, PromisedAt, Contact);
}

/// <summary>A line was released and this callback is next in line for one.</summary>
public sealed record LineFreed : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.LineFreed(now);
}

/// <summary>
/// The stuck-callback watchdog saw this callback overdue: nothing changes by itself; whoever runs the callback looks at
/// it again as if its wake-up had just come.
/// </summary>
public sealed record Nudged : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => Decision.Ignore(callback, "nudged: looked at again");
}

/// <summary>
/// The callback's contact was changed (<see cref="Contact"/>: as it is now) or deleted (null: the callback goes on with
/// the number only, and keeps nothing personal of them). Issue 16 §4.
/// </summary>
public sealed record ContactChanged(string ContactId, Contacts.ContactRef? Contact) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.ContactChanged(ContactId, Contact, now);
}

/// <summary>A contact holding the callback's number (<see cref="Number"/>, E.164) was saved after the callback was made. Issue 16.</summary>
public sealed record ContactFound(string Number, Contacts.ContactRef Contact) : CallbackEvent
{
    public override Decision Apply(Callback callback, DateTimeOffset now) => callback.ContactFound(Number, Contact, now);
}
