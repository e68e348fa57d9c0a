using System.Collections.Immutable;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using Microsoft.Extensions.Time.Testing;

namespace CallbackFunctions.Domain.Tests;

/// <summary>Test data: fixed instants, policies, requests and agents. Nothing here reads the wall clock.</summary>
internal static class Build
{
    /// <summary>A fixed Monday morning, UTC: every story starts here.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 10, 9, 0, 0, TimeSpan.Zero);

    public const string CallbackId = "cb-1";
    public const string Queue = "sales";
    public const string Caller = "+15551231234";
    public const string CallerId = "+15559990000";
    public const string OriginalSid = "CA-original";

    /// <summary>Dialing intervals in minutes (seed 001), every other setting at its default.</summary>
    public static CallbackPolicy Policy(params int[] intervalMinutes) =>
        new() { Intervals = [.. intervalMinutes.Select(m => TimeSpan.FromMinutes(m))] };

    /// <summary>Three attempts: 2 minutes after the missed call, then 5 and 10 minutes after each failed attempt.</summary>
    public static CallbackPolicy ThreeAttempts() => Policy(2, 5, 10);

    public static NewCallback MissedCall(string id = CallbackId, string caller = Caller, string queue = Queue,
        string? originalSid = OriginalSid, TimeSpan? firstDelay = null) =>
        new(id, queue, caller, CallerId, CallbackOrigin.MissedCall, originalSid, "missed call: caller hung up in queue", firstDelay);

    public static NewCallback IvrRequest(TimeSpan delay, string id = CallbackId) =>
        new(id, Queue, Caller, CallerId, CallbackOrigin.IvrRequest, OriginalSid, "callback requested in the IVR", delay);

    public static Agent Agent(string id, string queue = Queue, bool available = true, string? heldBy = null,
        DateTimeOffset? idleSince = null) => new()
        {
            Id = id,
            Name = $"Agent {id}",
            Phone = $"+1555000-{id}",
            Queues = [queue],
            Available = available,
            HeldBy = heldBy,
            IdleSince = idleSince ?? T0.AddHours(-1),
        };

    public static Agent Agent(string id, ImmutableArray<string> queues) => Agent(id) with { Queues = queues };

    public static string AgentSid(int offer) => $"CA-agent-{offer}";

    public static string CustomerSid(int attempt) => $"CA-customer-{attempt}";
}

/// <summary>
/// One callback and its own fake clock, moved through the lifecycle step by step. <see cref="Apply"/> insists that the
/// event changed something, so a builder that silently stops moving fails loudly instead of testing the wrong state.
/// </summary>
internal sealed class Story
{
    private Story(Decision created, FakeTimeProvider clock)
    {
        Clock = clock;
        Callback = created.Callback;
        Last = created;
    }

    public FakeTimeProvider Clock { get; }
    public Callback Callback { get; private set; }
    public Decision Last { get; private set; }
    public DateTimeOffset Now => Clock.GetUtcNow();

    public static Story Queued(CallbackPolicy? policy = null, NewCallback? request = null)
    {
        var clock = new FakeTimeProvider(Build.T0);
        return new Story(Callback.Create(request ?? Build.MissedCall(), policy ?? Build.ThreeAttempts(), clock.GetUtcNow()), clock);
    }

