using CallbackFunctions.Domain.Scheduling;

namespace CallbackFunctions.Domain.Tests.Scheduling;

/// <summary>issue 15 §3 (seed 002: an absolute local time, or days, hours and minutes from now).</summary>
public class ScheduledTimeTests
{
    private static readonly TimeZoneInfo NewYork = LocalTimesTests.NewYork;
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-02T14:00:00-05:00"); // Monday

    private static DateTimeOffset DueOf(ScheduledTime time) => Assert.IsType<ScheduledTime.Accepted>(time).DueAt;
    private static IEnumerable<string> ProblemsOf(ScheduledTime time) => Assert.IsType<ScheduledTime.Refused>(time).Problems;

    [Fact]
    public void In_DaysHoursMinutes_IsThatMuchAfterNow()
    {
        Assert.Equal(Now.AddDays(1).AddHours(2).AddMinutes(3), DueOf(ScheduledTime.In(new RelativeTime(1, 2, 3), Now)));
        Assert.Equal(Now.AddMinutes(90), DueOf(ScheduledTime.In(new RelativeTime(Minutes: 90), Now)));
    }

    [Fact]
    public void In_AllZero_IsRefused()
    {
        Assert.Equal(["in: at least one of days, hours and minutes must be above 0"], ProblemsOf(ScheduledTime.In(new RelativeTime(), Now)));
    }

    [Fact]
    public void In_OutOfBounds_ListsEveryField()
    {
        Assert.Equal(["in.days is 91; it must be between 0 and 90", "in.minutes is -1; it must be between 0 and 129600"],
            ProblemsOf(ScheduledTime.In(new RelativeTime(91, 0, -1), Now)));
    }

    [Fact]
    public void In_EachWithinBoundsButTogetherOver90Days_IsRefused()
    {
        Assert.Equal(["in: 90 days 1 h 0 min is too far ahead; at most 90 days"], ProblemsOf(ScheduledTime.In(new RelativeTime(90, 1, 0), Now)));
        Assert.Equal(Now.AddDays(90), DueOf(ScheduledTime.In(new RelativeTime(Days: 90), Now)));
    }

    [Fact]
    public void In_OneDayAcrossSpringForward_Is24Hours_SoTheClockReadsAnHourLater()
    {
        // America/New_York: Saturday 2026-03-07 10:00 EST; 24 h later it is Sunday 11:00 EDT.
        var due = DueOf(ScheduledTime.In(new RelativeTime(Days: 1), DateTimeOffset.Parse("2026-03-07T10:00:00-05:00")));

        Assert.Equal(DateTimeOffset.Parse("2026-03-08T11:00:00-04:00"), due);
    }

    [Fact]
    public void At_IsoInstantWithOffset_IsThatInstant()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T20:30:00Z"), DueOf(ScheduledTime.At("2026-03-02T21:30:00+01:00", NewYork, Now)));
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T20:30:00Z"), DueOf(ScheduledTime.At("2026-03-02T20:30:00Z", NewYork, Now)));
    }

    [Fact]
    public void At_LocalTimeWithoutOffset_IsReadInTheQueuesZone()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T16:30:00-05:00"), DueOf(ScheduledTime.At("2026-03-02T16:30", NewYork, Now)));
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T16:30:15-05:00"), DueOf(ScheduledTime.At("2026-03-02T16:30:15", NewYork, Now)));
    }

    [Fact]
    public void At_LocalTimeInTheSpringForwardGap_IsRefused()
    {
        // America/New_York, Sunday 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        Assert.Equal(["at: 2026-03-08 02:30 does not exist in America/New_York: the clocks go forward over it that day"],
            ProblemsOf(ScheduledTime.At("2026-03-08T02:30", NewYork, Now)));
    }

    [Fact]
    public void At_LocalTimeInTheFallBackOverlap_IsTheFirstOccurrence()
    {
        // America/New_York, Sunday 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 EDT comes first.
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T05:30:00Z"),
            DueOf(ScheduledTime.At("2026-11-01T01:30", NewYork, DateTimeOffset.Parse("2026-10-31T12:00:00Z"))));
    }

    [Fact]
    public void At_InThePastOrNow_IsRefused()
    {
        Assert.Equal(["at: 2026-03-02 18:59:00Z is in the past"], ProblemsOf(ScheduledTime.At("2026-03-02T13:59", NewYork, Now)));
        Assert.Single(ProblemsOf(ScheduledTime.At("2026-03-02T14:00", NewYork, Now)));
    }

    [Fact]
    public void At_MoreThan90DaysAhead_IsRefused()
    {
        Assert.Equal(["at: 2026-05-31 19:01:00Z is too far ahead; at most 90 days"], ProblemsOf(ScheduledTime.At("2026-05-31T19:01:00Z", NewYork, Now)));
        Assert.Equal(Now.AddDays(90), DueOf(ScheduledTime.At("2026-05-31T19:00:00Z", NewYork, Now)));
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("2026-03-02")]
    [InlineData("2026-03-02 16:30")]
    [InlineData("03/02/2026 16:30")]
    [InlineData("")]
    [InlineData(null)]
    public void At_NotAnIsoTime_IsRefused(string? at)
    {
        Assert.Single(ProblemsOf(ScheduledTime.At(at, NewYork, Now)));
    }
}
