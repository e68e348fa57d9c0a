using CallbackFunctions.Domain.Queues;

namespace CallbackFunctions.Domain.Tests.Queues;

/// <summary>issue 15 §5: position (1 = next) and estimatedAt, told in whole minutes.</summary>
public class QueueEstimateTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-02T14:00:00Z");
    private static readonly TimeSpan Handling = TimeSpan.FromMinutes(6);

    // Four due callbacks in line: a (entered 10 min ago), b (8), c (5), d (1).
    private static readonly InLine[] Line =
    [
        new("d", Now.AddMinutes(-1), Now), new("b", Now.AddMinutes(-8), Now),
        new("a", Now.AddMinutes(-10), Now), new("c", Now.AddMinutes(-5), Now),
    ];

    [Fact]
    public void For_FirstInLine_IsPositionOne_EstimatedNow()
    {
        Assert.Equal(new QueueEstimate(1, Now), QueueEstimate.For("a", Line, agentsServing: 2, Handling, Now));
    }

    [Fact]
    public void For_ThreeAheadWithOneAgent_IsThreeHandlingTimes()
    {
        Assert.Equal(new QueueEstimate(4, Now.AddMinutes(18)), QueueEstimate.For("d", Line, agentsServing: 1, Handling, Now));
    }

    [Fact]
    public void For_ThreeAheadWithTwoAgents_SharesTheWork()
    {
        Assert.Equal(new QueueEstimate(4, Now.AddMinutes(9)), QueueEstimate.For("d", Line, agentsServing: 2, Handling, Now));
    }

    [Fact]
    public void For_NoAgentServesTheQueue_HasAPositionButNoEstimate()
    {
        Assert.Equal(new QueueEstimate(2, null), QueueEstimate.For("b", Line, agentsServing: 0, Handling, Now));
    }

    [Fact]
    public void For_CallbackDueLaterThanTheWorkAhead_IsEstimatedAtItsDueTime()
    {
        InLine[] line = [new("ahead", Now.AddMinutes(-5), Now), new("later", Now.AddMinutes(-2), Now.AddMinutes(30))];

        Assert.Equal(new QueueEstimate(2, Now.AddMinutes(30)), QueueEstimate.For("later", line, 1, Handling, Now));
    }

    [Fact]
    public void For_ACallbackNotInTheLine_Throws()
    {
        Assert.Throws<ArgumentException>(() => QueueEstimate.For("zz", Line, 1, Handling, Now));
    }

    [Fact]
    public void MedianHandlingTime_OddEvenAndNone()
    {
        Assert.Equal(TimeSpan.FromMinutes(4), QueueEstimate.MedianHandlingTime([TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4)]));
        Assert.Equal(TimeSpan.FromMinutes(3), QueueEstimate.MedianHandlingTime([TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(2)]));
        Assert.Null(QueueEstimate.MedianHandlingTime([]));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(20, 1)]
    [InlineData(60, 1)]
    [InlineData(61, 2)]
    [InlineData(540, 9)]
    [InlineData(541, 10)]
    public void SpokenMinutes_RoundsUp_AtLeastOne(int seconds, int minutes)
    {
        Assert.Equal(minutes, SpokenMinutes.Of(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void SpokenMinutes_Until_AnEstimateAlreadyPast_IsOneMinute()
    {
        Assert.Equal(1, SpokenMinutes.Until(Now.AddMinutes(-2), Now));
        Assert.Equal(9, SpokenMinutes.Until(Now.AddMinutes(9), Now));
    }
}
