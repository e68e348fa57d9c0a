using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Time.Testing;

namespace CallbackFunctions.Domain.Tests;

public enum EventKind
{
    /// <summary>The scheduled wake-up fires: the clock jumps to WakeAt and the handler's usual decision is taken.</summary>
    Wake,
    Expire,
    NoAgentAvailable,
    StartOffer,
    OfferNow,
    CallNow,
    ExtendWatchdog,
    RetryDialSoon,
    AgentCallPlaced,
    AgentAccepted,
    AgentDeclined,
    AgentLegEnded,
    CustomerAnswered,
    CustomerNotReached,
    Cancel,
}

/// <summary>
/// One random event for a callback. Offers and attempts are chosen relative to the callback's current ones
/// (<see cref="OfferShift"/>, <see cref="AttemptShift"/>: mostly 0, sometimes stale or ahead) so that sequences make
/// progress through the lifecycle and still exercise late, repeated and foreign events.
/// </summary>
public sealed record LifecycleEvent(
    EventKind Kind,
    TimeSpan Advance,
    int Agent,
    int OfferShift,
    int AttemptShift,
    int Sid,
    bool NoSid,
    bool Flag,
    AgentOutcome AgentOutcome,
    CustomerOutcome CustomerOutcome,
    CancelReason CancelReason);

/// <summary>How the callback under test is created.</summary>
public sealed record LifecycleSetup(int[] IntervalMinutes, int ExpiryMinutes, TimeSpan? IvrDelay)
{
    public CallbackPolicy Policy => Build.Policy(IntervalMinutes) with { Expiry = TimeSpan.FromMinutes(ExpiryMinutes) };

    public NewCallback Request => IvrDelay is { } delay ? Build.IvrRequest(delay) : Build.MissedCall();

    public override string ToString() =>
        $"intervals [{string.Join(", ", IntervalMinutes)}] min, expiry {ExpiryMinutes} min, {(IvrDelay is { } d ? $"IVR in {d}" : "missed call")}";
}

/// <summary>Generators for the property tests (registered through <c>[Property(Arbitrary = ...)]</c>).</summary>
public static class LifecycleArbitraries
{
    private static readonly string[] AgentIds = ["a0", "a1", "a2", "a3"];

    public static Arbitrary<LifecycleEvent> Events() => EventGen.ToArbitrary();

    public static Arbitrary<LifecycleSetup> Setups() =>
        (from count in Gen.Choose(1, 4)
         from intervals in Gen.ArrayOf(Gen.Choose(1, 20), count)
         from expiry in Gen.Choose(5, 90)
         from ivr in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
         from delay in Gen.Choose(0, 30)
         select new LifecycleSetup(intervals, expiry, ivr ? TimeSpan.FromMinutes(delay) : null)).ToArbitrary();

    public static Gen<LifecycleEvent> EventGen =>
        from kind in Gen.Frequency(
            (10, Gen.Constant(EventKind.Wake)),
            (2, Gen.Constant(EventKind.Expire)),
            (2, Gen.Constant(EventKind.NoAgentAvailable)),
            (3, Gen.Constant(EventKind.StartOffer)),
            (2, Gen.Constant(EventKind.OfferNow)),
            (1, Gen.Constant(EventKind.CallNow)),
            (1, Gen.Constant(EventKind.ExtendWatchdog)),
            (1, Gen.Constant(EventKind.RetryDialSoon)),
            (4, Gen.Constant(EventKind.AgentCallPlaced)),
            (4, Gen.Constant(EventKind.AgentAccepted)),
            (2, Gen.Constant(EventKind.AgentDeclined)),
            (2, Gen.Constant(EventKind.AgentLegEnded)),
            (2, Gen.Constant(EventKind.CustomerAnswered)),
            (4, Gen.Constant(EventKind.CustomerNotReached)),
            (1, Gen.Constant(EventKind.Cancel)))
        from advance in Gen.Frequency(
            (6, Gen.Choose(0, 10).Select(s => TimeSpan.FromSeconds(s))),
            (3, Gen.Choose(10, 180).Select(s => TimeSpan.FromSeconds(s))),
            (1, Gen.Choose(1, 40).Select(m => TimeSpan.FromMinutes(m))))
        from agent in Gen.Choose(0, AgentIds.Length - 1)
        from offerShift in Gen.Frequency((8, Gen.Constant(0)), (1, Gen.Constant(-1)), (1, Gen.Constant(1)))
        from attemptShift in Gen.Frequency((8, Gen.Constant(0)), (1, Gen.Constant(-1)), (1, Gen.Constant(1)))
        from sid in Gen.Choose(0, 2)
        from noSid in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from flag in Gen.Elements(true, false)
        from agentOutcome in Gen.Elements(Enum.GetValues<AgentOutcome>())
        from customerOutcome in Gen.Elements(Enum.GetValues<CustomerOutcome>())
        from cancelReason in Gen.Elements(Enum.GetValues<CancelReason>())
        select new LifecycleEvent(kind, advance, agent, offerShift, attemptShift, sid, noSid, flag, agentOutcome, customerOutcome, cancelReason);

