using System.Collections.Immutable;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests.Rules;

/// <summary>Issue 4: per-outcome retry counters and intervals, agent rounds, and the minimum connection time.</summary>
public sealed class RetryPolicyTests
{
    private static CallbackPolicy WithRetries(params (RetryOutcome Outcome, int[] Minutes)[] lists) => Build.ThreeAttempts() with
    {
        Retries = lists.ToImmutableDictionary(l => l.Outcome, l => l.Minutes.Select(m => TimeSpan.FromMinutes(m)).ToImmutableArray()),
    };

    private static Story Dialling(Story story) => story.Offered().Placed().Accepted();

    [Fact]
    public void Busy_WithItsOwnList_RetriesAfterItsIntervals_ThenFails_WithoutTouchingTheSharedCounter()
    {
        var story = Dialling(Story.Queued(WithRetries((RetryOutcome.Busy, [1]))));

        var first = story.Try((c, now) => c.CustomerNotReached(c.Attempt, CustomerOutcome.Busy, "CA-c1", now));
        Assert.Equal(story.Now.AddMinutes(1), first.Callback.DueAt);   // its own 1 minute, not the shared 5
        story.Apply((c, now) => c.CustomerNotReached(c.Attempt, CustomerOutcome.Busy, "CA-c1", now));

        var again = Dialling(story.At(story.Callback.DueAt)).Try((c, now) => c.CustomerNotReached(c.Attempt, CustomerOutcome.Busy, "CA-c2", now));
        Assert.Equal(CallbackStatus.Failed, again.Callback.Status);
        Assert.Contains("no Busy retries left", again.Callback.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NoAnswer_WithoutItsOwnList_UsesTheDialingIntervals_CountingOnlySharedFailures()
    {
        var story = Dialling(Story.Queued(WithRetries((RetryOutcome.Busy, [1, 1]))));
        story.Apply((c, now) => c.CustomerNotReached(c.Attempt, CustomerOutcome.Busy, null, now));   // busy: own list
        Dialling(story.At(story.Callback.DueAt));

        var noAnswer = story.Try((c, now) => c.CustomerNotReached(c.Attempt, CustomerOutcome.NoAnswer, null, now));

        // The first shared failure waits the second dialing interval (5 min), whatever the busy count.
        Assert.Equal(story.Now.AddMinutes(5), noAnswer.Callback.DueAt);
        Assert.Equal(2 + 3, story.Callback.Policy.MaxAttempts); // three intervals plus two busy retries
    }

    [Fact]
    public void WithNoLists_BehaviourIsExactlyTheDialingIntervals()
    {
        var story = Dialling(Story.Queued());
        var decision = story.Try((c, now) => c.CustomerNotReached(c.Attempt, CustomerOutcome.Busy, null, now));
        Assert.Equal(story.Now.AddMinutes(5), decision.Callback.DueAt);
        Assert.Equal(3, story.Callback.Policy.MaxAttempts);
    }

    [Fact]
    public void AgentRounds_WithAnAgentNotReachedList_WaitItsIntervals_ThenFail_WithoutUsingCustomerAttempts()
    {
        var story = Story.Queued(WithRetries((RetryOutcome.AgentNotReached, [1]))).Offered().Declined(AgentOutcome.NoAnswer);

        story.Apply((c, now) => c.NoAgentAvailable(now));
        Assert.Equal(story.Now.AddMinutes(1), story.Callback.WakeAt);
        Assert.Contains("round 1 of 1", story.Callback.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(1, story.Callback.Attempt);

        story.At(story.Callback.WakeAt!.Value).Offered().Declined(AgentOutcome.Passed);
        var exhausted = story.Try((c, now) => c.NoAgentAvailable(now));
        Assert.Equal(CallbackStatus.Failed, exhausted.Callback.Status);
        Assert.Equal(1, exhausted.Callback.Attempt); // still the first customer attempt: agents never consume one
    }

    [Fact]
    public void NoAgentAvailable_WithoutAnyAgentTried_IsAPlainWait_EvenWithARoundsList()
    {
        var story = Story.Queued(WithRetries((RetryOutcome.AgentNotReached, [1])));
        var decision = story.Try((c, now) => c.NoAgentAvailable(now));
        Assert.True(decision.Callback.WaitingForAgent);
        Assert.Empty(decision.Callback.Failures);
    }

    [Fact]
    public void MinimumConnection_AnsweredLegCompletesOnlyOnceConnectedLongEnough()
    {
        var story = Dialling(Story.Queued(Build.ThreeAttempts() with { MinimumConnection = TimeSpan.FromSeconds(10) }));

        story.Apply((c, now) => c.CustomerAnswered(c.Attempt, "CA-c1", now));
        Assert.Equal(CallbackStatus.DialingCustomer, story.Callback.Status);
        Assert.Equal(story.Now.AddSeconds(10), story.Callback.WakeAt);
        Assert.False(story.Advance(TimeSpan.FromSeconds(5)).Try((c, now) => c.CustomerAnswered(c.Attempt, "CA-c1", now)).Changed);

        var done = story.Advance(TimeSpan.FromSeconds(5)).Try((c, now) => c.CustomerAnswered(c.Attempt, "CA-c1", now));
        Assert.Equal(CallbackStatus.Completed, done.Callback.Status);
    }

    [Fact]
    public void MinimumConnection_LegEndingTooSoon_IsNotReached_AndRetriesAsNoAnswer()
    {
        var story = Dialling(Story.Queued(Build.ThreeAttempts() with { MinimumConnection = TimeSpan.FromSeconds(10) }));
        story.Apply((c, now) => c.CustomerAnswered(c.Attempt, "CA-c1", now));

        var ended = story.Advance(TimeSpan.FromSeconds(3)).Try((c, now) => c.CustomerLegEnded(c.Attempt, TimeSpan.FromSeconds(3), "CA-c1", now));

        Assert.Equal(CallbackStatus.Queued, ended.Callback.Status);
        Assert.Contains("minimum connection time", ended.Callback.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(RetryOutcome.NoAnswer, Assert.Single(ended.Callback.Failures));
    }

    [Fact]
    public void MinimumConnection_LegEndingAfterIt_Completes_EvenIfTheAnswerWasNeverHeard()
    {
        var story = Dialling(Story.Queued(Build.ThreeAttempts() with { MinimumConnection = TimeSpan.FromSeconds(10) }));
        var ended = story.Advance(TimeSpan.FromSeconds(30)).Try((c, now) => c.CustomerLegEnded(c.Attempt, TimeSpan.FromSeconds(25), "CA-c1", now));
        Assert.Equal(CallbackStatus.Completed, ended.Callback.Status);
    }

    [Fact]
    public void WithoutMinimumConnection_AnEndedLegIsAnAnswer()
    {
        var story = Dialling(Story.Queued());
        var ended = story.Try((c, now) => c.CustomerLegEnded(c.Attempt, TimeSpan.FromSeconds(1), "CA-c1", now));
        Assert.Equal(CallbackStatus.Completed, ended.Callback.Status);
    }
}
