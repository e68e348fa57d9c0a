using CallbackFunctions.Domain.Rules;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CallbackFunctions.Domain.Tests.Rules;

/// <summary>Random hours, one of the test zones, and an instant; <see cref="ToString"/> is what a failure shows.</summary>
public sealed record ScheduleCase(OpeningHours Hours, int ZoneIndex, DateTimeOffset From)
{
    public TimeZoneInfo Zone => TestZones.All[ZoneIndex];

    public override string ToString() => $"{Hours} in {Zone.Id} from {From:u}";
}

public static class ScheduleArbitraries
{
    /// <summary>Instants near every DST transition of the test zones, where mistakes live, and anywhere in 2026.</summary>
    private static readonly DateTimeOffset[] Transitions =
    [
        new(2026, 3, 8, 10, 0, 0, TimeSpan.Zero), new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),    // Los Angeles
        new(2026, 4, 4, 14, 0, 0, TimeSpan.Zero), new(2026, 9, 26, 14, 0, 0, TimeSpan.Zero),   // Auckland
        new(2030, 3, 10, 22, 0, 0, TimeSpan.Zero), new(2030, 11, 3, 22, 0, 0, TimeSpan.Zero),  // synthetic
    ];

    // Whole minutes, with extra weight on the hours around midnight and the usual transition times.
    private static readonly Gen<TimeOnly> Time =
        Gen.OneOf(Gen.Choose(0, 24 * 60 - 1), Gen.Choose(22 * 60, 24 * 60 - 1), Gen.Choose(0, 4 * 60))
            .Select(m => TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(m)));

    private static readonly Gen<DailyWindow?> Window =
        Gen.Frequency(
            (1, Gen.Constant<DailyWindow?>(null)),
            (1, Time.Select(t => (DailyWindow?)new DailyWindow(t, t))),
            (6, Time.Two().Select(p => (DailyWindow?)new DailyWindow(p.Item1, p.Item2))));

    private static readonly Gen<DateTimeOffset> Instant =
        Gen.OneOf(
            from at in Gen.Elements(Transitions)
            from minutes in Gen.Choose(-9 * 24 * 60, 2 * 24 * 60)
            select at.AddMinutes(minutes),
            Gen.Choose(0, 365 * 24 * 60).Select(m => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(m)));

    public static Arbitrary<ScheduleCase> Cases() =>
        (from weekdays in Window
         from weekend in Window
         from zone in Gen.Choose(0, TestZones.All.Length - 1)
         from start in Instant
         select new ScheduleCase(new OpeningHours(weekdays, weekend), zone, start)).ToArbitrary();
}

/// <summary>seed 001 "Schedule": <see cref="OpeningHours.NextOpening"/> agrees with <see cref="OpeningHours.IsOpen"/>.</summary>
public class OpeningHoursProperties
{
    [Property(Arbitrary = new[] { typeof(ScheduleArbitraries) })]
    public void NextOpening_IsNeverBeforeTheStart(ScheduleCase c)
    {
        Assert.True(c.Hours.NextOpening(c.From, c.Zone) >= c.From);
    }

    [Property(Arbitrary = new[] { typeof(ScheduleArbitraries) })]
    public void NextOpening_UnlessNever_IsOpen(ScheduleCase c)
    {
        var next = c.Hours.NextOpening(c.From, c.Zone);

        Assert.True(next == DateTimeOffset.MaxValue || c.Hours.IsOpen(next, c.Zone), $"next {next:u}");
    }

    [Property(Arbitrary = new[] { typeof(ScheduleArbitraries) })]
    public void NextOpening_IsMaxValueOnlyWhenBothWindowsAreClosed(ScheduleCase c)
    {
        var never = c.Hours is { Weekdays: null, Weekend: null };

        Assert.Equal(never, c.Hours.NextOpening(c.From, c.Zone) == DateTimeOffset.MaxValue);
    }

    [Property(Arbitrary = new[] { typeof(ScheduleArbitraries) })]
    public void NextOpening_HasNoOpenMinuteBeforeIt(ScheduleCase c)
    {
        var next = c.Hours.NextOpening(c.From, c.Zone);
        var until = next == DateTimeOffset.MaxValue ? c.From.AddDays(8) : next;

        // A sample at minute granularity: the first and last ten minutes, where an off-by-one would show, and fifty
        // evenly spread between; then the very last tick.
        var minutes = (long)(until - c.From).TotalMinutes;
        var samples = Enumerable.Range(0, 10).Select(i => (long)i)
            .Concat(Enumerable.Range(1, 10).Select(i => minutes - i))
            .Concat(Enumerable.Range(0, 50).Select(i => minutes * i / 50))
            .Where(m => m >= 0);
        foreach (var t in samples.Select(m => c.From.AddMinutes(m)).Where(t => t < until))
            Assert.False(c.Hours.IsOpen(t, c.Zone), $"open at {t:u}, next {next:u}");
        if (until > c.From) Assert.False(c.Hours.IsOpen(until.AddTicks(-1), c.Zone), $"open just before {until:u}");
    }
}
