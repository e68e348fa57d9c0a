using System.Globalization;

namespace CallbackFunctions.Domain.Scheduling;

/// <summary>An agent-scheduled callback's next try: its queue, its preferred agent (if any), and the retries it has left.</summary>
public sealed record ScheduledAttempt(string Queue, string? AgentId, int RetriesLeft);

/// <summary>What follows a scheduled callback whose customer was not reached, with the timeline's sentence.</summary>
public abstract record ScheduledRetryDecision(string Reason)
{
    /// <summary>Due again at <see cref="DueAt"/>: same queue and agent, one retry fewer.</summary>
    public sealed record DueAgain(ScheduledAttempt Next, DateTimeOffset DueAt, string Reason) : ScheduledRetryDecision(Reason);

    /// <summary>No retries left: the callback is over (Failed).</summary>
    public sealed record Done(string Reason) : ScheduledRetryDecision(Reason);
}

/// <summary>
/// seed 002: "If the call to the destination fails for any reason and there is at least one retry remaining, the call
/// is added back onto the list of scheduled callbacks, with the number of retries decremented. The target time ... is a
/// fixed number of minutes from the current time ... The agent to handle the callback and the source queue is the same."
/// Not the dialing intervals of a lost call (seed 001): a scheduled callback retries on the queue's <c>retryAfter</c>.
/// </summary>
public static class ScheduledRetry
{
    /// <param name="retryAfter">The queue's setting; positive.</param>
    /// <param name="zone">The queue's time zone: the sentence says the next time as its clock reads ("14:35").</param>
    public static ScheduledRetryDecision AfterNotReached(ScheduledAttempt attempt, TimeSpan retryAfter, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt.RetriesLeft);
        if (attempt.RetriesLeft == 0) return new ScheduledRetryDecision.Done("not reached; no retries left");

        var next = attempt with { RetriesLeft = attempt.RetriesLeft - 1 };
        var dueAt = now + retryAfter;
        var clock = LocalTimes.ToLocal(dueAt, zone).ToString("HH:mm", CultureInfo.InvariantCulture);
        var left = next.RetriesLeft == 1 ? "1 retry left" : $"{next.RetriesLeft} retries left";
        return new ScheduledRetryDecision.DueAgain(next, dueAt, $"not reached; {left}, next at {clock}");
    }
}
