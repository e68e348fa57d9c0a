namespace CallbackFunctions.Domain.Queues;

/// <summary>A queued callback's position in its queue's line (1 = next) and when it should be called; null
/// <see cref="EstimatedAt"/> while no agent serves the queue (nothing honest to promise).</summary>
public sealed record QueueEstimate(int Position, DateTimeOffset? EstimatedAt)
{
    /// <summary>
    /// issue 15 §5: the estimate from the callbacks ahead, the agents serving the queue and the recent handling time.
    /// The work ahead is shared among the agents: <c>now + ahead × handlingTime ÷ agents</c>, and never before the
    /// callback's own due time. An estimate, not a plan: it assumes each agent takes the next callback as they free up.
    /// </summary>
    /// <param name="line">The queue's <c>Queued</c> callbacks, this one included; ahead means earlier in
    /// <see cref="LineOrder"/>, due yet or not (a lost call's place is kept while it waits for its interval).</param>
    /// <param name="agentsServing">Agents serving the queue now (logged in, whether free or busy).</param>
    /// <param name="handlingTime">The recent median from offer to the agent call's end (<see cref="MedianHandlingTime"/>);
    /// the caller supplies a default while there are no recent samples.</param>
    /// <exception cref="ArgumentException"><paramref name="callbackId"/> is not in <paramref name="line"/>.</exception>
    public static QueueEstimate For(string callbackId, IEnumerable<InLine> line, int agentsServing, TimeSpan handlingTime, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(agentsServing);
        ArgumentOutOfRangeException.ThrowIfLessThan(handlingTime, TimeSpan.Zero);
        var ordered = line.Order(LineOrder.Instance).ToList();
        var index = ordered.FindIndex(c => c.CallbackId == callbackId);
        if (index < 0) throw new ArgumentException($"callback {callbackId} is not in the line", nameof(callbackId));
        if (agentsServing == 0) return new QueueEstimate(index + 1, null);

        var estimated = now + TimeSpan.FromTicks(handlingTime.Ticks * index / agentsServing);
        var due = ordered[index].DueAt;
        return new QueueEstimate(index + 1, estimated > due ? estimated : due);
    }

    /// <summary>The median of recent handling times (offer to agent call end); null with none. An even count takes
    /// the mean of the middle two.</summary>
    public static TimeSpan? MedianHandlingTime(IEnumerable<TimeSpan> recent)
    {
        var sorted = recent.Order().ToList();
        if (sorted.Count == 0) return null;
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : TimeSpan.FromTicks((sorted[middle - 1].Ticks + sorted[middle].Ticks) / 2);
    }
}

/// <summary>How a wait is spoken to a caller: whole minutes, rounded up, at least 1 ("about 1 minute", never "0 minutes").</summary>
public static class SpokenMinutes
{
    public static int Of(TimeSpan wait) => wait <= TimeSpan.FromMinutes(1) ? 1 : (int)Math.Ceiling(wait.TotalMinutes);

    /// <summary>The minutes from <paramref name="now"/> until <paramref name="estimatedAt"/>, spoken.</summary>
    public static int Until(DateTimeOffset estimatedAt, DateTimeOffset now) => Of(estimatedAt - now);
}
