using CallbackFunctions.Domain.Scheduling;

namespace CallbackFunctions.Domain.Tests.Scheduling;

/// <summary>issue 15 §3, seed 002: a scheduled callback not reached is due again retryAfter later, same agent and queue.</summary>
public class ScheduledRetryTests
{
    private static readonly TimeZoneInfo NewYork = LocalTimesTests.NewYork;
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-02T14:30:00-05:00");
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(5);

    [Fact]
    public void AfterNotReached_WithRetriesLeft_IsDueAgainLater_SameAgentAndQueue_OneRetryFewer()
    {
        var decision = ScheduledRetry.AfterNotReached(new ScheduledAttempt("support", "a1", RetriesLeft: 3), RetryAfter, NewYork, Now);

        var again = Assert.IsType<ScheduledRetryDecision.DueAgain>(decision);
        Assert.Equal(Now.AddMinutes(5), again.DueAt);
        Assert.Equal(new ScheduledAttempt("support", "a1", 2), again.Next);
        Assert.Equal("not reached; 2 retries left, next at 14:35", again.Reason);
    }

    [Fact]
    public void AfterNotReached_WithTheLastRetry_SaysOneRetryLeftThenZero()
    {
        var one = Assert.IsType<ScheduledRetryDecision.DueAgain>(ScheduledRetry.AfterNotReached(new("support", null, 2), RetryAfter, NewYork, Now));
        var zero = Assert.IsType<ScheduledRetryDecision.DueAgain>(ScheduledRetry.AfterNotReached(one.Next, RetryAfter, NewYork, one.DueAt));

        Assert.Equal("not reached; 1 retry left, next at 14:35", one.Reason);
        Assert.Equal("not reached; 0 retries left, next at 14:40", zero.Reason);
        Assert.Null(zero.Next.AgentId);
    }

    [Fact]
    public void AfterNotReached_WithNoRetriesLeft_IsDone()
    {
        var decision = ScheduledRetry.AfterNotReached(new ScheduledAttempt("support", "a1", 0), RetryAfter, NewYork, Now);

        Assert.Equal("not reached; no retries left", Assert.IsType<ScheduledRetryDecision.Done>(decision).Reason);
    }

    [Fact]
    public void AfterNotReached_SaysTheNextTimeInTheQueuesZone()
    {
        var decision = ScheduledRetry.AfterNotReached(new ScheduledAttempt("support", "a1", 1), RetryAfter, TimeZoneInfo.Utc, Now);

        Assert.EndsWith("next at 19:35", decision.Reason);
    }

    [Fact]
    public void AfterNotReached_WithoutAPositiveRetryAfter_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScheduledRetry.AfterNotReached(new("support", "a1", 1), TimeSpan.Zero, NewYork, Now));
    }
}
