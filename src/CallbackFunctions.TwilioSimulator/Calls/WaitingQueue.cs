namespace CallbackFunctions.TwilioSimulator.Calls;

/// <summary>One call waiting in a queue, since <see cref="EnqueuedAt"/>.</summary>
internal sealed record QueueMember(CallLeg Leg, DateTimeOffset EnqueuedAt);

/// <summary>
/// A named queue of one account (TWILIO.md §4 Enqueue: created on demand, default max size 1000): the calls waiting in
/// it, in the order they entered. Mutable; read and written under the simulator state's lock.
/// </summary>
internal sealed class WaitingQueue(string sid, string name)
{
    /// <summary>TWILIO.md §4 Enqueue: "default max size 1000" (the simulator has no Queue REST resource to change it).</summary>
    public const int MaxSize = 1000;

    public string Sid { get; } = sid;

    public string Name { get; } = name;

    /// <summary>Entered order: the first is at position 1.</summary>
    public List<QueueMember> Members { get; } = [];

    public bool IsFull => Members.Count >= MaxSize;

    /// <summary>1-based position of <paramref name="leg"/>; 0 when it is not waiting here.</summary>
    public int PositionOf(CallLeg leg) => Members.FindIndex(m => ReferenceEquals(m.Leg, leg)) + 1;

    public QueueMember? MemberOf(CallLeg leg) => Members.Find(m => ReferenceEquals(m.Leg, leg));

    /// <summary>Whole seconds <paramref name="member"/> has waited (truncated, as QueueTime).</summary>
    public static int WaitedSeconds(QueueMember member, DateTimeOffset now) => WholeSeconds(now - member.EnqueuedAt);

    /// <summary>
    /// AvgQueueTime: TWILIO.md §4 lists it only as "AvgQueueTime (s)"; Twilio's &lt;Enqueue&gt; page describes it as the
    /// average of how long the calls now in the queue have been waiting (as the Queue resource's average_wait_time: the
    /// members' average wait, computed when asked). So: the mean of the exact waits of the calls waiting now (the asking
    /// call included), truncated to whole seconds like QueueTime; 0 for an empty queue. Calls that already left do not count.
    /// </summary>
    public int AverageWaitSeconds(DateTimeOffset now) => Members.Count == 0
        ? 0
        : WholeSeconds(TimeSpan.FromTicks(Members.Sum(m => Math.Max(0, (now - m.EnqueuedAt).Ticks)) / Members.Count));

    public SimulatedQueue Snapshot(DateTimeOffset now) => new()
    {
        Name = Name,
        Sid = Sid,
        CurrentSize = Members.Count,
        MaxSize = MaxSize,
        AverageWaitSeconds = AverageWaitSeconds(now),
        Calls = [.. Members.Select((m, i) => new QueuedCall
        {
            CallSid = m.Leg.Sid,
            Position = i + 1,
            EnqueuedAt = m.EnqueuedAt,
            WaitedSeconds = WaitedSeconds(m, now),
        })],
    };

    private static int WholeSeconds(TimeSpan span) => (int)Math.Max(0, span.TotalSeconds);
}
