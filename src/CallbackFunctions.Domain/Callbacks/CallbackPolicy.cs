using System.Collections.Immutable;

namespace CallbackFunctions.Domain.Callbacks;

/// <summary>
/// The timing rules a callback is created with. They are copied onto the callback, so a later settings change never
/// alters an attempt already planned (seed 001: "attempts already loaded follow the old settings").
/// </summary>
public sealed record CallbackPolicy
{
    /// <summary>seed 001: the first interval runs from the missed call to attempt 1, each next one from the previous
    /// unsuccessful attempt. One entry per attempt.</summary>
    public required ImmutableArray<TimeSpan> Intervals { get; init; }

    /// <summary>seed 000: a dial-back stays queued 60 minutes by default, then expires.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>How long an agent's phone rings before the offer passes to the next agent.</summary>
    public TimeSpan AgentRingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>seed 001 "wait for customer response": how long the customer leg rings before the attempt ends.</summary>
    public TimeSpan CustomerRingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>With no agent free, how often the callback looks again (besides being offered the moment one frees up).</summary>
    public TimeSpan NoAgentRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Slack after a ring timeout before the watchdog asks Twilio what happened to a leg we heard nothing of.</summary>
    public TimeSpan WatchdogGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Outcomes with their own retry counter and interval list; an outcome not listed shares the dialing intervals'
    /// counter (so with none listed, attempts are exactly the dialing intervals, seed 001).
    /// </summary>
    public ImmutableDictionary<RetryOutcome, ImmutableArray<TimeSpan>> Retries { get; init; } = ImmutableDictionary<RetryOutcome, ImmutableArray<TimeSpan>>.Empty;

    /// <summary>A customer leg connected for less than this counts as not reached; zero turns it off.</summary>
    public TimeSpan MinimumConnection { get; init; } = TimeSpan.Zero;

    /// <summary>The most attempts the policy can ever make: the dialing intervals plus every outcome's own retries.</summary>
    public int MaxAttempts => Intervals.Length + Retries.Where(r => r.Key != RetryOutcome.AgentNotReached).Sum(r => r.Value.Length);

    /// <summary>Returns the problems with this policy; empty when it is usable.</summary>
    public IReadOnlyList<string> Validate(TimeSpan minInterval, TimeSpan maxInterval)
    {
        var problems = new List<string>();
        if (Intervals.IsDefaultOrEmpty)
            problems.Add("at least one dialing interval is required");
        else
            for (var i = 0; i < Intervals.Length; i++)
                if (Intervals[i] < minInterval || Intervals[i] > maxInterval)
                    problems.Add($"dialing interval {i + 1} is {Intervals[i]}; it must be between {minInterval} and {maxInterval}");
        if (Expiry <= TimeSpan.Zero) problems.Add("expiry must be positive");
        if (AgentRingTimeout <= TimeSpan.Zero) problems.Add("agent ring timeout must be positive");
        if (CustomerRingTimeout <= TimeSpan.Zero) problems.Add("customer ring timeout must be positive");
        if (NoAgentRetry <= TimeSpan.Zero) problems.Add("no-agent retry must be positive");
        if (WatchdogGrace <= TimeSpan.Zero) problems.Add("watchdog grace must be positive");
        foreach (var (outcome, list) in Retries)
            foreach (var interval in list)
                if (interval < minInterval || interval > maxInterval)
                    problems.Add($"{outcome} retry interval {interval}: it must be between {minInterval} and {maxInterval}");
        if (MinimumConnection < TimeSpan.Zero) problems.Add("minimum connection time must not be negative");
        return problems;
    }
}
