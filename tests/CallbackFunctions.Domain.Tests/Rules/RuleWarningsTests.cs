using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Domain.Tests.Rules;

/// <summary>Issue 14: a rule that can never make a callback, or none now, is told back with a warning when saved.</summary>
public sealed class RuleWarningsTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
    // 2026-03-07 is a Saturday; 18:00 UTC is 12:00 in Chicago (CST, UTC-6). Chicago moves to CDT on Sunday 8 March.
    private static readonly DateTimeOffset SaturdayNoonInChicago = new(2026, 3, 7, 18, 0, 0, TimeSpan.Zero);
    // Tuesday 10 March, 15:00 UTC: 10:00 in Chicago (CDT, UTC-5).
    private static readonly DateTimeOffset TuesdayMorningInChicago = new(2026, 3, 10, 15, 0, 0, TimeSpan.Zero);
    private static readonly OpeningHours WeekdaysEightToEight = new(new DailyWindow(new TimeOnly(8, 0), new TimeOnly(20, 0)), null);

    /// <summary>The app's timing settings: 60 minutes' expiry unless said otherwise (seed 000).</summary>
    private static CallbackPolicy Settings(TimeSpan? expiry = null) =>
        new() { Intervals = [TimeSpan.FromMinutes(1)], Expiry = expiry ?? TimeSpan.FromMinutes(60) };

    private static CallbackRule Rule(params TimeSpan[] intervals) =>
        new() { Kind = RuleKind.ContactCenter, Intervals = intervals.Length > 0 ? [.. intervals] : [TimeSpan.FromMinutes(2)] };

    private static IReadOnlyList<RuleWarning> Warnings(CallbackRule rule, CallbackPolicy? settings = null, TimeZoneInfo? zone = null, DateTimeOffset? now = null) =>
        RuleWarnings.For(rule, settings ?? Settings(), zone, now ?? Build.T0);

    [Fact]
    public void AnOrdinaryRule_AlwaysOpen_WithItsFirstIntervalWellBeforeTheExpiry_HasNoWarning()
    {
        Assert.Empty(Warnings(Rule(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)), zone: Chicago));
    }

    [Fact]
    public void FirstInterval_LongerThanTheExpiry_WarnsThatNoAttemptWillEverBeMade_NamingBoth()
    {
        var warning = Assert.Single(Warnings(Rule(TimeSpan.FromMinutes(2)), Settings(expiry: TimeSpan.FromSeconds(25))));

        Assert.Equal(RuleWarningKind.NoAttemptBeforeExpiry, warning.Kind);
        Assert.Contains("00:02:00", warning.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:25", warning.Message, StringComparison.Ordinal);
        Assert.Contains("No callback will ever be made", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstInterval_EqualToTheExpiry_Warns_BecauseNoAttemptStartsAtTheExpiry()
    {
        var interval = TimeSpan.FromMinutes(30);
        var warning = Assert.Single(Warnings(Rule(interval), Settings(expiry: interval)));
        Assert.Equal(RuleWarningKind.NoAttemptBeforeExpiry, warning.Kind);

        // What the warning says is what the lifecycle does: the attempt due at the expiry never starts.
        var callback = Callback.Create(Build.MissedCall(), Rule(interval).ApplyTo(Settings(expiry: interval)), Build.T0).Callback;
        Assert.Equal(callback.ExpiresAt, callback.DueAt);
        Assert.False(callback.StartOffer(Build.Agent("a1"), callback.DueAt).Changed);
    }

    [Fact]
    public void FirstInterval_JustShorterThanTheExpiry_HasNoWarning_AndLaterIntervalsDoNotCount()
    {
        var rule = Rule(TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(60));

        Assert.Empty(Warnings(rule));
    }

    [Fact]
    public void TheRulesOwnIntervals_AreTheOnesCompared_NotTheSettings()
    {
        var settings = Settings(expiry: TimeSpan.FromMinutes(5)) with { Intervals = [TimeSpan.FromMinutes(10)] };

        Assert.Empty(Warnings(Rule(TimeSpan.FromMinutes(1)), settings));
        Assert.Single(Warnings(Rule(TimeSpan.FromMinutes(5)), settings));
    }

    [Fact]
    public void HoursClosedEveryDay_WarnThatNoCallbackWillEverBeMade_AndNotAlsoThatTheyAreClosedNow()
    {
        var rule = Rule() with { Schedule = new OpeningHours(null, null) };

        var warning = Assert.Single(Warnings(rule, zone: Chicago));

        Assert.Equal(RuleWarningKind.NeverOpen, warning.Kind);
        Assert.Contains("closed every day", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HoursClosedEveryDay_Warn_EvenWithoutATimeZone()
    {
        var rule = Rule() with { Schedule = new OpeningHours(null, null) };

        Assert.Equal(RuleWarningKind.NeverOpen, Assert.Single(Warnings(rule, zone: null)).Kind);
    }

    [Fact]
    public void ClosedNow_InTheRulesZone_SaysWhenItNextOpens_InLocalTime_WithTheZone()
    {
        var rule = Rule() with { Schedule = WeekdaysEightToEight };

        var warning = Assert.Single(Warnings(rule, zone: Chicago, now: SaturdayNoonInChicago));

        Assert.Equal(RuleWarningKind.ClosedNow, warning.Kind);
        Assert.Contains("Saturday 7 March 12:00 in America/Chicago", warning.Message, StringComparison.Ordinal);
        // Monday 08:00 local, after the clocks went forward on Sunday: 13:00 UTC, not 14:00.
        Assert.Contains("at Monday 9 March 08:00 (America/Chicago)", warning.Message, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 13, 0, 0, TimeSpan.Zero), WeekdaysEightToEight.NextOpening(SaturdayNoonInChicago, Chicago));
    }

    [Fact]
    public void OpenNow_InTheRulesZone_HasNoWarning()
    {
        var rule = Rule() with { Schedule = WeekdaysEightToEight };

        Assert.Empty(Warnings(rule, zone: Chicago, now: TuesdayMorningInChicago));
    }

    [Fact]
    public void ClosedNow_IsTheRulesZonesNow_NotUtcs()
    {
        // 15:00 UTC on a Tuesday: open in Chicago (10:00), closed in Tokyo (midnight).
        var rule = Rule() with { Schedule = WeekdaysEightToEight };
        var tokyo = TimeZoneInfo.CreateCustomTimeZone("Test/Plus9", TimeSpan.FromHours(9), "UTC+9", "UTC+9");

        Assert.Empty(Warnings(rule, zone: Chicago, now: TuesdayMorningInChicago));
        Assert.Contains("Wednesday 11 March 08:00 (Test/Plus9)", Assert.Single(Warnings(rule, zone: tokyo, now: TuesdayMorningInChicago)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutATimeZone_ClosedNowCannotBeTold_SoThereIsNoSuchWarning()
    {
        var rule = Rule() with { Schedule = WeekdaysEightToEight };

        Assert.Empty(Warnings(rule, zone: null, now: SaturdayNoonInChicago));
    }

    [Fact]
    public void ReadmesExampleRule_UnderRunShsTimings_OnASaturday_GetsBothWarnings()
    {
        // README's rule ("intervals": ["00:02:00", "00:10:00"], weekdays 08:00-20:00 in America/Chicago, closed at the
        // weekend) against ./run.sh's settings (seconds for minutes: expiry 25 s).
        var readme = Rule(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)) with { TimeZone = "America/Chicago", Schedule = WeekdaysEightToEight };
        var runSh = new CallbackPolicy { Intervals = [TimeSpan.FromSeconds(3)], Expiry = TimeSpan.FromSeconds(25) };

        var warnings = RuleWarnings.For(readme, runSh, Chicago, SaturdayNoonInChicago);

        Assert.Equal([RuleWarningKind.NoAttemptBeforeExpiry, RuleWarningKind.ClosedNow], warnings.Select(w => w.Kind));
    }
}
