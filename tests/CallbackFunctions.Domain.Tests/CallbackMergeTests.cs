using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

/// <summary>issue 15 §4: one live callback per person and queue; earliest place, earliest due unless an agent set it.</summary>
public class CallbackMergeTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.Parse("2026-03-02T14:00:00Z");

    private static Trigger Lost(int placeMin, int dueMin) => new(TriggerKind.LostCall, T, T.AddMinutes(placeMin), T.AddMinutes(dueMin));
    private static Trigger Ivr(int dueMin) => new(TriggerKind.IvrRequest, T, T.AddMinutes(dueMin), T.AddMinutes(dueMin));
    private static Trigger Press1(int placeMin) => new(TriggerKind.QueuePress1, T, T.AddMinutes(placeMin), T);
    private static Trigger Agent(int dueMin) => new(TriggerKind.AgentScheduled, T, T.AddMinutes(dueMin), T.AddMinutes(dueMin));

    [Fact]
    public void Merge_IvrRequestThenLostCall_KeepsTheEarliestPlaceAndDue_AndBothTriggers()
    {
        var merged = CallbackMerge.Merge(MergedTiming.From(Ivr(30)), Lost(placeMin: -3, dueMin: 5));

        Assert.Equal(T.AddMinutes(-3), merged.Place);
        Assert.Equal(T.AddMinutes(5), merged.DueAt);
        Assert.False(merged.DueSetByAgent);
        Assert.Equal([TriggerKind.IvrRequest, TriggerKind.LostCall], merged.Triggers.Select(t => t.Kind));
    }

    [Fact]
    public void Merge_LaterTriggerWithALaterPlace_DoesNotMoveTheCallerBack()
    {
        var merged = CallbackMerge.Merge(MergedTiming.From(Press1(placeMin: -4)), Lost(placeMin: -1, dueMin: 5));

        Assert.Equal(T.AddMinutes(-4), merged.Place);
        Assert.Equal(T, merged.DueAt);
    }

    [Fact]
    public void Merge_AgentScheduledLaterThanALostCall_TheAgentsTimeWins_ThePlaceStays()
    {
        var merged = CallbackMerge.Merge(MergedTiming.From(Lost(placeMin: -3, dueMin: 5)), Agent(dueMin: 120));

        Assert.Equal(T.AddMinutes(120), merged.DueAt);
        Assert.True(merged.DueSetByAgent);
        Assert.Equal(T.AddMinutes(-3), merged.Place);
    }

    [Fact]
    public void Merge_LostCallAfterAnAgentScheduled_KeepsTheAgentsTime()
    {
        var merged = CallbackMerge.Merge(MergedTiming.From(Agent(dueMin: 120)), Lost(placeMin: -2, dueMin: 5));

        Assert.Equal(T.AddMinutes(120), merged.DueAt);
        Assert.True(merged.DueSetByAgent);
        Assert.Equal(T.AddMinutes(-2), merged.Place);
    }

    [Theory]
    [InlineData(TriggerKind.IvrRequest)]
    [InlineData(TriggerKind.QueuePress1)]
    public void Merge_CallerRequestAfterAnAgentScheduled_KeepsTheAgentsTime(TriggerKind kind)
    {
        var request = new Trigger(kind, T, T.AddMinutes(-1), T);

        var merged = CallbackMerge.Merge(MergedTiming.From(Agent(dueMin: 60)), request);

        Assert.Equal(T.AddMinutes(60), merged.DueAt);
        Assert.Equal(T.AddMinutes(-1), merged.Place);
    }

    [Fact]
    public void Merge_AgentReschedulesEarlier_TheNewerAgentTimeWins()
    {
        var merged = CallbackMerge.Merge(MergedTiming.From(Agent(dueMin: 120)), Agent(dueMin: 30));

        Assert.Equal(T.AddMinutes(30), merged.DueAt);
    }

    [Fact]
    public void Merge_AgentReschedulesLater_TheNewerAgentTimeWins()
    {
        var merged = CallbackMerge.Merge(MergedTiming.From(Agent(dueMin: 30)), Agent(dueMin: 120));

        Assert.Equal(T.AddMinutes(120), merged.DueAt);
    }

    [Fact]
    public void Merge_ThreeTriggers_AreAllKeptInOrder()
    {
        var merged = CallbackMerge.Merge(CallbackMerge.Merge(MergedTiming.From(Ivr(10)), Press1(-4)), Lost(-2, 5));

        Assert.Equal([TriggerKind.IvrRequest, TriggerKind.QueuePress1, TriggerKind.LostCall], merged.Triggers.Select(t => t.Kind));
        Assert.Equal(T.AddMinutes(-4), merged.Place);
        Assert.Equal(T, merged.DueAt);
    }

    [Fact]
    public void From_AgentScheduledTrigger_MarksTheDueAsSetByAgent()
    {
        Assert.True(MergedTiming.From(Agent(30)).DueSetByAgent);
        Assert.False(MergedTiming.From(Lost(0, 5)).DueSetByAgent);
    }
}
