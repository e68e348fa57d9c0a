using System.Collections.Immutable;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Domain.Callbacks;

/// <summary>
/// What a new callback is made from: a lost inbound call, an IVR request, a caller who pressed 1 in the queue, or an
/// agent's schedule. <paramref name="Place"/>: its place in the queue's line when it is not the due time (a caller who
/// waited in the queue keeps the moment they entered it, <see cref="Queues.PlaceInLine"/>).
/// <paramref name="PreferredAgentWait"/>: set, <paramref name="BoundAgent"/> is a preferred agent the callback falls
/// back from (issue 15 §3); null, it is bound for good (seed 001: back to the agent who missed the call).
/// </summary>
public sealed record NewCallback(
    string Id,
    string Queue,
    string Caller,
    string CallerId,
    CallbackOrigin Origin,
    string? OriginalCallSid,
    string Reason,
    TimeSpan? FirstDelay = null,
    RuleKind? Rule = null,
    int? RuleVersion = null,
    string? TimeZone = null,
    string? BoundAgent = null,
    DateTimeOffset? Place = null,
    string? Comment = null,
    ScheduledPlan? Scheduled = null,
    TimeSpan? PreferredAgentWait = null,
    DateTimeOffset? PromisedAt = null,
    Contacts.ContactRef? Contact = null)
{
    /// <summary>The kind of trigger this is, from its origin.</summary>
    public TriggerKind Trigger => Origin switch
    {
        CallbackOrigin.MissedCall => TriggerKind.LostCall,
        CallbackOrigin.IvrRequest => TriggerKind.IvrRequest,
        CallbackOrigin.QueueRequest => TriggerKind.QueuePress1,
        CallbackOrigin.Scheduled => TriggerKind.AgentScheduled,
        _ => throw new ArgumentOutOfRangeException(nameof(Origin), Origin, null),
    };
}

/// <summary>
/// seed 002: an agent-scheduled callback's own retries. When the customer is not reached and retries remain, it is due
/// again <see cref="RetryAfter"/> later (the queue's setting), with the same agent (<see cref="AgentId"/>, null: any of
/// the queue) and queue, one retry fewer; not the dialing intervals of a lost call.
/// </summary>
public sealed record ScheduledPlan(int Retries, int RetriesLeft, TimeSpan RetryAfter, string? AgentId);

/// <summary>
/// A callback and its whole lifecycle. Immutable: every event returns a <see cref="Decision"/> with the new state and
/// the commands to carry out. The time is always a parameter; nothing here reads a clock or does I/O.
/// </summary>
public sealed record Callback
{
    public required string Id { get; init; }
    public required string Queue { get; init; }
    /// <summary>The customer's number, E.164.</summary>
    public required string Caller { get; init; }
    /// <summary>The number the customer dialled; presented as caller ID on our calls (seed 001).</summary>
    public required string CallerId { get; init; }
    public required CallbackOrigin Origin { get; init; }
    public string? OriginalCallSid { get; init; }
    public required CallbackStatus Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>When the current or next attempt is due.</summary>
    public required DateTimeOffset DueAt { get; init; }
    public required CallbackPolicy Policy { get; init; }
    /// <summary>The number of the current (or last) customer attempt; 0 before the first.</summary>
    public int Attempt { get; init; }
    /// <summary>True from the first offer of an attempt until its customer leg ends.</summary>
    public bool AttemptOpen { get; init; }
    /// <summary>Agent offers made so far, across attempts; numbers each agent leg.</summary>
    public int Offer { get; init; }
    public AgentLeg? AgentLeg { get; init; }
    public CustomerLeg? CustomerLeg { get; init; }
    /// <summary>Agents already offered in the current round, skipped until the round is over.</summary>
    public ImmutableArray<string> TriedAgents { get; init; } = [];
    /// <summary>Every failed attempt's outcome (and every round no agent took), in order: the per-outcome counters.</summary>
    public ImmutableArray<RetryOutcome> Failures { get; init; } = [];
    /// <summary>True while it waits for one of the account's lines; lines go to the longest-waiting first.</summary>
    public bool WaitingForLine { get; init; }
    /// <summary>True while no agent is free; the callback is offered as soon as one frees up (seed 000).</summary>
    public bool WaitingForAgent { get; init; }
    /// <summary>Woken behind the head of its line by a freed agent: its offer lets a callback ahead that still waits go first.</summary>
    public bool WokenBehind { get; init; }
    /// <summary>The next wake-up (due attempt, ring watchdog, expiry); null once terminal.</summary>
    public DateTimeOffset? WakeAt { get; init; }
    public ImmutableArray<TimelineEvent> Timeline { get; init; } = [];
    /// <summary>The rule that made this callback (null for IVR requests, which follow the request).</summary>
    public RuleKind? Rule { get; init; }
    /// <summary>The rule version the current (or next) attempt uses; each attempt's timeline entry names it.</summary>
    public int? RuleVersion { get; init; }
    /// <summary>The callback's IANA time zone: the customer's, else the rule's (seed 001).</summary>
    public string? TimeZone { get; init; }
    /// <summary>
    /// seed 001: a contact-center callback goes back to the agent who missed the call, when it was an agent; issue 15: the
    /// agent an agent-scheduled callback names (its preferred agent, while <see cref="PreferredAgentWait"/> is set).
    /// </summary>
    public string? BoundAgent { get; init; }
    /// <summary>Set: <see cref="BoundAgent"/> is preferred, and the callback falls back to the queue's agents when they are
    /// away, or busy for longer than this (the queue's <c>preferredAgentWait</c> when it was made).</summary>
    public TimeSpan? PreferredAgentWait { get; init; }
    /// <summary>When the callback, due, first found its preferred agent busy: the wait for them runs from here.</summary>
    public DateTimeOffset? PreferredBusySince { get; init; }
    /// <summary>Its place in the queue's line: due callbacks of a queue are offered earliest place first (issue 15 §1).</summary>
    public DateTimeOffset Place { get; init; }
    /// <summary>Everything that asked for this callback, in the order received (one live callback per person and queue).</summary>
    public ImmutableArray<Trigger> Triggers { get; init; } = [];
    /// <summary>True when an agent set <see cref="DueAt"/> on purpose: a later trigger does not bring it forward.</summary>
    public bool DueSetByAgent { get; init; }
    /// <summary>A note for the agent (an agent-scheduled callback's comment): spoken in the whisper, shown by the API.</summary>
    public string? Comment { get; init; }
    /// <summary>An agent-scheduled callback's own retries (seed 002); null for every other callback.</summary>
    public ScheduledPlan? Scheduled { get; init; }

