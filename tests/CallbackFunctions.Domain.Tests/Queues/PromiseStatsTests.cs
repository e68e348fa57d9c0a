using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Queues;

namespace CallbackFunctions.Domain.Tests.Queues;

/// <summary>issue 15 §5: a queue's outcomes, time to connect and promise accuracy, from its callbacks.</summary>
public class PromiseStatsTests
{
    private static readonly DateTimeOffset T = Build.T0;

    private static CallbackOutcome Done(int connectAfterMinutes, int? promisedAfter = null, int? calledAfter = null) =>
        new(CallbackStatus.Completed, T, promisedAfter is { } p ? T.AddMinutes(p) : null, T.AddMinutes(calledAfter ?? connectAfterMinutes),
            T.AddMinutes(connectAfterMinutes));

    [Fact]
    public void Counts_EachOutcome_AndTheLiveOnes()
    {
        var stats = PromiseStats.Of([
            Done(3), Done(5),
            new(CallbackStatus.Cancelled, T, null, null, null), new(CallbackStatus.Expired, T, null, null, null),
            new(CallbackStatus.Failed, T, null, T.AddMinutes(1), null), new(CallbackStatus.Queued, T, null, null, null),
            new(CallbackStatus.DialingAgent, T, null, null, null),
        ]);

        Assert.Equal((7, 2, 1, 1, 1, 2), (stats.Created, stats.Completed, stats.Cancelled, stats.Expired, stats.Failed, stats.Live));
    }

    [Fact]
    public void TimeToConnect_IsTheMedianAndNearestRankP90_OfTheCompletedOnes()
    {
        var stats = PromiseStats.Of([.. Enumerable.Range(1, 10).Select(m => Done(m)), new(CallbackStatus.Expired, T, null, null, null)]);

        Assert.Equal(TimeSpan.FromMinutes(5.5), stats.MedianTimeToConnect);
        Assert.Equal(TimeSpan.FromMinutes(9), stats.P90TimeToConnect);
    }

    [Fact]
    public void PromiseAccuracy_CountsOnlyPromisedCallbacksThatWereCalled_WithAMinutesGrace()
    {
        var stats = PromiseStats.Of([
            Done(10, promisedAfter: 10, calledAfter: 10),   // on time
            Done(12, promisedAfter: 10, calledAfter: 11),   // a minute late: kept (the grace)
            Done(20, promisedAfter: 10, calledAfter: 15),   // five minutes late
            Done(4, promisedAfter: 10, calledAfter: 4),     // early
            Done(8),                                        // no promise (a lost call)
            new(CallbackStatus.Queued, T, T.AddMinutes(10), null, null), // promised, not called yet
        ]);

        Assert.Equal(4, stats.Promised);
        Assert.Equal(0.75, stats.WithinPromiseShare);
        Assert.Equal(TimeSpan.FromSeconds(30), stats.MedianPromiseError); // errors -6, 0, 1, 5 minutes: the middle two's mean
    }

    [Fact]
    public void NoCallbacks_GiveNullFiguresRatherThanZeros()
    {
        var stats = PromiseStats.Of([]);

        Assert.Null(stats.MedianTimeToConnect);
        Assert.Null(stats.P90TimeToConnect);
        Assert.Null(stats.WithinPromiseShare);
        Assert.Null(stats.MedianPromiseError);
    }

    [Fact]
    public void TheLifecycle_RecordsWhenTheCustomerWasFirstCalled_AndWhenTheyWereReached()
    {
        var story = Story.Queued(Build.Policy(2, 5)).Offered().Placed().Accepted();
        var firstCall = story.Now;
        story.NotReached().Offered().Placed().Accepted().Answered();

        Assert.Equal(firstCall, story.Callback.CustomerCalledAt);
        Assert.Equal(story.Now, story.Callback.ConnectedAt);
    }

    [Fact]
    public void Merging_AnAgentsSchedule_MakesItsTimeThePromise_OtherwiseThePromiseMadeStands()
    {
        var promised = Build.T0.AddMinutes(3);
        var story = Story.Queued(request: Build.IvrRequest(TimeSpan.Zero) with { PromisedAt = promised });
        story.Apply((c, now) => c.Merge(new Trigger(TriggerKind.LostCall, now, now, now, "CA-l"), "lost", now, promisedAt: now.AddMinutes(9)));
        Assert.Equal(promised, story.Callback.PromisedAt);

        var agentTime = Build.T0.AddHours(1);
        story.Apply((c, now) => c.Merge(new Trigger(TriggerKind.AgentScheduled, now, agentTime, agentTime, "req"), "scheduled", now));
        Assert.Equal(agentTime, story.Callback.PromisedAt);
    }
}
