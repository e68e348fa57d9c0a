using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using FsCheck.Xunit;

namespace CallbackFunctions.Domain.Tests;

/// <summary>
/// Invariants of the lifecycle over random event sequences (random agents, CallSids, outcomes, stale and repeated
/// events, time moving forward). Each property replays the sequence through the public methods.
/// </summary>
public class LifecycleProperties
{
    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void IgnoredEvent_LeavesTheSameCallbackAndCommandsNothing(LifecycleSetup setup, LifecycleEvent[] events)
    {
        foreach (var step in LifecycleDriver.Run(setup, events).Steps.Where(s => !s.Decision.Changed))
        {
            Assert.True(ReferenceEquals(step.Before, step.After), LifecycleDriver.Describe(step));
            Assert.True(step.Decision.Commands.IsEmpty, LifecycleDriver.Describe(step));
            Assert.False(string.IsNullOrWhiteSpace(step.Decision.IgnoredBecause));
        }
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void TerminalCallback_NeverChangesStatusOrWakeUpAndCommandsNothing(LifecycleSetup setup, LifecycleEvent[] events)
    {
        foreach (var step in LifecycleDriver.Run(setup, events).Steps.Where(s => !s.Before.IsLive))
        {
            Assert.True(step.After.Status == step.Before.Status, LifecycleDriver.Describe(step));
            Assert.True(step.After.WakeAt is null, LifecycleDriver.Describe(step));
            Assert.True(step.Decision.Commands.IsEmpty, LifecycleDriver.Describe(step));
        }
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void TerminalCallback_IgnoresEveryEvent(LifecycleSetup setup, LifecycleEvent[] events)
    {
        foreach (var step in LifecycleDriver.Run(setup, events).Steps.Where(s => !s.Before.IsLive))
            Assert.False(step.Decision.Changed, LifecycleDriver.Describe(step));
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void TerminalCallback_HasNoWakeUp_AndLiveCallbackAlwaysHasOne(LifecycleSetup setup, LifecycleEvent[] events)
    {
        var (created, steps) = LifecycleDriver.Run(setup, events);
        Assert.NotNull(created.Callback.WakeAt);
        foreach (var step in steps)
            Assert.True(step.After.IsLive == step.After.WakeAt.HasValue, LifecycleDriver.Describe(step));
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void Attempt_NeverExceedsMaxAttemptsAndOnlyAnOfferOpensTheNextOne(LifecycleSetup setup, LifecycleEvent[] events)
    {
        foreach (var step in LifecycleDriver.Run(setup, events).Steps)
        {
            Assert.InRange(step.After.Attempt, 0, setup.IntervalMinutes.Length);
            if (step.After.Attempt == step.Before.Attempt) continue;
            // A new customer attempt starts only when an offer opens it, one at a time.
            Assert.True(step.After.Attempt == step.Before.Attempt + 1, LifecycleDriver.Describe(step));
            Assert.True(!step.Before.AttemptOpen && step.After.Status == CallbackStatus.DialingAgent, LifecycleDriver.Describe(step));
        }
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void AgentNotTakingTheOffer_NeverConsumesACustomerAttempt(LifecycleSetup setup, LifecycleEvent[] events)
    {
        var declines = LifecycleDriver.Run(setup, events).Steps
            .Where(s => s.Decision.Changed && s.Before.Status == CallbackStatus.DialingAgent && s.After.Status == CallbackStatus.Queued);
        foreach (var step in declines)
        {
            var leg = step.Before.AgentLeg!;
            Assert.True(step.After.Attempt == step.Before.Attempt && step.After.AttemptOpen, LifecycleDriver.Describe(step));
            Assert.Contains(leg.AgentId, step.After.TriedAgents);
            Assert.Equal(step.Now, step.After.WakeAt);
            Assert.Contains(step.Decision.Commands.OfType<ReleaseAgent>(), r => r.AgentId == leg.AgentId && r.Holder == Agent.Holder(step.Before.Id, leg.Offer));
        }
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void StartOffer_NeverSucceedsBeforeDueOrAtOrAfterTheExpiry(LifecycleSetup setup, LifecycleEvent[] events)
    {
        var offers = LifecycleDriver.Run(setup, events).Steps.Where(s => s.After.Offer > s.Before.Offer);
        foreach (var step in offers)
        {
            Assert.True(step.Now < step.Before.ExpiresAt, LifecycleDriver.Describe(step));
            Assert.True(step.Now >= step.Before.DueAt, LifecycleDriver.Describe(step));
        }
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void ALiveCallbackAlwaysHasAWakeUp_AndTheOnlyCommandsAreReleasesAndHangUps(LifecycleSetup setup, LifecycleEvent[] events)
    {
        foreach (var step in LifecycleDriver.Run(setup, events).Steps.Where(s => s.Decision.Changed))
        {
            // The orchestration waits for the callback's own WakeAt; an offer is its new AgentLeg: no command says either.
            Assert.True(step.Decision.Commands.All(c => c is ReleaseAgent or HangUpCall), LifecycleDriver.Describe(step));
            Assert.True(step.After.IsLive == step.After.WakeAt.HasValue, LifecycleDriver.Describe(step));
        }
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void Timeline_OnlyGrowsAndItsTimestampsNeverGoBackwards(LifecycleSetup setup, LifecycleEvent[] events)
    {
        var (created, steps) = LifecycleDriver.Run(setup, events);
        var final = steps.LastOrDefault(s => s.Decision.Changed)?.After ?? created.Callback;
        foreach (var step in steps)
            Assert.True(step.After.Timeline.Take(step.Before.Timeline.Length).SequenceEqual(step.Before.Timeline), LifecycleDriver.Describe(step));
        for (var i = 1; i < final.Timeline.Length; i++)
            Assert.True(final.Timeline[i - 1].At <= final.Timeline[i].At, $"entry {i} at {final.Timeline[i].At:O} is before entry {i - 1}");
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void Timeline_RecordsEveryStatusChangeFromTheOldStatusToTheNew(LifecycleSetup setup, LifecycleEvent[] events)
    {
        foreach (var step in LifecycleDriver.Run(setup, events).Steps.Where(s => s.After.Status != s.Before.Status))
        {
            var entry = step.After.Timeline[^1];
            Assert.True(step.After.Timeline.Length == step.Before.Timeline.Length + 1, LifecycleDriver.Describe(step));
            Assert.True(entry.From == step.Before.Status && entry.To == step.After.Status && entry.At == step.Now, LifecycleDriver.Describe(step));
        }
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void AgentLeg_AtMostOneIsCurrent(LifecycleSetup setup, LifecycleEvent[] events)
    {
        foreach (var step in LifecycleDriver.Run(setup, events).Steps)
        {
            var after = step.After;
            if (after.Offer != step.Before.Offer)
            {
                // A new agent leg only from Queued: no other offer of this callback is ringing.
                Assert.True(step.Before.Status == CallbackStatus.Queued, LifecycleDriver.Describe(step));
                Assert.Equal(CallbackStatus.DialingAgent, after.Status);
                Assert.Equal(step.Before.Offer + 1, after.AgentLeg!.Offer);
                Assert.Null(after.AgentLeg.CallSid);
            }
            if (after.Status is CallbackStatus.DialingAgent or CallbackStatus.DialingCustomer)
                Assert.True(after.AgentLeg is { } leg && leg.Offer == after.Offer, LifecycleDriver.Describe(step));
            // Releases and hang-ups only ever concern the leg that was current.
            foreach (var release in step.Decision.Commands.OfType<ReleaseAgent>())
                Assert.True(step.Before.AgentLeg is { } current && release.AgentId == current.AgentId && release.Holder == Agent.Holder(step.Before.Id, current.Offer),
                    LifecycleDriver.Describe(step));
            foreach (var hangUp in step.Decision.Commands.OfType<HangUpCall>())
                Assert.True(hangUp.CallSid == step.Before.AgentLeg?.CallSid, LifecycleDriver.Describe(step));
        }
    }

    [Property(Arbitrary = new[] { typeof(LifecycleArbitraries) })]
    public void Offers_AreNumberedOneByOneAndNeverReused(LifecycleSetup setup, LifecycleEvent[] events)
    {
        foreach (var step in LifecycleDriver.Run(setup, events).Steps)
            Assert.True(step.After.Offer == step.Before.Offer || (step.After.Offer == step.Before.Offer + 1 && step.After.Status == CallbackStatus.DialingAgent),
                LifecycleDriver.Describe(step));
    }
}