    /// <summary>
    /// When the customer was told (or an agent agreed) they would be called: the estimate spoken at the IVR or in the
    /// queue, a slot's start, an agent's time. Null when nobody was promised anything (a lost call).
    /// </summary>
    public DateTimeOffset? PromisedAt { get; init; }
    /// <summary>When the customer was first dialled (an agent accepted): what a promise is measured against.</summary>
    public DateTimeOffset? CustomerCalledAt { get; init; }
    /// <summary>When the customer was reached (the callback Completed).</summary>
    public DateTimeOffset? ConnectedAt { get; init; }

    /// <summary>
    /// issue 16: the contact the caller's number belongs to, as it was when a request last arrived (or the contact was
    /// last changed); null when none (an unknown caller the account ignores, or a deleted contact).
    /// </summary>
    public Contacts.ContactRef? Contact { get; init; }

    /// <summary>Who may take it: the contact's campaign and ownership code (anyone of the queue without a contact).</summary>
    public ContactAccess Access => Contact?.Access ?? ContactAccess.Anyone;

    /// <summary>
    /// issue 16 §3 (seed 004 "Reject Callback"): agents who rejected it. Unlike <see cref="TriedAgents"/>, which empties
    /// when a round is over, they are never offered it again.
    /// </summary>
    public ImmutableArray<string> RejectedBy { get; init; } = [];

    /// <summary>Customer attempts allowed in all: a scheduled callback's retries plus one, else the policy's.</summary>
    public int MaxAttempts => Scheduled is { } plan ? plan.Retries + 1 : Policy.MaxAttempts;

    public bool IsLive => !Status.IsTerminal();

    public static Decision Create(NewCallback request, CallbackPolicy policy, DateTimeOffset now)
    {
        if (policy.MaxAttempts == 0) throw new ArgumentException("a policy needs at least one interval", nameof(policy));
        var due = now + (request.FirstDelay ?? policy.Intervals[0]);
        // seed 000: 60 minutes in the dial-back queue from the lost call. A request (IVR, queue, agent) is a chosen time,
        // so its window starts when the caller asked to be called.
        var expires = (request.Origin == CallbackOrigin.MissedCall ? now : due) + policy.Expiry;
        var place = request.Place ?? due;
        var callback = new Callback
        {
            Id = request.Id,
            Queue = request.Queue,
            Caller = request.Caller,
            CallerId = request.CallerId,
            Origin = request.Origin,
            OriginalCallSid = request.OriginalCallSid,
            Status = CallbackStatus.Queued,
            CreatedAt = now,
            DueAt = due,
            ExpiresAt = expires,
            Policy = policy,
            Rule = request.Rule,
            RuleVersion = request.RuleVersion,
            TimeZone = request.TimeZone,
            BoundAgent = request.BoundAgent,
            PreferredAgentWait = request.BoundAgent is null ? null : request.PreferredAgentWait,
            Place = place,
            Triggers = [new Trigger(request.Trigger, now, place, due, request.OriginalCallSid ?? request.Id)],
            DueSetByAgent = request.Origin == CallbackOrigin.Scheduled,
            Comment = request.Comment,
            Scheduled = request.Scheduled,
            PromisedAt = request.PromisedAt,
            Contact = request.Contact,
            WakeAt = Min(due, expires),
            Timeline = [new TimelineEvent(now, null, CallbackStatus.Queued, request.Reason, TimelineEvent.Sids(("original", request.OriginalCallSid)))],
        };
        return new Decision(callback, []);
    }

    // ---- wake-ups -------------------------------------------------------------------------------------------------

    /// <summary>The expiry passed while the callback waited: no attempt starts after it (seed 000).</summary>
    public Decision Expire(DateTimeOffset now)
    {
        if (Status != CallbackStatus.Queued) return Decision.Ignore(this, $"only a queued callback expires; this one is {Status}");
        if (now < ExpiresAt) return Decision.Ignore(this, "not expired yet");
        return Finish(CallbackStatus.Expired, now, $"expired: no successful attempt by {ExpiresAt:u}", []);
    }

    /// <summary>seed 001: it cannot start at all (no time zone); recorded, and Failed at once.</summary>
    public Decision Fail(string reason, DateTimeOffset now)
    {
        if (Status != CallbackStatus.Queued) return Decision.Ignore(this, $"only a queued callback fails this way; this one is {Status}");
        return Finish(CallbackStatus.Failed, now, reason, []);
    }

