using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Queues;

/// <summary>One callback as the queue's stats see it: how it ended (or not yet), when it was asked for, promised, called and connected.</summary>
public sealed record CallbackOutcome(CallbackStatus Status, DateTimeOffset RequestedAt, DateTimeOffset? PromisedAt, DateTimeOffset? CalledAt, DateTimeOffset? ConnectedAt)
{
    public static CallbackOutcome Of(Callback c) => new(c.Status, c.CreatedAt, c.PromisedAt, c.CustomerCalledAt, c.ConnectedAt);
}

/// <summary>
/// A queue's figures over a window (issue 15 §5): how its callbacks ended, how long customers waited to be connected,
/// and how well the times they were promised were kept.
/// </summary>
/// <param name="MedianTimeToConnect">From request to customer connected, over the completed ones; null with none.</param>
/// <param name="P90TimeToConnect">The 90th percentile of the same (nearest rank).</param>
/// <param name="Promised">Callbacks with a promise (a time told or agreed) whose customer was called.</param>
/// <param name="WithinPromiseShare">The share of <paramref name="Promised"/> called no later than <see cref="PromiseStats.Tolerance"/> after
/// the promise; null with none.</param>
/// <param name="MedianPromiseError">The median of (called − promised): positive is late, negative early; null with none.</param>
public sealed record PromiseStats(int Created, int Completed, int Cancelled, int Expired, int Failed, int Live,
    TimeSpan? MedianTimeToConnect, TimeSpan? P90TimeToConnect, int Promised, double? WithinPromiseShare, TimeSpan? MedianPromiseError)
{
    /// <summary>A call this soon after the promised time keeps it: the agent is rung at the time, the customer a moment later.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(1);

    public static PromiseStats Of(IReadOnlyCollection<CallbackOutcome> callbacks)
    {
        var toConnect = callbacks.Where(c => c is { Status: CallbackStatus.Completed, ConnectedAt: not null })
            .Select(c => c.ConnectedAt!.Value - c.RequestedAt).Order().ToList();
        var errors = callbacks.Where(c => c is { PromisedAt: not null, CalledAt: not null })
            .Select(c => c.CalledAt!.Value - c.PromisedAt!.Value).Order().ToList();
        return new PromiseStats(
            callbacks.Count,
            callbacks.Count(c => c.Status == CallbackStatus.Completed),
            callbacks.Count(c => c.Status == CallbackStatus.Cancelled),
            callbacks.Count(c => c.Status == CallbackStatus.Expired),
            callbacks.Count(c => c.Status == CallbackStatus.Failed),
            callbacks.Count(c => !c.Status.IsTerminal()),
            Median(toConnect),
            Percentile(toConnect, 0.9),
            errors.Count,
            errors.Count == 0 ? null : (double)errors.Count(e => e <= Tolerance) / errors.Count,
            Median(errors));
    }

    /// <summary>The middle value of a sorted list (the mean of the middle two for an even count); null when empty.</summary>
    public static TimeSpan? Median(IReadOnlyList<TimeSpan> sorted) =>
        sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
        : TimeSpan.FromTicks((sorted[sorted.Count / 2 - 1].Ticks + sorted[sorted.Count / 2].Ticks) / 2);

    /// <summary>The nearest-rank percentile of a sorted list (p in (0, 1]); null when empty.</summary>
    public static TimeSpan? Percentile(IReadOnlyList<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
