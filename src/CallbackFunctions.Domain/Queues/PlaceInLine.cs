using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Queues;

/// <summary>
/// Every callback's place in its queue's line (issue 15 §1; seed 002: "called back once they reach the front of the
/// queue"; seed 003: "without losing the waiting position"). Due callbacks of a queue are offered in order of place.
/// </summary>
public static class PlaceInLine
{
    /// <summary>
    /// A press-1 request or a call lost in the queue keeps the moment the caller entered the queue:
    /// <paramref name="receivedAt"/> minus Twilio's <c>QueueTime</c> (whole seconds waited). Every other callback (an
    /// IVR request, a slot, an agent-scheduled one, a lost call that never reached a queue so has no
    /// <paramref name="queueTimeSeconds"/>) takes its place when it becomes due: <paramref name="dueAt"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative queue time: the edge must refuse it, not pass it on.</exception>
    public static DateTimeOffset For(TriggerKind kind, DateTimeOffset receivedAt, int? queueTimeSeconds, DateTimeOffset dueAt)
    {
        if (queueTimeSeconds < 0) throw new ArgumentOutOfRangeException(nameof(queueTimeSeconds), queueTimeSeconds, "Twilio's QueueTime is never negative");
        return kind is TriggerKind.QueuePress1 or TriggerKind.LostCall && queueTimeSeconds is { } waited
            ? receivedAt - TimeSpan.FromSeconds(waited)
            : dueAt;
    }
}

/// <summary>A callback as its queue's line sees it: its id, its place and when it is due.</summary>
public sealed record InLine(string CallbackId, DateTimeOffset Place, DateTimeOffset DueAt);

/// <summary>
/// The order of a queue's line: earliest place first; equal places by callback id (ordinal), so every reader and
/// every rerun sees the same order.
/// </summary>
public sealed class LineOrder : IComparer<InLine>
{
    public static readonly LineOrder Instance = new();

    private LineOrder() { }

    public int Compare(InLine? x, InLine? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var byPlace = x.Place.CompareTo(y.Place);
        return byPlace != 0 ? byPlace : string.CompareOrdinal(x.CallbackId, y.CallbackId);
    }
}

/// <summary>A queue's line of waiting callbacks.</summary>
public static class QueueLine
{
    /// <summary>The callbacks due at <paramref name="now"/> (due at or before it), in line order; a newly freed agent
    /// gets the first. Pass one queue's <c>Queued</c> callbacks.</summary>
    public static IReadOnlyList<InLine> Due(IEnumerable<InLine> line, DateTimeOffset now) =>
        line.Where(c => c.DueAt <= now).Order(LineOrder.Instance).ToList();

    /// <summary>The first due callback, or null when none is due.</summary>
    public static InLine? Next(IEnumerable<InLine> line, DateTimeOffset now) => Due(line, now).FirstOrDefault();
}
