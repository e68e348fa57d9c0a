using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

/// <summary>
/// The agent leg: its CallSid, acceptance, and every way an agent does not take the offer. Agent first: none of those
/// consumes a customer attempt; the callback goes back to Queued, due now, in the same attempt.
/// </summary>
public class AgentLegTests
{
    // ---- AgentCallPlaced ------------------------------------------------------------------------------------------

    [Fact]
    public void AgentCallPlaced_ForTheCurrentOffer_SavesTheCallSidAndRecordsItWithoutMovingTheWakeUp()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Advance(TimeSpan.FromSeconds(1));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.AgentCallPlaced(1, "CA-agent-1", now));

        var c = decision.Callback;
        Assert.True(decision.Changed);
        Assert.Equal(before.AgentLeg! with { CallSid = "CA-agent-1" }, c.AgentLeg);
        Assert.Equal(CallbackStatus.DialingAgent, c.Status);
        Assert.Equal(before.WakeAt, c.WakeAt);
        Assert.Empty(decision.Commands);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingAgent, CallbackStatus.DialingAgent, ("agent", "CA-agent-1"));
        Assert.Equal("agent call placed to Agent a1", entry.Reason);
    }

    [Fact]
    public void AgentCallPlaced_Repeated_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed("CA-agent-1");

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentCallPlaced(1, "CA-agent-1", now)));
    }

    [Fact]
    public void AgentCallPlaced_WithAnotherCallSidForAPlacedOffer_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed("CA-agent-1");

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentCallPlaced(1, "CA-other", now)));
        Assert.Equal("CA-agent-1", story.Callback.AgentLeg!.CallSid);
    }

    [Fact]
    public void AgentCallPlaced_ForAnOlderOffer_IsIgnored()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Declined().Offered(Build.Agent("a2"));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentCallPlaced(1, "CA-late-1", now)));
    }

    [Fact]
    public void AgentCallPlaced_BeforeAnyOffer_IsIgnored()
    {
        var story = Story.Queued();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentCallPlaced(1, "CA-agent-1", now)));
    }

    [Fact]
    public void AgentCallPlaced_AfterTheCallbackWasCancelled_IsIgnored()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Apply((c, now) => c.Cancel(CancelReason.Served, now)).Advance(TimeSpan.FromSeconds(1));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentCallPlaced(1, "CA-agent-1", now)));
    }

    [Fact]
    public void AgentCallPlaced_AfterTheOfferWasDeclined_IsIgnored()
    {
        // e.g. the agent-status webhook (busy) overtook the REST answer that carries the CallSid.
        var story = Story.Queued().Offered(Build.Agent("a1")).Declined(AgentOutcome.Busy);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentCallPlaced(1, "CA-agent-1", now)));
    }

    // ---- AgentAccepted --------------------------------------------------------------------------------------------

    [Fact]
    public void AgentAccepted_WhileTheAgentRings_DialsTheCustomerInTheSameAttempt()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1").Advance(TimeSpan.FromSeconds(6));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.AgentAccepted(1, now));

        var c = decision.Callback;
        var watchdog = story.Now.AddSeconds(30 + 15); // customer ring timeout + grace
        Assert.Equal(CallbackStatus.DialingCustomer, c.Status);
        Assert.Equal(new CustomerLeg(1, story.Now, null), c.CustomerLeg);
        Assert.Equal(1, c.Attempt);
        Assert.Equal(before.AgentLeg, c.AgentLeg);
        Assert.Equal(watchdog, c.WakeAt);
        Expect.WakesAt(decision, watchdog);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingAgent, CallbackStatus.DialingCustomer, ("agent", "CA-agent-1"));
        Assert.Contains("Agent a1 accepted", entry.Reason, StringComparison.Ordinal);
        Assert.Contains("attempt 1", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentAccepted_BeforeTheCallSidIsKnown_DialsTheCustomerAndNamesNoCall()
    {
        var story = Story.Queued().Offered().Advance(TimeSpan.FromSeconds(3));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.AgentAccepted(1, now));

        Assert.Equal(CallbackStatus.DialingCustomer, decision.Callback.Status);
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.DialingAgent, CallbackStatus.DialingCustomer);
    }

    [Fact]
    public void AgentAccepted_Repeated_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentAccepted(1, now)));
    }

    [Fact]
    public void AgentAccepted_ForAnOlderOffer_IsIgnored()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed().Declined().Offered(Build.Agent("a2"));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentAccepted(1, now)));
    }

    [Fact]
    public void AgentAccepted_AfterTheOfferWasDeclined_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Declined(AgentOutcome.NoAnswer);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentAccepted(1, now)));
    }

    [Theory]
    [InlineData(CallbackStatus.Queued)]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void AgentAccepted_WhenNoAgentRings_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentAccepted(c.Offer, now)));
    }

    // ---- AgentDeclined --------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(AgentOutcome.NoAnswer, "did not answer")]
    [InlineData(AgentOutcome.Busy, "was busy")]
    [InlineData(AgentOutcome.Failed, "could not be called")]
    [InlineData(AgentOutcome.Passed, "passed")]
    [InlineData(AgentOutcome.HungUp, "hung up without accepting")]
    [InlineData(AgentOutcome.Unreachable, "could not be reached")]
    public void AgentDeclined_ForAnyOutcome_ReturnsToQueuedDueNowInTheSameAttempt(AgentOutcome outcome, string described)
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1").Advance(TimeSpan.FromSeconds(20));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.AgentDeclined(1, outcome, now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Queued, c.Status);
        Assert.Equal(1, c.Attempt);
        Assert.True(c.AttemptOpen);
        Assert.Contains("a1", c.TriedAgents);
        Assert.Null(c.CustomerLeg);
        Assert.True(c.DueAt <= story.Now);
        Assert.Equal(story.Now, c.WakeAt);
        // seed 004: a reject (2) starts the queue's reject cooldown with the release; nothing else does.
        Expect.Commands(decision, new ReleaseAgent("a1", "cb-1/1", outcome == AgentOutcome.Passed ? CooldownAfter.Reject : CooldownAfter.None));
        Assert.Equal(outcome == AgentOutcome.Passed ? ["a1"] : Array.Empty<string>(), c.RejectedBy.ToArray());
        Assert.Equal(story.Now, decision.Callback.WakeAt);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingAgent, CallbackStatus.Queued, ("agent", "CA-agent-1"));
        Assert.Equal($"agent Agent a1 {described}; trying the next agent", entry.Reason);
    }

    [Fact]
    public void AgentDeclined_WithDetail_PutsTheDetailInTheReason()
    {
        var story = Story.Queued().Offered(Build.Agent("a1"));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.AgentDeclined(1, AgentOutcome.Unreachable, now, "Twilio error 21211"));

        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingAgent, CallbackStatus.Queued);
        Assert.Equal("agent Agent a1 could not be reached (Twilio error 21211); trying the next agent", entry.Reason);
    }

    [Fact]
    public void AgentDeclined_ThenTheChooser_OffersAnotherAgentOfTheQueue()
    {
        var a1 = Build.Agent("a1", idleSince: Build.T0.AddHours(-3));
        var a2 = Build.Agent("a2", idleSince: Build.T0.AddHours(-2));
        var story = Story.Queued().Offered(AgentChooser.Choose([a1, a2], Build.Queue, [])!).Placed().Declined();

        var next = AgentChooser.Choose([a1, a2], story.Callback.Queue, story.Callback.TriedAgents);

        Assert.Equal("a2", next?.Id);
        story.Offered(next);
        Assert.Equal(1, story.Callback.Attempt);
        Assert.Equal(2, story.Callback.Offer);
    }

    [Fact]
    public void AgentDeclined_ManyTimesOnTheLastAttempt_NeverConsumesTheCustomerAttempt()
    {
        var story = Story.Queued(Build.Policy(2));

        for (var i = 1; i <= 5; i++)
            story.Offered(Build.Agent($"a{i}")).Placed().Declined(AgentOutcome.Busy);

        Assert.Equal(CallbackStatus.Queued, story.Callback.Status);
        Assert.Equal(1, story.Callback.Attempt);
        Assert.True(story.Callback.AttemptOpen);
        Assert.Equal(5, story.Callback.Offer);
        Assert.Equal<string>(["a1", "a2", "a3", "a4", "a5"], story.Callback.TriedAgents);
        Assert.True(story.Try((c, now) => c.StartOffer(Build.Agent("a6"), now)).Changed);
    }

    [Fact]
    public void AgentDeclined_Repeated_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Declined();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentDeclined(1, AgentOutcome.NoAnswer, now)));
    }

    [Fact]
    public void AgentDeclined_ForAnOlderOffer_IsIgnored()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed().Declined().Offered(Build.Agent("a2"));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentDeclined(1, AgentOutcome.Busy, now)));
    }

    [Fact]
    public void AgentDeclined_AfterTheAgentAccepted_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentDeclined(1, AgentOutcome.Passed, now)));
    }

    [Theory]
    [InlineData(CallbackStatus.Queued)]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void AgentDeclined_WhenNoAgentRings_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentDeclined(c.Offer, AgentOutcome.NoAnswer, now)));
    }

    // ---- AgentLegEnded --------------------------------------------------------------------------------------------

    [Fact]
    public void AgentLegEnded_WhileTheAgentRings_IsAHangUpDeclineInTheSameAttempt()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1").Advance(TimeSpan.FromSeconds(4));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.AgentLegEnded(1, now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Queued, c.Status);
        Assert.Equal(1, c.Attempt);
        Assert.Contains("a1", c.TriedAgents);
        Assert.Equal(story.Now, c.WakeAt);
        Expect.Commands(decision, new ReleaseAgent("a1", "cb-1/1"));
        Assert.Equal(story.Now, decision.Callback.WakeAt);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingAgent, CallbackStatus.Queued, ("agent", "CA-agent-1"));
        Assert.Contains("hung up without accepting", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentLegEnded_WhileTheCustomerRings_BringsTheWatchdogForward()
    {
        var story = Story.Queued().Offered().Placed().Accepted().Advance(TimeSpan.FromSeconds(5));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.AgentLegEnded(1, now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.DialingCustomer, c.Status);
        Assert.Equal(story.Now.AddSeconds(15), c.WakeAt);
        Expect.WakesAt(decision, story.Now.AddSeconds(15));
        Expect.NoNewEntry(before, decision);
    }

    [Fact]
    public void AgentLegEnded_WhileTheCustomerRingsAndTheWatchdogIsAlreadyClose_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted();
        story.At(story.Callback.WakeAt!.Value.AddSeconds(-15));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentLegEnded(1, now)));
    }

    [Fact]
    public void AgentLegEnded_ForAnOlderOffer_IsIgnored()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed().Declined().Offered(Build.Agent("a2"));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentLegEnded(1, now)));
    }

    [Fact]
    public void AgentLegEnded_AfterTheOfferWasDeclined_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Declined(AgentOutcome.Passed);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentLegEnded(1, now)));
    }

    [Theory]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Failed)]
    public void AgentLegEnded_WhenTerminal_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.AgentLegEnded(c.Offer, now)));
    }
}
