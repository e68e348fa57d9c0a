using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// What a callback's orchestration shows in its custom status: the callback as it decided it, after every change; the
/// version and ETag of the table row it last wrote (a row of a higher version was written by an activity whose result
/// the orchestration has not taken yet, so for those milliseconds the row is the newer of the two); and whether it has
/// changes that row does not show yet (<see cref="CallbackRun.Unsaved"/>). The
/// custom status rides on the instance row Durable writes with every episode, so it costs no request of its own; it is
/// what <c>GET /api/callbacks/{id}</c>, the list's in-flight items and the webhooks' previews read. Kept well under
/// the instance row's limits: past <see cref="MaxEntries"/> the timeline keeps its first entry and its latest ones
/// (<see cref="OmittedEntries"/> says how many are left out; the table has them, <see cref="CallbackReader"/> merges).
/// </summary>
public sealed record CallbackSnapshot(Callback State, long Version, string ETag, bool Unsaved, int OmittedEntries = 0)
{
    public const int MaxEntries = 40;

    public static CallbackSnapshot Of(CallbackRun run)
    {
        var timeline = run.State.Timeline;
        if (timeline.Length <= MaxEntries) return new CallbackSnapshot(run.State, run.Version, run.ETag, run.Unsaved);
        var omitted = timeline.Length - MaxEntries;
        return new CallbackSnapshot(run.State with { Timeline = [timeline[0], .. timeline[(omitted + 1)..]] }, run.Version, run.ETag, run.Unsaved, omitted);
    }

    /// <summary>The whole callback: the left-out entries come from <paramref name="stored"/>, the table's (older) copy.</summary>
    public Callback Merge(Callback? stored)
    {
        if (OmittedEntries == 0) return State;
        var kept = State.Timeline;
        // Entries 1 .. OmittedEntries are the ones left out; the table has every entry up to its last write.
        var missing = stored is null ? [] : stored.Timeline.Skip(1).Take(OmittedEntries);
        return State with { Timeline = [kept[0], .. missing, .. kept[1..]] };
    }
}
