using CallbackFunctions.Domain.Scheduling;

namespace CallbackFunctions.Domain.Tests.Scheduling;

/// <summary>The DST policies for a named wall-clock time: a gap has no instant, an overlap is its first occurrence.</summary>
public class LocalTimesTests
{
    internal static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void ToInstant_OrdinaryTime_UsesTheZonesOffset()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T14:30:00-05:00"), LocalTimes.ToInstant(new DateTime(2026, 3, 2, 14, 30, 0), NewYork));
    }

    [Fact]
    public void ToInstant_InTheSpringForwardGap_IsNull()
    {
        // America/New_York, Sunday 2026-03-08: 02:00 EST (-5) jumps to 03:00 EDT (-4) at 07:00Z; 02:30 never happens.
        Assert.Null(LocalTimes.ToInstant(new DateOnly(2026, 3, 8), new TimeOnly(2, 30), NewYork));
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T03:00:00-04:00"), LocalTimes.ToInstant(new DateOnly(2026, 3, 8), new TimeOnly(3, 0), NewYork));
    }

    [Fact]
    public void ToInstant_InTheFallBackOverlap_IsTheFirstOccurrence()
    {
        // America/New_York, Sunday 2026-11-01: 02:00 EDT (-4) falls back to 01:00 EST (-5) at 06:00Z; 01:30 happens twice.
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T01:30:00-04:00"), LocalTimes.ToInstant(new DateOnly(2026, 11, 1), new TimeOnly(1, 30), NewYork));
    }

    [Fact]
    public void ToInstant_IgnoresTheKindOfTheDateTime()
    {
        var asUtcKind = new DateTime(2026, 3, 2, 14, 30, 0, DateTimeKind.Utc);

        Assert.Equal(DateTimeOffset.Parse("2026-03-02T14:30:00-05:00"), LocalTimes.ToInstant(asUtcKind, NewYork));
    }
}
