using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Agents;

namespace CallbackFunctions.Domain.Tests;

/// <summary>
/// Issue 15 in the lifecycle: a caller's place in line, agent-scheduled callbacks (their preferred agent, their own
/// retries, their comment), one live callback per person and queue whatever asked for it (merging), and the line's
/// order when an agent frees up.
/// </summary>
public class RequestKindsTests
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(10);

    private static NewCallback Scheduled(int retries, string? agent = "a1", TimeSpan? wait = null, TimeSpan? inTime = null) =>
        new(Build.CallbackId, Build.Queue, Build.Caller, Build.CallerId, CallbackOrigin.Scheduled, null, "scheduled by an agent",
            inTime ?? TimeSpan.FromMinutes(2), BoundAgent: agent, Comment: "wants the new contract", Scheduled: new ScheduledPlan(retries, retries, RetryAfter, agent),
            PreferredAgentWait: agent is null ? null : wait ?? TimeSpan.FromMinutes(2));

    private static NewCallback PressedOne(TimeSpan waited) =>
        new("cb-q", Build.Queue, Build.Caller, Build.CallerId, CallbackOrigin.QueueRequest, "CA-q", "pressed 1 in the queue", TimeSpan.Zero,
            Place: Build.T0 - waited);

    [Fact]
    public void PressedOne_IsDueAtOnce_AndKeepsTheMomentItEnteredTheQueueAsItsPlace()
    {
        var c = Story.Queued(request: PressedOne(TimeSpan.FromMinutes(4))).Callback;

        Assert.Equal(Build.T0, c.DueAt);
        Assert.Equal(Build.T0.AddMinutes(-4), c.Place);
        Assert.Equal(TriggerKind.QueuePress1, Assert.Single(c.Triggers).Kind);
    }

    [Fact]
    public void AnyOtherCallback_TakesItsDueTimeAsItsPlace()
    {
        var c = Story.Queued(request: Build.IvrRequest(TimeSpan.FromMinutes(5))).Callback;

        Assert.Equal(c.DueAt, c.Place);
        Assert.Equal(Build.T0.AddMinutes(5), c.Place);
    }

    [Fact]
    public void Scheduled_NotReached_IsDueAgainRetryAfterLater_WithTheSameAgent_AndTheTimelineSaysTheRetriesLeft()
    {
        var story = Story.Queued(request: Scheduled(retries: 2)).Offered(Build.Agent("a1")).Placed().Accepted().NotReached();

        var c = story.Callback;
        Assert.Equal(CallbackStatus.Queued, c.Status);
        Assert.Equal(story.Now + RetryAfter, c.DueAt);
        Assert.Equal("a1", c.BoundAgent);
        Assert.Equal(1, c.Scheduled!.RetriesLeft);
        Assert.Contains("1 retry left", c.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(3, c.MaxAttempts);
    }

    [Fact]
    public void Scheduled_NotReachedWithNoRetriesLeft_Fails()
    {
        var story = Story.Queued(request: Scheduled(retries: 0)).Offered(Build.Agent("a1")).Placed().Accepted().NotReached();

        Assert.Equal(CallbackStatus.Failed, story.Callback.Status);
        Assert.Contains("no retries left", story.Callback.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheduled_RetriesAfterAFallBack_GoBackToThePreferredAgent()
    {
        var story = Story.Queued(request: Scheduled(retries: 1));
        story.At(story.Callback.DueAt);
        var fellBack = story.Callback.FallBackToQueue("preferred agent a1 logged out: any agent of sales", story.Now);
        Assert.Null(fellBack.BoundAgent);
        var again = fellBack.StartOffer(Build.Agent("a2"), story.Now).Callback;
        again = again.AgentCallPlaced(1, "CA-a", story.Now).Callback.AgentAccepted(1, story.Now).Callback;

        var retried = again.CustomerNotReached(1, CustomerOutcome.Busy, "CA-c", story.Now).Callback;

        Assert.Equal("a1", retried.BoundAgent);
        Assert.Equal(CallbackStatus.Queued, retried.Status);
    }

    [Fact]
    public void PreferredAgentBusy_WaitsForThemUntilTheWaitEnds_AndSaysSoOnce()
    {
        var story = Story.Queued(request: Scheduled(retries: 0, wait: TimeSpan.FromMinutes(2)));
        story.At(story.Callback.DueAt);
        var until = story.Now.AddMinutes(2);

        story.Apply((c, now) => c.WaitForPreferredAgent(until, "preferred agent a1 busy: waiting", now));
        var first = story.Callback;
        Assert.True(first.WaitingForAgent);
        Assert.Equal(story.Now, first.PreferredBusySince);
        Assert.True(first.WakeAt <= until);

        story.Advance(TimeSpan.FromSeconds(30));
        var again = story.Try((c, now) => c.WaitForPreferredAgent(until, "preferred agent a1 busy: waiting", now));
        Assert.Equal(first.Timeline.Length, again.Callback.Timeline.Length);
        Assert.Equal(first.PreferredBusySince, again.Callback.PreferredBusySince);
    }

    [Fact]
    public void FallBackToQueue_UnbindsTheAgent_AndRecordsWhy_ButNotForABindingThatIsNotPreferred()
    {
        var preferred = Story.Queued(request: Scheduled(retries: 0)).Callback;
        var fell = preferred.FallBackToQueue("preferred agent a1 unavailable: any agent of sales", Build.T0);
        Assert.Null(fell.BoundAgent);
        Assert.Equal("preferred agent a1 unavailable: any agent of sales", fell.Timeline[^1].Reason);

        // seed 001: a callback bound to the agent who missed the call stays bound.
        var bound = Story.Queued(request: Build.MissedCall() with { BoundAgent = "a1" }).Callback;
        Assert.Same(bound, bound.FallBackToQueue("x", Build.T0));
    }

    [Fact]
    public void StartOffer_ToThePreferredAgent_SaysSo()
    {
        var story = Story.Queued(request: Scheduled(retries: 0)).Offered(Build.Agent("a1"));

        Assert.Contains("their preferred agent", story.Callback.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_ALostCallIntoAQueueRequest_KeepsTheEarlierPlace_AndShowsBothTriggers()
    {
        var story = Story.Queued(request: PressedOne(TimeSpan.FromMinutes(4))).Advance(TimeSpan.FromSeconds(30));
        var lost = new Trigger(TriggerKind.LostCall, story.Now, story.Now.AddMinutes(-1), story.Now.AddMinutes(2), "CA-lost");

        story.Apply((c, now) => c.Merge(lost, "missed call: caller hung up in the queue", now));

        var c = story.Callback;
        Assert.Equal(Build.T0.AddMinutes(-4), c.Place);
        Assert.Equal(Build.T0, c.DueAt);
        Assert.Equal([TriggerKind.QueuePress1, TriggerKind.LostCall], c.Triggers.Select(t => t.Kind));
        Assert.StartsWith("missed call: caller hung up in the queue: merged", c.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_AnAgentsLaterTime_Wins_AndBringsItsAgentAndRetries()
    {
        var story = Story.Queued(request: Build.IvrRequest(TimeSpan.Zero));
        var later = story.Now.AddHours(2);
        var schedule = new Trigger(TriggerKind.AgentScheduled, story.Now, later, later, "req-1");

        story.Apply((c, now) => c.Merge(schedule, "scheduled by an agent", now, "call about the refund", new ScheduledPlan(1, 1, RetryAfter, "a2"), "a2",
            TimeSpan.FromMinutes(3)));

        var c = story.Callback;
        Assert.Equal(later, c.DueAt);
        Assert.True(c.DueSetByAgent);
        Assert.Equal("a2", c.BoundAgent);
        Assert.Equal(TimeSpan.FromMinutes(3), c.PreferredAgentWait);
        Assert.Equal("call about the refund", c.Comment);
        Assert.True(c.ExpiresAt > later);
        Assert.Equal(later, c.WakeAt);
    }

    [Fact]
    public void Merge_AfterAnAgentsTime_ALostCallDoesNotBringItForward()
    {
        var story = Story.Queued(request: Scheduled(retries: 0, inTime: TimeSpan.FromHours(1))).Advance(TimeSpan.FromMinutes(1));
        var due = story.Callback.DueAt;
        var lost = new Trigger(TriggerKind.LostCall, story.Now, story.Now, story.Now.AddMinutes(2), "CA-lost");

        story.Apply((c, now) => c.Merge(lost, "missed call", now));

        Assert.Equal(due, story.Callback.DueAt);
    }

    [Fact]
    public void Merge_TheSameRequestTwice_ChangesNothingTheSecondTime()
    {
        var story = Story.Queued();
        var lost = new Trigger(TriggerKind.LostCall, story.Now, story.Now, story.Now.AddMinutes(2), "CA-2");
        story.Apply((c, now) => c.Merge(lost, "missed call", now));
        var before = story.Callback;

        story.Advance(TimeSpan.FromSeconds(3));
        var repeat = story.Try((c, now) => c.Merge(lost with { ReceivedAt = now }, "missed call", now));

        Expect.Ignored(before, repeat);
    }

    [Fact]
    public void Merge_IntoAFinishedCallback_IsIgnored()
    {
        var story = Story.Queued().Apply((c, now) => c.Cancel(CancelReason.Operator, now));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.Merge(new Trigger(TriggerKind.IvrRequest, now, now, now, "CA-x"), "ivr", now)));
    }

    [Fact]
    public void AgentFreed_TheHeadIsOfferedAtOnce_AndThoseBehindAStaggerLater()
    {
        var waiting = Story.Queued(Build.Policy(0)).Advance(TimeSpan.FromSeconds(1)).Apply((c, now) => c.NoAgentAvailable(now));
        var now = waiting.Now;

        var head = new AgentFreed().Apply(waiting.Callback, now).Callback;
        var behind = new AgentFreed(1).Apply(waiting.Callback, now).Callback;
        Assert.Equal((now, false), (head.WakeAt, head.WokenBehind));
        // Woken behind: its offer lets one ahead that still waits go first; the offer it makes ends that.
        Assert.Equal((now + AgentFreed.Stagger, true), (behind.WakeAt, behind.WokenBehind));
        Assert.False(behind.StartOffer(Build.Agent("a1"), now + AgentFreed.Stagger).Callback.WokenBehind);
    }

    [Fact]
    public void Move_MakesTheTimeTheAgents_AndAPlaceThatWasTheDueTimeMovesAlong()
    {
        var story = Story.Queued(request: Build.IvrRequest(TimeSpan.FromMinutes(5)));
        var to = story.Now.AddMinutes(30);

        story.Apply((c, now) => c.Move(to, now));

        Assert.True(story.Callback.DueSetByAgent);
        Assert.Equal(to, story.Callback.Place);
    }
}
