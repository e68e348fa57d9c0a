using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

/// <summary>
/// Cancellation: served (seed 000, 003), superseded by a newer missed call (seed 000), dialled by hand (seed 001), or by
/// an operator. From any live status; a live agent leg is released and hung up; never from a terminal status.
/// </summary>
public class CancelTests
{
    [Fact]
    public void Cancel_WhenQueued_EndsCancelledWithNoWakeUpAndNoCommands()
    {
        var story = Story.Queued().Advance(TimeSpan.FromSeconds(30));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.Cancel(CancelReason.Served, now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Cancelled, c.Status);
        Assert.False(c.IsLive);
        Assert.Null(c.WakeAt);
        Assert.Empty(decision.Commands);
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.Queued, CallbackStatus.Cancelled);
    }

    [Theory]
    [InlineData(CancelReason.Served, "served: the caller called again and was served")]
    [InlineData(CancelReason.Superseded, "superseded by a newer missed call")]
    [InlineData(CancelReason.ManualDial, "an agent dialled the customer by hand")]
    [InlineData(CancelReason.Operator, "cancelled by an operator")]
    public void Cancel_ForEachReason_WritesTheReasonInTheTimeline(CancelReason reason, string expected)
    {
        var story = Story.Queued();

        var decision = story.Try((c, now) => c.Cancel(reason, now));

        Assert.Equal(expected, reason.Describe());
        Assert.Equal(expected, decision.Callback.Timeline[^1].Reason);
    }

    [Fact]
    public void Cancel_WhileWaitingForAnAgent_StopsWaiting()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2)).Apply((c, now) => c.NoAgentAvailable(now));

        var decision = story.Try((c, now) => c.Cancel(CancelReason.Superseded, now));

        Assert.Equal(CallbackStatus.Cancelled, decision.Callback.Status);
        Assert.False(decision.Callback.WaitingForAgent);
        Assert.Null(decision.Callback.WakeAt);
    }

    [Fact]
    public void Cancel_WhileAnAgentRings_ReleasesTheAgentAndHangsUpTheirCall()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1");
        var before = story.Callback;

        var decision = story.Try((c, now) => c.Cancel(CancelReason.Served, now));

        Assert.Equal(CallbackStatus.Cancelled, decision.Callback.Status);
        Assert.Null(decision.Callback.WakeAt);
        Expect.Commands(decision, new ReleaseAgent("a1", "cb-1/1"), new HangUpCall("CA-agent-1"));
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.DialingAgent, CallbackStatus.Cancelled, ("agent", "CA-agent-1"));
    }

    [Fact]
    public void Cancel_WhileTheAgentCallIsBeingPlaced_ReleasesTheAgentOnly()
    {
        var story = Story.Queued().Offered(Build.Agent("a1"));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.Cancel(CancelReason.Operator, now));

        Expect.Commands(decision, new ReleaseAgent("a1", "cb-1/1"));
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.DialingAgent, CallbackStatus.Cancelled);
    }

    [Fact]
    public void Cancel_WhileTheCustomerRings_ReleasesTheAgentAndHangsUpTheAgentLeg()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1").Accepted();
        var before = story.Callback;

        var decision = story.Try((c, now) => c.Cancel(CancelReason.ManualDial, now));

        Assert.Equal(CallbackStatus.Cancelled, decision.Callback.Status);
        Expect.Commands(decision, new ReleaseAgent("a1", "cb-1/1"), new HangUpCall("CA-agent-1"));
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.DialingCustomer, CallbackStatus.Cancelled, ("agent", "CA-agent-1"));
    }

    [Fact]
    public void Cancel_WhenQueuedAfterAnAgentDeclined_ReleasesNobodyAndNamesNoCall()
    {
        // The decline already released the agent; the old leg is over.
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1").Declined();
        var before = story.Callback;

        var decision = story.Try((c, now) => c.Cancel(CancelReason.Served, now));

        Assert.Empty(decision.Commands);
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.Queued, CallbackStatus.Cancelled);
    }

    [Fact]
    public void Cancel_WhenQueuedForTheNextAttempt_ReleasesNobody()
    {
        var story = Story.Queued().Offered().Placed().Accepted().NotReached();

        var decision = story.Try((c, now) => c.Cancel(CancelReason.Superseded, now));

        Assert.Equal(CallbackStatus.Cancelled, decision.Callback.Status);
        Assert.Empty(decision.Commands);
    }

    [Theory]
    [InlineData(CallbackStatus.Completed, CancelReason.Served)]
    [InlineData(CallbackStatus.Cancelled, CancelReason.Superseded)]
    [InlineData(CallbackStatus.Expired, CancelReason.Operator)]
    [InlineData(CallbackStatus.Failed, CancelReason.ManualDial)]
    public void Cancel_WhenTerminal_IsIgnored(CallbackStatus status, CancelReason reason)
    {
        var story = Story.In(status).Advance(TimeSpan.FromMinutes(1));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.Cancel(reason, now)));
    }
}
