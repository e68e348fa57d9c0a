using System.Globalization;
using CallbackFunctions.TwilioSimulator.Support;

namespace CallbackFunctions.TwilioSimulator.Calls;

/// <summary>
/// &lt;Enqueue&gt; queues (TWILIO.md §4): which calls wait in which queue, in entry order, since when. A call joins when
/// its &lt;Enqueue&gt; starts and leaves when it stops waiting for any reason (&lt;Leave&gt;, &lt;Hangup&gt;, its scripted
/// end, a REST redirect, the call ending), so the calls behind it move up.
/// </summary>
internal sealed partial class CallEngine
{
    public SimulatedQueue Queue(string name)
    {
        var s = State;
        var sid = QueueSid(name);
        lock (s.Sync)
        {
            var now = time.GetUtcNow();

            // Twilio creates a queue on demand: one nobody has entered yet is simply empty.
            return s.Queues.TryGetValue(sid, out var queue)
                ? queue.Snapshot(now)
                : new WaitingQueue(sid, name).Snapshot(now);
        }
    }

    /// <summary>Every queue a call has entered since the start or the last reset, in the order they were created.</summary>
    public IReadOnlyList<SimulatedQueue> Queues()
    {
        var s = State;
        lock (s.Sync)
        {
            var now = time.GetUtcNow();
            return [.. s.Queues.Values.Select(q => q.Snapshot(now))];
        }
    }

    /// <summary>One queue per account + name (TWILIO.md §4 Enqueue: created on demand), so a stable sid.</summary>
    private string QueueSid(string name) => Sids.Stable("QU", options.AccountSid + "/" + name);

    /// <summary>
    /// Puts the leg at the back of its queue. Null when it does not wait: its script says the queue is full, the queue
    /// really is (MaxQueueSize), or the call has already ended.
    /// </summary>
    private QueueMember? JoinQueue(CallLeg leg, string name, string sid)
    {
        var s = leg.State;
        QueueMember member;
        int position;
        lock (s.Sync)
        {
            if (leg.IsEnded || leg.QueueOutcome == QueueOutcome.QueueFull)
            {
                return null;
            }

            if (!s.Queues.TryGetValue(sid, out var queue))
            {
                queue = new WaitingQueue(sid, name);
                s.Queues.Add(sid, queue);
            }

            if (queue.IsFull)
            {
                return null;
            }

            LeaveQueueLocked(leg);
            member = new QueueMember(leg, time.GetUtcNow());
            queue.Members.Add(member);
            leg.WaitingIn = queue;
            position = queue.Members.Count;
        }

        logger.QueueEntered(leg.Sid, name, position);
        Notify();
        return member;
    }

    /// <summary>Takes the leg out of the queue it waits in, if any; those behind it move up.</summary>
    private void LeaveQueue(CallLeg leg)
    {
        string? left;
        lock (leg.State.Sync)
        {
            left = LeaveQueueLocked(leg);
        }

        if (left is not null)
        {
            logger.QueueLeft(leg.Sid, left);
            Notify();
        }
    }

    /// <summary>Call under the lock. The name of the queue left, or null when the leg waited in none.</summary>
    private static string? LeaveQueueLocked(CallLeg leg)
    {
        if (leg.WaitingIn is not { } queue)
        {
            return null;
        }

        queue.Members.RemoveAll(m => ReferenceEquals(m.Leg, leg));
        leg.WaitingIn = null;
        return queue.Name;
    }

    /// <summary>
    /// TWILIO.md §4: the parameters a waitUrl request adds, as the queue stands now. Null when the leg no longer waits
    /// (the call ended under it).
    /// </summary>
    private KeyValuePair<string, string>[]? WaitUrlParameters(CallLeg leg, QueueMember member)
    {
        lock (leg.State.Sync)
        {
            if (leg.WaitingIn is not { } queue)
            {
                return null;
            }

            var now = time.GetUtcNow();
            return
            [
                new("QueuePosition", Text(queue.PositionOf(leg))),
                new("QueueSid", queue.Sid),
                new("QueueTime", Text(WaitingQueue.WaitedSeconds(member, now))),
                new("AvgQueueTime", Text(queue.AverageWaitSeconds(now))),
                new("CurrentQueueSize", Text(queue.Members.Count)),
                new("MaxQueueSize", Text(WaitingQueue.MaxSize)),
            ];
        }

        static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