    /// <summary>
    /// seed 001 "schedule": the attempt is due outside opening hours; it waits for the next opening (the expiry still
    /// applies: past it, the callback expires instead).
    /// </summary>
    public Decision WaitForOpening(DateTimeOffset opensAt, DateTimeOffset now)
    {
        if (Status != CallbackStatus.Queued) return Decision.Ignore(this, $"not queued ({Status})");
        if (opensAt <= now) return Decision.Ignore(this, "already open");
        var reason = opensAt < ExpiresAt ? $"outside opening hours; waiting until {opensAt:u}" : "outside opening hours until after the expiry";
        return (this with { DueAt = opensAt, WaitingForAgent = false }).Record(now, CallbackStatus.Queued, reason).Reschedule(Min(opensAt, ExpiresAt));
    }

    /// <summary>An offer could not start after all (its holds went back): wake again shortly and try again.</summary>
    public Decision RetryAfterFault(DateTimeOffset now)
    {
        if (Status != CallbackStatus.Queued) return Decision.Ignore(this, $"not queued ({Status})");
        return Reschedule(Min(now + FaultRetry, ExpiresAt));
    }

    /// <summary>How soon an offer that failed on the way is tried again.</summary>
    public static readonly TimeSpan FaultRetry = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The attempt is due but must wait its turn (every line busy, or another call to this number is live): it looks
    /// again at <paramref name="retryAt"/> or when a line frees up. The wait shows on the timeline once per reason.
    /// </summary>
    public Decision WaitForTurn(string reason, DateTimeOffset retryAt, DateTimeOffset now, bool forLine)
    {
        if (Status != CallbackStatus.Queued) return Decision.Ignore(this, $"not queued ({Status})");
        var waiting = (Timeline[^1].Reason == reason ? this : Record(now, CallbackStatus.Queued, reason)) with { WaitingForLine = forLine };
        return waiting.Reschedule(Min(retryAt, ExpiresAt));
    }

    /// <summary>
    /// seed 001: new settings apply to attempts not yet started, while an attempt already under way keeps its own. Takes
    /// the rule as it is when an attempt begins (its intervals only if they still cover the attempts already made).
    /// </summary>
    public Callback WithRule(CallbackRule rule)
    {
        if (AttemptOpen || rule.Kind != Rule) return this;
        var taken = rule.ApplyTo(Policy);
        // Intervals only if they still cover the attempts already made; otherwise the callback would have none left.
        if (rule.Intervals.Length <= Attempt) taken = taken with { Intervals = Policy.Intervals };
        return this with { RuleVersion = rule.Version, Policy = taken };
    }

    /// <summary>
    /// The attempt is due but no agent who may take it is free: wait, and look again soon or when one frees up.
    /// <paramref name="cooldownEnds"/>: when the first agent who may take it ends their cooldown (seed 004), if one is
    /// cooling down: it looks again then, if that is sooner.
    /// </summary>
    public Decision NoAgentAvailable(DateTimeOffset now, DateTimeOffset? cooldownEnds = null)
    {
        if (Status != CallbackStatus.Queued) return Decision.Ignore(this, $"not queued ({Status})");
        // A round in which agents were offered it and none took it, under an "agent not reached" retry list (issue 4).
        if (!TriedAgents.IsEmpty && Policy.Retries.TryGetValue(RetryOutcome.AgentNotReached, out var rounds) && !rounds.IsDefaultOrEmpty)
        {
            var failures = Failures.Add(RetryOutcome.AgentNotReached);
            var round = failures.Count(f => f == RetryOutcome.AgentNotReached);
            var after = this with { Failures = failures, TriedAgents = [], WaitingForAgent = true };
            if (round > rounds.Length) return after.Finish(CallbackStatus.Failed, now, $"no agent took it in {rounds.Length} rounds", []);
            var at = now + rounds[round - 1];
            return after.Record(now, CallbackStatus.Queued, $"no agent took it (round {round} of {rounds.Length}); next round at {at:HH:mm:ss}")
                .Reschedule(Min(at, ExpiresAt));
        }
        var next = Min(now + Policy.NoAgentRetry, ExpiresAt);
        if (cooldownEnds is { } ends && ends > now) next = Min(next, ends);
        var waiting = this with { WaitingForAgent = true, WokenBehind = false, TriedAgents = [] };
        var reason = Eligibility.NoneFree(Access, roundTried: !TriedAgents.IsEmpty);
        return WaitingForAgent
            ? waiting.Reschedule(next)
            : waiting.Record(now, CallbackStatus.Queued, reason).Reschedule(next);
    }

    /// <summary>Offers the due callback to <paramref name="agent"/>: saves the intent and asks for the agent's call.</summary>
    public Decision StartOffer(Agent agent, DateTimeOffset now, string? line = null)
    {
        if (Status != CallbackStatus.Queued) return Decision.Ignore(this, $"not queued ({Status})");
        if (now < DueAt) return Decision.Ignore(this, $"not due before {DueAt:O}");
        if (now >= ExpiresAt) return Decision.Ignore(this, "expired: no attempt starts after the expiry");
        var attempt = AttemptOpen ? Attempt : Attempt + 1;
        if (attempt > MaxAttempts) return Decision.Ignore(this, "no attempts left");
        var leg = new AgentLeg(Offer + 1, agent.Id, agent.Name, agent.Phone, now, null, line);
        var offered = this with
        {
            Attempt = attempt,
            AttemptOpen = true,
            Offer = leg.Offer,
            AgentLeg = leg,
            WaitingForAgent = false,
            WaitingForLine = false,
            WokenBehind = false,
            TriedAgents = TriedAgents.Add(agent.Id),
        };
        var version = RuleVersion is { } v && Rule is { } r ? $", {r.Name()} rule v{v}" : "";
        if (PreferredAgentWait is not null && BoundAgent == agent.Id) version += ", their preferred agent";
        return offered.MoveTo(CallbackStatus.DialingAgent, now, $"attempt {attempt}: offered to agent {agent.Name} (offer {leg.Offer}{version})",
                now + Policy.AgentRingTimeout + Policy.WatchdogGrace, []);
    }