    public static Agent AgentFor(int index) => Build.Agent(AgentIds[index % AgentIds.Length]);
}

/// <summary>One applied event: the state before, the time it happened, and the decision.</summary>
public sealed record Step(Callback Before, LifecycleEvent Event, DateTimeOffset Now, Decision Decision)
{
    public Callback After => Decision.Callback;
}

/// <summary>
/// Applies random events through the public lifecycle methods, keeping the new state of changed decisions and the old
/// one of ignored decisions (what the app does: an ignored decision is never saved).
/// </summary>
public static class LifecycleDriver
{
    public static (Decision Created, IReadOnlyList<Step> Steps) Run(LifecycleSetup setup, IEnumerable<LifecycleEvent> events)
    {
        var clock = new FakeTimeProvider(Build.T0);
        var created = Callback.Create(setup.Request, setup.Policy, clock.GetUtcNow());
        var callback = created.Callback;
        var steps = new List<Step>();
        foreach (var e in events)
        {
            var step = Apply(callback, e, clock);
            steps.Add(step);
            if (step.Decision.Changed) callback = step.After;
        }
        return (created, steps);
    }

    /// <summary>Moves <paramref name="clock"/> forward as the event says and applies it to <paramref name="c"/>.</summary>
    public static Step Apply(Callback c, LifecycleEvent e, FakeTimeProvider clock)
    {
        if (e.Kind == EventKind.Wake && c.WakeAt is { } wakeAt && wakeAt > clock.GetUtcNow())
            clock.SetUtcNow(wakeAt);
        else
            clock.Advance(e.Advance);
        var now = clock.GetUtcNow();
        var offer = Math.Max(0, c.Offer + e.OfferShift);
        var attempt = Math.Max(0, (c.CustomerLeg?.Attempt ?? c.Attempt) + e.AttemptShift);
        var sid = e.NoSid ? null : $"CA-{e.Kind}-{offer}-{e.Sid}";
        var decision = e.Kind switch
        {
            EventKind.Wake => Wake(c, e, now),
            EventKind.Expire => c.Expire(now),
            EventKind.NoAgentAvailable => c.NoAgentAvailable(now),
            EventKind.StartOffer => c.StartOffer(LifecycleArbitraries.AgentFor(e.Agent), now),
            EventKind.OfferNow => c.OfferNow(now),
            EventKind.CallNow => c.CallNow(now),
            EventKind.ExtendWatchdog => c.ExtendWatchdog(now),
            EventKind.RetryDialSoon => c.RetryDialSoon(offer, now),
            EventKind.AgentCallPlaced => c.AgentCallPlaced(offer, sid ?? $"CA-agent-{offer}", now),
            EventKind.AgentAccepted => c.AgentAccepted(offer, now),
            EventKind.AgentDeclined => c.AgentDeclined(offer, e.AgentOutcome, now),
            EventKind.AgentLegEnded => c.AgentLegEnded(offer, now),
            EventKind.CustomerAnswered => c.CustomerAnswered(attempt, sid, now),
            EventKind.CustomerNotReached => c.CustomerNotReached(attempt, e.CustomerOutcome, sid, now),
            EventKind.Cancel => c.Cancel(e.CancelReason, now),
            _ => throw new ArgumentOutOfRangeException(nameof(e)),
        };
        return new Step(c, e, now, decision);
    }

    /// <summary>Roughly what the wake-up handler decides for each status.</summary>
    private static Decision Wake(Callback c, LifecycleEvent e, DateTimeOffset now) => c.Status switch
    {
        CallbackStatus.Queued when now >= c.ExpiresAt => c.Expire(now),
        CallbackStatus.Queued when e.Agent == 0 && e.Flag => c.NoAgentAvailable(now),
        CallbackStatus.Queued => c.StartOffer(LifecycleArbitraries.AgentFor(e.Agent), now),
        CallbackStatus.DialingAgent when c.AgentLeg!.CallSid is null => c.OfferOverdue(now)
            ? c.AgentDeclined(c.Offer, AgentOutcome.Unreachable, now, "Twilio never confirmed the call")
            : c.RetryDialSoon(c.Offer, now),
        CallbackStatus.DialingAgent => e.Flag ? c.ExtendWatchdog(now) : c.AgentDeclined(c.Offer, e.AgentOutcome, now),
        CallbackStatus.DialingCustomer => e.Flag ? c.ExtendWatchdog(now) : c.CustomerNotReached(c.CustomerLeg!.Attempt, CustomerOutcome.NoResult, null, now),
        _ => c.Expire(now),
    };

    public static string Describe(Step step) =>
        $"{step.Event.Kind} at {step.Now:O} on {step.Before.Status} (attempt {step.Before.Attempt}, offer {step.Before.Offer}, wake {step.Before.WakeAt:O}) -> " +
        (step.Decision.Changed ? $"{step.After.Status} [{string.Join(", ", step.Decision.Commands)}]" : $"ignored: {step.Decision.IgnoredBecause}");
}
