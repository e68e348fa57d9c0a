using CallbackFunctions.Domain.Scheduling;

namespace CallbackFunctions.Domain.Tests.Scheduling;

/// <summary>issue 15 §2: a slot as the caller hears it, on their own clock; and a slot instance's key read back.</summary>
public class SlotSpeechTests
{
    private static readonly TimeZoneInfo NewYork = LocalTimesTests.NewYork;
    private static readonly TimeZoneInfo LosAngeles = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-02T14:10:00-05:00"); // Monday

    [Theory]
    [InlineData("2026-03-02T14:30:00-05:00", "2:30 PM today")]
    [InlineData("2026-03-02T15:00:00-05:00", "3 PM today")]
    [InlineData("2026-03-03T09:00:00-05:00", "9 AM tomorrow")]
    [InlineData("2026-03-05T12:00:00-05:00", "12 PM on Thursday")]
    [InlineData("2026-03-09T09:15:00-04:00", "9:15 AM on Monday, March 9")]
    public void Say_NamesTheTimeAndTheDay_OnTheCallersClock(string at, string heard) =>
        Assert.Equal(heard, SpokenTimes.Say(DateTimeOffset.Parse(at), NewYork, Now));

    [Fact]
    public void Say_InAnotherZone_UsesThatZonesClockAndDay()
    {
        // 01:30 in New York on Tuesday is 22:30 on Monday in Los Angeles: still "today" for that caller.
        Assert.Equal("10:30 PM today", SpokenTimes.Say(DateTimeOffset.Parse("2026-03-03T01:30:00-05:00"), LosAngeles, Now));
    }

    [Fact]
    public void SlotInstance_ParsesTheKeyItWrites_AndNothingElse()
    {
        var instance = new SlotInstance(new DateOnly(2026, 3, 8), new TimeOnly(14, 30));
        Assert.Equal(instance, SlotInstance.Parse(instance.ToString()));
        Assert.Null(SlotInstance.Parse("2026-03-08 14:30"));
        Assert.Null(SlotInstance.Parse("2026-02-30T14:30"));
        Assert.Null(SlotInstance.Parse(null));
    }
}
