using CallbackFunctions.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Queues;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Queues;

/// <summary>
/// A queued callback's position in its queue's line and when it should be called (issue 15 §5), from the callbacks
/// ahead of it, the agents serving the queue and the queue's recent handling time (offer to the agent call's end):
/// <see cref="QueueEstimate.For"/> decides; this reads what it needs.
/// </summary>
public sealed class QueueEstimator(CallbackRepository callbacks, AgentDirectory agents, TimeProvider time)
{
    /// <summary>Recent means the last two hours, at most this many offers.</summary>
    private const int Samples = 50;
    private static readonly TimeSpan RecentFor = TimeSpan.FromHours(2);

    /// <summary>What an offer takes while a queue has no recent one to go by: a ring, a whisper and a short call.</summary>
    public static readonly TimeSpan DefaultHandlingTime = TimeSpan.FromMinutes(4);

    /// <summary>The queue's line now: its <c>Queued</c> callbacks, and how many callbacks are live in it (the <c>maxPending</c> count).</summary>
    public async Task<(IReadOnlyList<InLine> Line, int Live)> LineAsync(string queue, CancellationToken ct)
    {
        var line = new List<InLine>();
        var live = 0;
        await foreach (var c in callbacks.QueryLiveInQueueAsync(queue, ct))
        {
            live++;
            if (c.Status == CallbackStatus.Queued) line.Add(new InLine(c.Id, c.Place, c.DueAt));
        }
        return (line, live);
    }

    /// <summary>The estimate for a <c>Queued</c> callback; null for any other.</summary>
    public async Task<QueueEstimate?> ForAsync(Callback callback, CancellationToken ct)
    {
        if (callback.Status != CallbackStatus.Queued) return null;
        var (line, _) = await LineAsync(callback.Queue, ct);
        // The table may not show it queued yet (a change not written while the agent was on the line): place it as it is.
        var own = new InLine(callback.Id, callback.Place, callback.DueAt);
        return await EstimateAsync(callback.Queue, [.. line.Where(l => l.CallbackId != callback.Id), own], callback.Id, ct);
    }

    /// <summary>The estimate for a request about to become a callback with this place and due time, and the queue's live count.</summary>
    public async Task<(QueueEstimate Estimate, int Live)> ForRequestAsync(string queue, DateTimeOffset place, DateTimeOffset dueAt, CancellationToken ct)
    {
        const string Asking = "~request";
        var (line, live) = await LineAsync(queue, ct);
        return (await EstimateAsync(queue, [.. line, new InLine(Asking, place, dueAt)], Asking, ct), live);
    }

    private async Task<QueueEstimate> EstimateAsync(string queue, IReadOnlyList<InLine> line, string id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var serving = await agents.CountAvailableServingAsync(queue, ct);
        var recent = await agents.RecentHandlingAsync(queue, now - RecentFor, Samples, ct);
        return QueueEstimate.For(id, line, serving, QueueEstimate.MedianHandlingTime(recent) ?? DefaultHandlingTime, now);
    }
}
