using CallbackFunctions.Domain.Callbacks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CallbackFunctions.Domain.Tests;

public static class TriggerArbitraries
{
    private static readonly DateTimeOffset T = new(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);

    private static readonly Gen<Trigger> Trigger =
        from kind in Gen.Elements(Enum.GetValues<TriggerKind>())
        from place in Gen.Choose(-60, 60)
        from due in Gen.Choose(0, 180)
        select new Trigger(kind, T, T.AddMinutes(place), T.AddMinutes(due));

    public static Arbitrary<Trigger[]> Triggers() => Gen.NonEmptyListOf(Trigger).Select(l => l.ToArray()).ToArbitrary();
}

/// <summary>issue 15 §4 over any sequence of triggers for one person and queue.</summary>
public class CallbackMergeProperties
{
    private static MergedTiming MergeAll(Trigger[] triggers) => triggers.Skip(1).Aggregate(MergedTiming.From(triggers[0]), CallbackMerge.Merge);

    [Property(Arbitrary = new[] { typeof(TriggerArbitraries) })]
    public void Merge_KeepsTheEarliestPlace_AndEveryTriggerInOrder(Trigger[] triggers)
    {
        var merged = MergeAll(triggers);

        Assert.Equal(triggers.Min(t => t.Place), merged.Place);
        Assert.Equal(triggers, merged.Triggers);
    }

    [Property(Arbitrary = new[] { typeof(TriggerArbitraries) })]
    public void Merge_DueIsTheLastAgentsTime_ElseTheEarliest(Trigger[] triggers)
    {
        var merged = MergeAll(triggers);
        var lastByAgent = triggers.LastOrDefault(t => t.Kind == TriggerKind.AgentScheduled);

        Assert.Equal(lastByAgent?.DueAt ?? triggers.Min(t => t.DueAt), merged.DueAt);
        Assert.Equal(lastByAgent is not null, merged.DueSetByAgent);
    }
}
