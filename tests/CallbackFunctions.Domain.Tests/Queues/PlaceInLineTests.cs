using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Queues;

namespace CallbackFunctions.Domain.Tests.Queues;

/// <summary>issue 15 §1: every callback has a place; due callbacks are offered in order of place.</summary>
public class PlaceInLineTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-02T14:00:00Z");

    [Fact]
    public void For_QueuePress1_IsWhenTheCallerEnteredTheQueue()
    {
        var place = PlaceInLine.For(TriggerKind.QueuePress1, receivedAt: Now, queueTimeSeconds: 240, dueAt: Now);

        Assert.Equal(Now.AddMinutes(-4), place);
    }

    [Fact]
    public void For_CallLostInTheQueue_IsWhenTheCallerEnteredTheQueue_NotItsLaterDueTime()
    {
        var place = PlaceInLine.For(TriggerKind.LostCall, receivedAt: Now, queueTimeSeconds: 120, dueAt: Now.AddMinutes(5));

        Assert.Equal(Now.AddMinutes(-2), place);
    }

    [Fact]
    public void For_LostCallThatNeverReachedAQueue_IsItsDueTime()
    {
        Assert.Equal(Now.AddMinutes(5), PlaceInLine.For(TriggerKind.LostCall, Now, queueTimeSeconds: null, dueAt: Now.AddMinutes(5)));
    }

    [Theory]
    [InlineData(TriggerKind.AgentScheduled)]
    [InlineData(TriggerKind.IvrRequest)]
    public void For_ScheduledOrIvrCallback_IsItsDueTime_EvenWithAQueueTime(TriggerKind kind)
    {
        var due = Now.AddHours(3);

        Assert.Equal(due, PlaceInLine.For(kind, Now, queueTimeSeconds: 600, dueAt: due));
    }

    [Fact]
    public void For_NegativeQueueTime_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PlaceInLine.For(TriggerKind.QueuePress1, Now, -1, Now));
    }

    [Fact]
    public void Due_Press1FourMinutesAgo_ComesBefore_HangUpTwoMinutesAgo()
    {
        // The hang-up is received later but was also due at once: order is by place, not by arrival or id.
        var pressed = new InLine("z-pressed", PlaceInLine.For(TriggerKind.QueuePress1, Now, 240, Now), Now);
        var hungUp = new InLine("a-hungup", PlaceInLine.For(TriggerKind.LostCall, Now.AddSeconds(10), 130, Now.AddSeconds(10)), Now.AddSeconds(10));

        var line = QueueLine.Due([hungUp, pressed], Now.AddMinutes(1));

        Assert.Equal(["z-pressed", "a-hungup"], line.Select(c => c.CallbackId));
    }

    [Fact]
    public void Due_LeavesOutCallbacksNotDueYet()
    {
        var early = new InLine("early-place-later-due", Now.AddMinutes(-10), Now.AddMinutes(5));
        var due = new InLine("due", Now.AddMinutes(-1), Now);

        Assert.Equal(["due"], QueueLine.Due([early, due], Now).Select(c => c.CallbackId));
        Assert.Equal("early-place-later-due", QueueLine.Next([early, due], Now.AddMinutes(5))?.CallbackId);
    }

    [Fact]
    public void Due_EqualPlaces_AreOrderedByIdOrdinally()
    {
        InLine[] line = [new("b", Now, Now), new("B", Now, Now), new("a", Now, Now)];

        Assert.Equal(["B", "a", "b"], QueueLine.Due(line, Now).Select(c => c.CallbackId));
    }

    [Fact]
    public void Next_WhenNothingIsDue_IsNull()
    {
        Assert.Null(QueueLine.Next([new InLine("later", Now, Now.AddMinutes(1))], Now));
    }
}