    /// <summary>
    /// An agent became free (or the operator asked): a callback waiting for an agent is offered right away, or, when it
    /// was woken behind the head of its line, <paramref name="after"/> that (in case the head cannot take the agent).
    /// </summary>
    public Decision OfferNow(DateTimeOffset now, TimeSpan after = default)
    {
        if (Status != CallbackStatus.Queued || !WaitingForAgent) return Decision.Ignore(this, "not waiting for an agent");
        return (this with { WaitingForAgent = false, WokenBehind = after > TimeSpan.Zero }).Reschedule(Min(now + after, ExpiresAt));
    }

    /// <summary>A line was released and this callback is next in line for one: it tries again at once.</summary>
    public Decision LineFreed(DateTimeOffset now)
    {
        if (Status != CallbackStatus.Queued || !WaitingForLine) return Decision.Ignore(this, "not waiting for a line");
        return Reschedule(now);
    }

    /// <summary>An operator asks to call now: the attempt becomes due at once.</summary>
    public Decision CallNow(DateTimeOffset now)
    {
        if (Status != CallbackStatus.Queued) return Decision.Ignore(this, $"only a queued callback can be called now; this one is {Status}");
        if (now >= ExpiresAt) return Decision.Ignore(this, "expired");
        return (this with { DueAt = now, WaitingForAgent = false }).Record(now, CallbackStatus.Queued, "call now requested by an operator").Reschedule(now);
    }

    /// <summary>
    /// An operator or agent moved a queued callback to <paramref name="dueAt"/> (not before now). Its expiry moves along
    /// with it: the callback keeps the time it had to be reached once due (the policy's expiry when it was due past it).
    /// </summary>
    public Decision Move(DateTimeOffset dueAt, DateTimeOffset now)
    {
        if (Status != CallbackStatus.Queued) return Decision.Ignore(this, $"only a queued callback can be moved; this one is {Status}");
        if (now >= ExpiresAt) return Decision.Ignore(this, "expired");
        var due = Max(dueAt, now);
        var window = ExpiresAt > DueAt ? ExpiresAt - DueAt : Policy.Expiry;
        return (this with { DueAt = due, ExpiresAt = due + window, WaitingForAgent = false, DueSetByAgent = true, Place = Place == DueAt ? due : Place })
            .Record(now, CallbackStatus.Queued, $"moved to {due:u} (expires {due + window:u})").Reschedule(due);
    }

    /// <summary>
    /// issue 15 §3: due, its preferred agent busy: it waits for them until <paramref name="until"/> (woken the moment they
    /// are free), while the queue's other callbacks go on as usual. The wait shows on the timeline once.
    /// </summary>
    public Decision WaitForPreferredAgent(DateTimeOffset until, string reason, DateTimeOffset now)
    {
        if (Status != CallbackStatus.Queued || BoundAgent is null || PreferredAgentWait is null) return Decision.Ignore(this, "not waiting for a preferred agent");
        var waiting = this with { WaitingForAgent = true, TriedAgents = [], PreferredBusySince = PreferredBusySince ?? now };
        if (Timeline[^1].Reason != reason) waiting = waiting.Record(now, CallbackStatus.Queued, reason);
        return waiting.Reschedule(Min(Min(until, now + Policy.NoAgentRetry), ExpiresAt));
    }

    /// <summary>
    /// issue 15 §3: its preferred agent is away, no longer serves the queue, or stayed busy too long: any agent of the
    /// queue takes it from now on. <paramref name="reason"/> says which.
    /// </summary>
    public Callback FallBackToQueue(string reason, DateTimeOffset now) =>
        Status != CallbackStatus.Queued || BoundAgent is null || PreferredAgentWait is null
            ? this
            : (this with { BoundAgent = null, PreferredBusySince = null, TriedAgents = [] }).Record(now, CallbackStatus.Queued, reason);

    /// <summary>
    /// issue 16 §2: the agent it is bound to (the one who missed the call, or a preferred agent) may not call its contact
    /// (campaign, ownership code): any eligible agent of the queue takes it from now on. <paramref name="reason"/> says so.
    /// </summary>
    public Callback Unbind(string reason, DateTimeOffset now) =>
        Status != CallbackStatus.Queued || BoundAgent is null
            ? this
            : (this with { BoundAgent = null, PreferredAgentWait = null, PreferredBusySince = null, TriedAgents = [] }).Record(now, CallbackStatus.Queued, reason);

