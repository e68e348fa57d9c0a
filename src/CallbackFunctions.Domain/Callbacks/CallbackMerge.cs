using System.Collections.Immutable;

namespace CallbackFunctions.Domain.Callbacks;

/// <summary>
/// One thing that asked for a callback: what, when it was received, and the place and due time it asks for.
/// <see cref="Source"/> names the request (the inbound CallSid, or the API request's own id), so a repeated one is known.
/// </summary>
public sealed record Trigger(TriggerKind Kind, DateTimeOffset ReceivedAt, DateTimeOffset Place, DateTimeOffset DueAt, string? Source = null)
{
    /// <summary>The same request again (a webhook Twilio repeated): same kind and source, or the very same trigger.</summary>
    public bool SameRequestAs(Trigger other) =>
        Source is not null ? Kind == other.Kind && Source == other.Source : this == other;
}

/// <summary>The parts of a live callback that merging decides: its place in line, when it is due, whether an agent set
/// that due time on purpose, and every trigger so far (the timeline shows each).</summary>
public sealed record MergedTiming(DateTimeOffset Place, DateTimeOffset DueAt, bool DueSetByAgent, ImmutableArray<Trigger> Triggers)
{
    /// <summary>A callback's timing from its first trigger.</summary>
    public static MergedTiming From(Trigger first) =>
        new(first.Place, first.DueAt, first.Kind == TriggerKind.AgentScheduled, [first]);
}

/// <summary>
/// One live callback per person and queue, whatever asked for it (issue 15 §4; seed 000: "only the last call has the
/// status DialbackQueued", here merged instead so no one loses their place). Every new trigger merges into the live one:
/// <list type="bullet">
/// <item>place: the earliest of the two (nobody moves back in line by asking again);</item>
/// <item>due: an agent-scheduled trigger's time wins, always (an agent's later choice replaces their earlier one);
/// otherwise a time an agent set stays; otherwise the earliest of the two;</item>
/// <item>triggers: appended in the order received.</item>
/// </list>
/// </summary>
public static class CallbackMerge
{
    public static MergedTiming Merge(MergedTiming live, Trigger incoming)
    {
        var place = Min(live.Place, incoming.Place);
        var (due, byAgent) = incoming.Kind == TriggerKind.AgentScheduled ? (incoming.DueAt, true)
            : live.DueSetByAgent ? (live.DueAt, true)
            : (Min(live.DueAt, incoming.DueAt), false);
        return new MergedTiming(place, due, byAgent, live.Triggers.Add(incoming));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