    /// <summary>Builds a callback in <paramref name="status"/> by the ordinary path (a one-attempt policy for Failed).</summary>
    public static Story In(CallbackStatus status) => status switch
    {
        CallbackStatus.Queued => Queued(),
        CallbackStatus.DialingAgent => Queued().Offered().Placed(),
        CallbackStatus.DialingCustomer => Queued().Offered().Placed().Accepted(),
        CallbackStatus.Completed => Queued().Offered().Placed().Accepted().Answered(),
        CallbackStatus.Cancelled => Queued().Apply((c, now) => c.Cancel(CancelReason.Operator, now)),
        CallbackStatus.Expired => Queued().At(Build.T0.AddMinutes(60)).Apply((c, now) => c.Expire(now)),
        CallbackStatus.Failed => Queued(Build.Policy(2)).Offered().Placed().Accepted().NotReached(),
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public Story Advance(TimeSpan by)
    {
        Clock.Advance(by);
        return this;
    }

    /// <summary>Moves the clock forward to <paramref name="at"/> (never back: the fake clock refuses).</summary>
    public Story At(DateTimeOffset at)
    {
        Clock.SetUtcNow(at);
        return this;
    }

    public Story Apply(Func<Callback, DateTimeOffset, Decision> @event)
    {
        var decision = @event(Callback, Now);
        Assert.True(decision.Changed, $"the story expected a change but the event was ignored: {decision.IgnoredBecause}");
        Callback = decision.Callback;
        Last = decision;
        return this;
    }

    /// <summary>Applies an event without keeping its result: for checking what a state does with it.</summary>
    public Decision Try(Func<Callback, DateTimeOffset, Decision> @event) => @event(Callback, Now);

    /// <summary>Offers the callback to <paramref name="agent"/> once it is due (moving the clock to the due time if needed).</summary>
    public Story Offered(Agent? agent = null)
    {
        if (Now < Callback.DueAt) At(Callback.DueAt);
        return Apply((c, now) => c.StartOffer(agent ?? Build.Agent("a1"), now));
    }

    public Story Placed(string? callSid = null) =>
        Advance(TimeSpan.FromSeconds(1)).Apply((c, now) => c.AgentCallPlaced(c.Offer, callSid ?? Build.AgentSid(c.Offer), now));

    public Story Accepted() => Advance(TimeSpan.FromSeconds(5)).Apply((c, now) => c.AgentAccepted(c.Offer, now));

    public Story Declined(AgentOutcome outcome = AgentOutcome.NoAnswer) =>
        Advance(TimeSpan.FromSeconds(20)).Apply((c, now) => c.AgentDeclined(c.Offer, outcome, now));

    public Story Answered() =>
        Advance(TimeSpan.FromSeconds(10)).Apply((c, now) => c.CustomerAnswered(c.Attempt, Build.CustomerSid(c.Attempt), now));

    public Story NotReached(CustomerOutcome outcome = CustomerOutcome.NoAnswer) =>
        Advance(TimeSpan.FromSeconds(30)).Apply((c, now) => c.CustomerNotReached(c.Attempt, outcome, Build.CustomerSid(c.Attempt), now));
}

/// <summary>Assertions shared by the lifecycle tests.</summary>
internal static class Expect
{
    /// <summary>An ignored event: a reason, no commands, and the very same callback back.</summary>
    public static void Ignored(Callback before, Decision decision)
    {
        Assert.False(decision.Changed);
        Assert.False(string.IsNullOrWhiteSpace(decision.IgnoredBecause));
        Assert.Same(before, decision.Callback);
        Assert.Empty(decision.Commands);
    }

    public static void Commands(Decision decision, params CallbackCommand[] expected) =>
        Assert.Equal(expected, decision.Commands.ToArray());

    /// <summary>The decision only moved the callback's next wake-up, to <paramref name="at"/>: nothing else to carry out.</summary>
    public static void WakesAt(Decision decision, DateTimeOffset at)
    {
        Assert.Empty(decision.Commands);
        Assert.Equal(at, decision.Callback.WakeAt);
    }

    /// <summary>The decision appended exactly one timeline entry to <paramref name="before"/>'s; returns it.</summary>
    public static TimelineEvent NewEntry(Callback before, Decision decision)
    {
        Assert.Equal(before.Timeline.Length + 1, decision.Callback.Timeline.Length);
        Assert.Equal<TimelineEvent>(before.Timeline, decision.Callback.Timeline.Take(before.Timeline.Length));
        return decision.Callback.Timeline[^1];
    }

    public static void NoNewEntry(Callback before, Decision decision) =>
        Assert.Equal<TimelineEvent>(before.Timeline, decision.Callback.Timeline);

    public static void Entry(TimelineEvent entry, DateTimeOffset at, CallbackStatus? from, CallbackStatus to,
        params (string Role, string Sid)[] callSids)
    {
        Assert.Equal(at, entry.At);
        Assert.Equal(from, entry.From);
        Assert.Equal(to, entry.To);
        Assert.False(string.IsNullOrWhiteSpace(entry.Reason));
        Assert.Equal(
            callSids.Select(s => $"{s.Role}={s.Sid}").Order(StringComparer.Ordinal),
            entry.CallSids.Select(kv => $"{kv.Key}={kv.Value}"));
    }
}