    /// <summary>
    /// One more request for this person and queue (issue 15 §4): a lost call, an IVR or queue request, an agent's
    /// schedule. It merges into this live callback (<see cref="CallbackMerge"/>): the earliest place, the earliest due
    /// time unless an agent set one on purpose; the timeline shows the trigger. A repeat of a trigger already merged
    /// (the same kind received at the same moment) changes nothing.
    /// </summary>
    public Decision Merge(Trigger trigger, string reason, DateTimeOffset now, string? comment = null, ScheduledPlan? scheduled = null,
        string? preferredAgent = null, TimeSpan? preferredAgentWait = null, DateTimeOffset? promisedAt = null, Contacts.ContactRef? contact = null)
    {
        if (!IsLive) return Decision.Ignore(this, $"already {Status}");
        if (Triggers.Any(t => t.SameRequestAs(trigger))) return Decision.Ignore(this, "this request is merged already");
        var merged = CallbackMerge.Merge(new MergedTiming(Place, DueAt, DueSetByAgent, Triggers), trigger);
        // The promise stands unless an agent set the time (theirs is the promise now) or none was made yet.
        var promise = trigger.Kind == TriggerKind.AgentScheduled ? promisedAt ?? merged.DueAt : PromisedAt ?? promisedAt;
        var next = this with
        {
            Place = merged.Place, Triggers = merged.Triggers, DueSetByAgent = merged.DueSetByAgent, Comment = comment ?? Comment, PromisedAt = promise,
            // The contact as the newest request found it (a request that found none leaves the one it has).
            Contact = contact ?? Contact,
        };
        if (trigger.Kind == TriggerKind.AgentScheduled)
            next = next with
            {
                Scheduled = scheduled ?? Scheduled,
                // An agent's schedule says who takes it: the agent it names (preferred), else any of the queue.
                BoundAgent = preferredAgent,
                PreferredAgentWait = preferredAgent is null ? null : preferredAgentWait,
                PreferredBusySince = null,
            };
        // Under way (an agent's phone or the customer's rings), it keeps its time: the attempt on the line is the one.
        if (Status != CallbackStatus.Queued || merged.DueAt == DueAt)
            return next.Record(now, Status, $"{reason}: merged").Reschedule(WakeAt ?? now);
        var when = $"; due {Max(merged.DueAt, now):u}";
        // A new due time: the expiry keeps the window it had once due; a callback waiting for an agent stays in line.
        var window = ExpiresAt > DueAt ? ExpiresAt - DueAt : Policy.Expiry;
        var due = Max(merged.DueAt, now);
        var moved = next with { DueAt = due, ExpiresAt = Max(ExpiresAt, due + window), WaitingForAgent = WaitingForAgent && due <= now };
        return moved.Record(now, Status, $"{reason}: merged{when}").Reschedule(Min(due, moved.ExpiresAt));
    }

    /// <summary>
    /// issue 16: the callback's contact was changed (<paramref name="contact"/>: as it is now) or deleted (null): from now on
    /// it goes to whoever may call the contact as it is, and a deleted contact leaves the number only. The timeline names
    /// no one: it says what changed, never a name.
    /// </summary>
    public Decision ContactChanged(string contactId, Contacts.ContactRef? contact, DateTimeOffset now)
    {
        if (!IsLive) return Decision.Ignore(this, $"already {Status}");
        if (Contact?.Id != contactId) return Decision.Ignore(this, $"contact {contactId} is not this callback's");
        if (contact is not null && contact.Id != contactId) throw new ArgumentException("a changed contact keeps its id", nameof(contact));
        if (Contacts.ContactRef.Same(Contact, contact)) return Decision.Ignore(this, "the contact is unchanged");
        var reason = contact is null
            ? $"contact {contactId} deleted: calling back the number only"
            : $"contact {contactId} changed";
        return (this with { Contact = contact }).Record(now, Status, reason).Reschedule(WakeAt ?? now);
    }

    /// <summary>
    /// A contact holding this callback's number was saved after the callback was made (contacts imported while callbacks
    /// wait): a callback without a contact takes it, with who may call them, from its next offer on. One that has a contact
    /// keeps it; a number belongs to at most one contact, and the contact it has tells it of its own changes.
    /// </summary>
    public Decision ContactFound(string number, Contacts.ContactRef contact, DateTimeOffset now)
    {
        if (!IsLive) return Decision.Ignore(this, $"already {Status}");
        if (number != Caller) return Decision.Ignore(this, "not this callback's number");
        if (Contact is { } has) return Decision.Ignore(this, has.Id == contact.Id ? $"contact {contact.Id} is this callback's already" : $"the callback is contact {has.Id}'s");
        return (this with { Contact = contact }).Record(now, Status, $"contact {contact.Id} saved for this number").Reschedule(WakeAt ?? now);
    }

    /// <summary>The watchdog fired and Twilio says the leg is still alive: look again later.</summary>
    public Decision ExtendWatchdog(DateTimeOffset now)
    {
        if (Status is not (CallbackStatus.DialingAgent or CallbackStatus.DialingCustomer)) return Decision.Ignore(this, $"not dialing ({Status})");
        return Reschedule(now + Policy.WatchdogGrace);
    }

    /// <summary>Creating the agent's call ended ambiguously (timeout, 5xx): come back shortly, look it up, then retry.</summary>
    public Decision RetryDialSoon(int offer, DateTimeOffset now)
    {
        if (Status != CallbackStatus.DialingAgent || AgentLeg is not { } leg || leg.Offer != offer || leg.CallSid is not null)
            return Decision.Ignore(this, $"offer {offer} is not waiting for its call");
        return Reschedule(now + AmbiguousDialRetry);
    }

    /// <summary>How soon an ambiguous dial is looked up and retried.</summary>
    public static readonly TimeSpan AmbiguousDialRetry = TimeSpan.FromSeconds(3);

    /// <summary>True when an offer's call has had its ring time and more without Twilio ever confirming it.</summary>
    public bool OfferOverdue(DateTimeOffset now) =>
        Status == CallbackStatus.DialingAgent && AgentLeg is { CallSid: null } leg
        && now >= leg.RequestedAt + Policy.AgentRingTimeout + Policy.WatchdogGrace;

    // ---- the agent leg --------------------------------------------------------------------------------------------

    /// <summary>Twilio accepted the agent's call; its CallSid joins the offer.</summary>
    public Decision AgentCallPlaced(int offer, string callSid, DateTimeOffset now)
    {
        if (AgentLeg is not { } leg || leg.Offer != offer) return Decision.Ignore(this, $"offer {offer} is not the current one");
        // A CallSid that arrives after the offer moved on (declined, cancelled, finished) belongs to a call nobody
        // wants any more: the caller hangs it up; the callback does not change.
        if (Status is not (CallbackStatus.DialingAgent or CallbackStatus.DialingCustomer))
            return Decision.Ignore(this, $"offer {offer} is over ({Status})");
        if (leg.CallSid == callSid) return Decision.Ignore(this, "CallSid already known");
        if (leg.CallSid is not null) return Decision.Ignore(this, $"offer {offer} already has call {leg.CallSid}");
        var placed = this with { AgentLeg = leg with { CallSid = callSid } };
        return new Decision(placed.Record(now, Status, $"agent call placed to {leg.AgentName}", ("agent", callSid)), []);
    }

    /// <summary>The agent pressed 1: dial the customer on the agent's call.</summary>
    public Decision AgentAccepted(int offer, DateTimeOffset now)
    {
        if (Status != CallbackStatus.DialingAgent || AgentLeg?.Offer != offer)
            return Decision.Ignore(this, $"offer {offer} is not ringing an agent ({Status})");
        // seed 000: nothing is dialled after the expiry, even for an attempt that began before it; the agent hears
        // that the callback is no longer needed, and their call ends.
        if (now >= ExpiresAt)
        {
            ImmutableArray<CallbackCommand> release = [new ReleaseAgent(AgentLeg.AgentId, Agent.Holder(Id, offer))];
            return Finish(CallbackStatus.Expired, now, $"expired while agent {AgentLeg.AgentName} answered: no customer call after {ExpiresAt:u}",
                AgentLeg.CallSid is { } sid ? release.Add(new HangUpCall(sid)) : release, ("agent", AgentLeg.CallSid));
        }
        var accepted = this with { CustomerLeg = new CustomerLeg(Attempt, now, null), CustomerCalledAt = CustomerCalledAt ?? now };
        return accepted.MoveTo(CallbackStatus.DialingCustomer, now, $"agent {AgentLeg.AgentName} accepted; dialling the customer (attempt {Attempt})",
            now + Policy.CustomerRingTimeout + Policy.WatchdogGrace, [], ("agent", AgentLeg.CallSid));
    }

    /// <summary>The agent did not take the offer: the next agent is tried in the same attempt.</summary>
    public Decision AgentDeclined(int offer, AgentOutcome outcome, DateTimeOffset now, string? detail = null)
    {
        if (Status != CallbackStatus.DialingAgent || AgentLeg is not { } leg || leg.Offer != offer)
            return Decision.Ignore(this, $"offer {offer} is not ringing an agent ({Status})");
        var reason = $"agent {leg.AgentName} {Describe(outcome)}{(detail is null ? "" : $" ({detail})")}; trying the next agent";
        // seed 004 "Reject Callback": a rejecting agent is not offered this callback again, in this round or any later one.
        var declined = outcome == AgentOutcome.Passed && !RejectedBy.Contains(leg.AgentId) ? this with { RejectedBy = RejectedBy.Add(leg.AgentId) } : this;
        return declined.MoveTo(CallbackStatus.Queued, now, reason, now, [new ReleaseAgent(leg.AgentId, Agent.Holder(Id, offer), outcome == AgentOutcome.Passed ? CooldownAfter.Reject : CooldownAfter.None)],
            ("agent", leg.CallSid));
    }

    /// <summary>
    /// The cooldown an agent's release after offer <paramref name="offer"/> starts, from what became of it: a completed
    /// callback (seed 004 "Once completing the callback, the Agent may be placed in a Cooldown status") whose customer leg
    /// this offer dialled. A reject starts its own with the decline (<see cref="AgentDeclined"/>).
    /// </summary>
    public CooldownAfter CooldownAfterOffer(int offer) =>
        Status == CallbackStatus.Completed && AgentLeg?.Offer == offer && CustomerLeg?.Attempt == Attempt ? CooldownAfter.Complete : CooldownAfter.None;

    /// <summary>Whether offer <paramref name="offer"/> still rings its agent: nobody chose on it and its call has not ended.</summary>
    public bool OfferRings(int offer) => Status == CallbackStatus.DialingAgent && AgentLeg?.Offer == offer;

    /// <summary>
    /// Whether <paramref name="agentId"/> accepted offer <paramref name="offer"/>: the customer was dialled on it, whatever
    /// became of that leg since (an accept after the expiry dials nobody, and is not one).
    /// </summary>
    public bool AcceptedOn(int offer, string agentId) =>
        AgentLeg is { } leg && leg.Offer == offer && leg.AgentId == agentId && CustomerLeg is { } customer && customer.StartedAt >= leg.RequestedAt;

    /// <summary>Agents this callback is not offered to now: those tried in this round, and those who rejected it.</summary>
    public IReadOnlyCollection<string> ExcludedAgents => RejectedBy.IsEmpty ? TriedAgents : [.. TriedAgents.Union(RejectedBy)];

    /// <summary>
    /// The agent's call ended. Before acceptance that is a decline; while the customer rings, the customer leg's own
    /// result is on its way, so the watchdog is brought forward in case it never comes.
    /// </summary>
    public Decision AgentLegEnded(int offer, DateTimeOffset now)
    {
        if (AgentLeg?.Offer != offer) return Decision.Ignore(this, $"offer {offer} is not the current one");
        return Status switch
        {
            CallbackStatus.DialingAgent => AgentDeclined(offer, AgentOutcome.HungUp, now),
            CallbackStatus.DialingCustomer when WakeAt > now + Policy.WatchdogGrace => Reschedule(now + Policy.WatchdogGrace),
            _ => Decision.Ignore(this, $"agent leg ended while {Status}"),
        };
    }

    // ---- the customer leg -----------------------------------------------------------------------------------------

    /// <summary>
    /// The customer answered: the callback is done (seed 004: answered or voicemail completes it). With a minimum
    /// connection time, answering only starts the clock: the callback completes once the leg has stayed connected that
    /// long (this is called again then, by the wake-up), and a shorter leg is not reached.
    /// </summary>
    public Decision CustomerAnswered(int attempt, string? callSid, DateTimeOffset now)
    {
        if (!IsLive) return Decision.Ignore(this, $"already {Status}");
        if (CustomerLeg?.Attempt != attempt) return Decision.Ignore(this, $"attempt {attempt} never dialled the customer");
        // The leg itself said it did not reach the customer (busy, too short, a machine that does not count): a
        // repeated or late "answered"/"completed" for it changes nothing. Only the watchdog's "no result" is overturned.
        if (CustomerLeg.Outcome is { } judged && judged != CustomerOutcome.NoResult)
            return Decision.Ignore(this, $"attempt {attempt} already ended: {Describe(judged)}");
        var answered = this with { CustomerLeg = CustomerLeg with { CallSid = callSid ?? CustomerLeg.CallSid } };
        var minimum = Policy.MinimumConnection;
        if (minimum > TimeSpan.Zero && Status == CallbackStatus.DialingCustomer)
        {
            if (CustomerLeg.AnsweredAt is not { } since)
                return (answered with { CustomerLeg = answered.CustomerLeg! with { AnsweredAt = now } })
                    .Record(now, Status, $"customer answered (attempt {attempt}); counts once connected {minimum.TotalSeconds:0} s", ("customer", answered.CustomerLeg!.CallSid))
                    .Reschedule(now + minimum);
            if (now < since + minimum) return Decision.Ignore(this, "connected, but not for the minimum connection time yet");
            return answered.Finish(CallbackStatus.Completed, now, $"customer connected for {minimum.TotalSeconds:0} s (attempt {attempt})", [],
                ("customer", answered.CustomerLeg!.CallSid), ("agent", AgentLeg?.CallSid));
        }
        // A late answer for an attempt the watchdog already gave up on still means the customer was reached.
        var commands = ImmutableArray<CallbackCommand>.Empty;
        if (Status == CallbackStatus.DialingAgent && AgentLeg is { } newer)
        {
            commands = commands.Add(new ReleaseAgent(newer.AgentId, Agent.Holder(Id, newer.Offer)));
            if (newer.CallSid is not null) commands = commands.Add(new HangUpCall(newer.CallSid));
        }
        return answered.Finish(CallbackStatus.Completed, now, $"customer answered (attempt {attempt})", commands, ("customer", answered.CustomerLeg!.CallSid), ("agent", AgentLeg?.CallSid));
    }

    /// <summary>
    /// The customer leg ended after being answered, connected for <paramref name="connected"/> (null: unknown). Without
    /// a minimum connection time that is an answer; with one, a shorter leg is not reached.
    /// </summary>
    public Decision CustomerLegEnded(int attempt, TimeSpan? connected, string? callSid, DateTimeOffset now)
    {
        var minimum = Policy.MinimumConnection;
        if (minimum <= TimeSpan.Zero || Status != CallbackStatus.DialingCustomer || CustomerLeg?.Attempt != attempt)
            return CustomerAnswered(attempt, callSid, now);
        var lasted = connected ?? (CustomerLeg.AnsweredAt is { } since ? now - since : TimeSpan.Zero);
        return lasted >= minimum
            ? (this with { CustomerLeg = CustomerLeg with { AnsweredAt = now - minimum } }).CustomerAnswered(attempt, callSid, now)
            : CustomerNotReached(attempt, CustomerOutcome.TooShort, callSid, now);
    }

    /// <summary>
    /// The customer was not reached in this attempt: retry after the next interval of that outcome's own list (issue 4)
    /// or, for an outcome without one, the next dialing interval (seed 001); Failed when none is left.
    /// </summary>
    public Decision CustomerNotReached(int attempt, CustomerOutcome outcome, string? callSid, DateTimeOffset now)
    {
        if (Status != CallbackStatus.DialingCustomer || CustomerLeg?.Attempt != attempt)
            return Decision.Ignore(this, $"attempt {attempt} is not dialling the customer ({Status})");
        var retry = RetryOutcomes.For(outcome);
        var failed = this with
        {
            AttemptOpen = false,
            TriedAgents = [],
            Failures = Failures.Add(retry),
            CustomerLeg = CustomerLeg with { CallSid = callSid ?? CustomerLeg.CallSid, Outcome = outcome },
        };
        var sids = new[] { ("customer", failed.CustomerLeg!.CallSid), ("agent", AgentLeg?.CallSid) };
        var what = $"customer {Describe(outcome)} (attempt {attempt} of {MaxAttempts})";
        if (Scheduled is { } plan) return failed.RetryAsScheduled(plan, what, now, sids);
        TimeSpan wait;
        if (Policy.Retries.TryGetValue(retry, out var own) && !own.IsDefaultOrEmpty)
        {
            var times = failed.Failures.Count(f => f == retry);
            if (times > own.Length) return failed.Finish(CallbackStatus.Failed, now, $"{what}; no {retry} retries left ({own.Length})", [], sids);
            wait = own[times - 1];
        }
        else
        {
            // seed 001: each next interval runs from the previous unsuccessful attempt.
            var shared = failed.Failures.Count(f => f != RetryOutcome.AgentNotReached && !Policy.Retries.ContainsKey(f));
            if (shared >= Policy.Intervals.Length) return failed.Finish(CallbackStatus.Failed, now, $"{what}; no attempts left", [], sids);
            wait = Policy.Intervals[shared];
        }
        var due = now + wait;
        var next = due < ExpiresAt ? $"next attempt at {due:HH:mm:ss}" : "the next attempt would fall after the expiry";
        return (failed with { DueAt = due }).MoveTo(CallbackStatus.Queued, now, $"{what}; {next}", Min(due, ExpiresAt), [], sids);
    }

    /// <summary>
    /// seed 002: a scheduled callback whose customer was not reached is due again the queue's <c>retryAfter</c> later, with
    /// the same agent and queue, one retry fewer; Failed when none is left. Its expiry moves along, as for a move.
    /// </summary>
    private Decision RetryAsScheduled(ScheduledPlan plan, string what, DateTimeOffset now, (string Role, string? Sid)[] sids)
    {
        var zone = TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;
        switch (Scheduling.ScheduledRetry.AfterNotReached(new Scheduling.ScheduledAttempt(Queue, plan.AgentId, plan.RetriesLeft), plan.RetryAfter, zone, now))
        {
            case Scheduling.ScheduledRetryDecision.DueAgain again:
                var window = ExpiresAt > DueAt ? ExpiresAt - DueAt : Policy.Expiry;
                var retry = this with
                {
                    DueAt = again.DueAt,
                    ExpiresAt = again.DueAt + window,
                    Place = again.DueAt,
                    Scheduled = plan with { RetriesLeft = again.Next.RetriesLeft },
                    BoundAgent = plan.AgentId ?? BoundAgent,
                    PreferredBusySince = null,
                };
                return retry.MoveTo(CallbackStatus.Queued, now, $"{what}; {again.Reason}", again.DueAt, [], sids);
            case Scheduling.ScheduledRetryDecision.Done done:
                return Finish(CallbackStatus.Failed, now, $"{what}; {done.Reason}", [], sids);
            default:
                throw new InvalidOperationException("unknown scheduled retry decision");
        }
    }

    // ---- cancellation ---------------------------------------------------------------------------------------------

    public Decision Cancel(CancelReason reason, DateTimeOffset now)
    {
        if (!IsLive) return Decision.Ignore(this, $"already {Status}");
        var commands = ImmutableArray<CallbackCommand>.Empty;
        if (Status != CallbackStatus.Queued && AgentLeg is { } leg)
        {
            commands = commands.Add(new ReleaseAgent(leg.AgentId, Agent.Holder(Id, leg.Offer)));
            if (leg.CallSid is not null) commands = commands.Add(new HangUpCall(leg.CallSid));
        }
        return Finish(CallbackStatus.Cancelled, now, reason.Describe(), commands, ("agent", Status == CallbackStatus.Queued ? null : AgentLeg?.CallSid));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private Decision MoveTo(CallbackStatus to, DateTimeOffset now, string reason, DateTimeOffset wakeAt,
        ImmutableArray<CallbackCommand> commands, params (string Role, string? Sid)[] sids) =>
        Record(now, to, reason, sids).Reschedule(wakeAt, commands);

    private Decision Finish(CallbackStatus to, DateTimeOffset now, string reason, ImmutableArray<CallbackCommand> commands,
        params (string Role, string? Sid)[] sids)
    {
        var done = Record(now, to, reason, sids) with
        {
            WakeAt = null, WaitingForAgent = false, WaitingForLine = false,
            ConnectedAt = to == CallbackStatus.Completed ? now : ConnectedAt,
        };
        return new Decision(done, commands);
    }

    private Decision Reschedule(DateTimeOffset wakeAt, ImmutableArray<CallbackCommand> commands = default)
    {
        var moved = this with { WakeAt = wakeAt };
        return new Decision(moved, commands.IsDefault ? [] : commands);
    }

    private Callback Record(DateTimeOffset now, CallbackStatus to, string reason, params (string Role, string? Sid)[] sids) =>
        this with
        {
            Status = to,
            Timeline = Timeline.Add(new TimelineEvent(now, Status, to, reason, TimelineEvent.Sids(sids))),
        };

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string Describe(AgentOutcome outcome) => outcome switch
    {
        AgentOutcome.NoAnswer => "did not answer",
        AgentOutcome.Busy => "was busy",
        AgentOutcome.Failed => "could not be called",
        AgentOutcome.Passed => "passed",
        AgentOutcome.HungUp => "hung up without accepting",
        AgentOutcome.Unreachable => "could not be reached",
        _ => outcome.ToString(),
    };

    private string Describe(CustomerOutcome outcome) => outcome switch
    {
        CustomerOutcome.Busy => "was busy",
        CustomerOutcome.NoAnswer => "did not answer",
        CustomerOutcome.Failed => "could not be called",
        CustomerOutcome.Canceled => "call was cancelled before answer",
        CustomerOutcome.NoResult => "leg ended with no result",
        CustomerOutcome.Machine => "reached an answering machine",
        CustomerOutcome.TooShort => $"hung up before the minimum connection time ({Policy.MinimumConnection.TotalSeconds:0} s)",
        _ => outcome.ToString(),
    };

    // ---- voicemail ------------------------------------------------------------------------------------------------

    /// <summary>
    /// An answering machine took the customer leg and the rule counts that as reached (seed 004: "if the callback
    /// connects to voicemail or is answered, the task is considered complete").
    /// </summary>
    public Decision VoicemailReached(int attempt, string? callSid, DateTimeOffset now)
    {
        // The verdict comes while the leg is up. No minimum connection time: the message is left and the call ends.
        if (Status != CallbackStatus.DialingCustomer || CustomerLeg?.Attempt != attempt)
            return Decision.Ignore(this, $"attempt {attempt} is not dialling the customer ({Status})");
        var reached = this with { CustomerLeg = CustomerLeg with { CallSid = callSid ?? CustomerLeg.CallSid } };
        return reached.Finish(CallbackStatus.Completed, now, $"voicemail reached (attempt {attempt})", [],
            ("customer", reached.CustomerLeg!.CallSid), ("agent", AgentLeg?.CallSid));
    }
}
