using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Domain.Tests.Rules;

/// <summary>seed 001 "Schedule" (weekdays and weekend) and seed 000 (outside opening hours, no dial-back).</summary>
public class OpeningHoursTests
{
    // 2026-03-02 is a Monday; every example week starts there.
    private static readonly OpeningHours Office = new(Window("09:00", "17:00"), Window("10:00", "14:00"));
    private static readonly OpeningHours WeekdaysOnly = new(Window("09:00", "17:00"), null);

    [Fact]
    public void IsOpen_DuringWeekdayHours_IsTrue()
    {
        Assert.True(Office.IsOpen(Utc("2026-03-02 09:00"), TimeZoneInfo.Utc));
        Assert.True(Office.IsOpen(Utc("2026-03-04 16:59"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void IsOpen_OutsideWeekdayHours_IsFalse_AndClosingTimeIsAlreadyClosed()
    {
        Assert.False(Office.IsOpen(Utc("2026-03-02 08:59"), TimeZoneInfo.Utc));
        Assert.False(Office.IsOpen(Utc("2026-03-02 17:00"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void IsOpen_OnTheWeekend_FollowsTheWeekendHours()
    {
        Assert.False(Office.IsOpen(Utc("2026-03-07 09:30"), TimeZoneInfo.Utc)); // Saturday: open at weekday time, closed
        Assert.True(Office.IsOpen(Utc("2026-03-07 10:00"), TimeZoneInfo.Utc));
        Assert.True(Office.IsOpen(Utc("2026-03-08 13:59"), TimeZoneInfo.Utc)); // Sunday
        Assert.False(Office.IsOpen(Utc("2026-03-08 14:00"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void IsOpen_WithWeekendClosed_IsFalseAllWeekend()
    {
        Assert.False(WeekdaysOnly.IsOpen(Utc("2026-03-07 12:00"), TimeZoneInfo.Utc));
        Assert.False(WeekdaysOnly.IsOpen(Utc("2026-03-08 00:00"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void IsOpen_InTheLocalZone_NotInUtc()
    {
        var tokyo = new OpeningHours(Window("09:00", "17:00"), null);
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test/Plus9", TimeSpan.FromHours(9), "UTC+9", "UTC+9");

        Assert.True(tokyo.IsOpen(Utc("2026-03-02 00:00"), zone));  // 09:00 local
        Assert.False(tokyo.IsOpen(Utc("2026-03-02 09:00"), zone)); // 18:00 local
    }

    [Fact]
    public void IsOpen_WindowAcrossMidnight_IsOpenBeforeAndAfterMidnight_AndClosedBetween()
    {
        var nights = new OpeningHours(Window("22:00", "02:00"), null);

        Assert.True(nights.IsOpen(Utc("2026-03-03 23:30"), TimeZoneInfo.Utc));  // Tuesday, before midnight
        Assert.True(nights.IsOpen(Utc("2026-03-04 01:59"), TimeZoneInfo.Utc));  // Wednesday, Tuesday's window
        Assert.False(nights.IsOpen(Utc("2026-03-04 02:00"), TimeZoneInfo.Utc));
        Assert.False(nights.IsOpen(Utc("2026-03-04 21:59"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void IsOpen_FridayNightWindow_RunsIntoSaturday_ButNoSaturdayWindowOpens()
    {
        var nights = new OpeningHours(Window("22:00", "02:00"), null);

        Assert.True(nights.IsOpen(Utc("2026-03-07 01:00"), TimeZoneInfo.Utc));  // Saturday, Friday's window
        Assert.False(nights.IsOpen(Utc("2026-03-07 23:00"), TimeZoneInfo.Utc)); // Saturday night: weekend closed
        Assert.False(nights.IsOpen(Utc("2026-03-09 01:00"), TimeZoneInfo.Utc)); // Monday: Sunday had no window
    }

    [Fact]
    public void IsOpen_SundayNightWeekendWindow_RunsIntoMonday()
    {
        var hours = new OpeningHours(null, Window("20:00", "01:00"));

        Assert.True(hours.IsOpen(Utc("2026-03-09 00:30"), TimeZoneInfo.Utc));
        Assert.False(hours.IsOpen(Utc("2026-03-09 01:00"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void IsOpen_WithOpenEqualToClose_IsOpenTheWholeDayFromOpen()
    {
        var fromEight = new OpeningHours(Window("08:00", "08:00"), null);

        Assert.True(fromEight.IsOpen(Utc("2026-03-02 08:00"), TimeZoneInfo.Utc));
        Assert.True(fromEight.IsOpen(Utc("2026-03-02 23:59"), TimeZoneInfo.Utc));
        Assert.True(fromEight.IsOpen(Utc("2026-03-06 07:59"), TimeZoneInfo.Utc)); // Thursday's day runs to Friday 08:00
        Assert.True(fromEight.IsOpen(Utc("2026-03-07 07:59"), TimeZoneInfo.Utc)); // and Friday's into Saturday
        Assert.False(fromEight.IsOpen(Utc("2026-03-07 08:00"), TimeZoneInfo.Utc));
        Assert.False(fromEight.IsOpen(Utc("2026-03-02 07:59"), TimeZoneInfo.Utc)); // Sunday had no window
    }

    [Fact]
    public void Always_IsOpenAtEveryQuarterHourOfAWeek_InEveryTestZone()
    {
        foreach (var zone in TestZones.All)
            foreach (var start in new[] { Utc("2026-03-05 00:00"), Utc("2026-10-29 00:00"), Utc("2026-04-01 00:00"), Utc("2026-09-24 00:00"), Utc("2030-03-07 00:00"), Utc("2030-10-31 00:00") })
                for (var t = start; t < start.AddDays(7); t = t.AddMinutes(15))
                    Assert.True(OpeningHours.Always.IsOpen(t, zone), $"{t:u} in {zone.Id}");
    }

    [Fact]
    public void NextOpening_WhenOpen_IsTheSameInstant()
    {
        var t = Utc("2026-03-02 12:34");

        Assert.Equal(t, Office.NextOpening(t, TimeZoneInfo.Utc));
    }

    [Fact]
    public void NextOpening_BeforeOpeningTheSameDay_IsTheOpeningThatDay()
    {
        Assert.Equal(Utc("2026-03-02 09:00"), Office.NextOpening(Utc("2026-03-02 06:15"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void NextOpening_AfterClosing_IsTheOpeningNextDay()
    {
        Assert.Equal(Utc("2026-03-03 09:00"), Office.NextOpening(Utc("2026-03-02 17:00"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void NextOpening_FridayAfterClose_WithWeekendOpen_IsSaturdayAtWeekendOpening()
    {
        Assert.Equal(Utc("2026-03-07 10:00"), Office.NextOpening(Utc("2026-03-06 18:00"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void NextOpening_FridayAfterClose_WithWeekendClosed_IsMondayMorning()
    {
        Assert.Equal(Utc("2026-03-09 09:00"), WeekdaysOnly.NextOpening(Utc("2026-03-06 17:30"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void NextOpening_WithWeekendHoursOnly_FromMonday_IsSaturday()
    {
        var weekendOnly = new OpeningHours(null, Window("10:00", "14:00"));

        Assert.Equal(Utc("2026-03-07 10:00"), weekendOnly.NextOpening(Utc("2026-03-02 00:00"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void NextOpening_WhenNeverOpen_IsMaxValue()
    {
        Assert.Equal(DateTimeOffset.MaxValue, new OpeningHours(null, null).NextOpening(Utc("2026-03-02 12:00"), TimeZoneInfo.Utc));
        Assert.False(new OpeningHours(null, null).IsOpen(Utc("2026-03-02 12:00"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void Validate_ForAnyHours_FindsNoProblem()
    {
        Assert.Empty(Office.Validate());
        Assert.Empty(OpeningHours.Always.Validate());
        Assert.Empty(new OpeningHours(Window("22:00", "02:00"), Window("08:00", "08:00")).Validate());
        Assert.Empty(new OpeningHours(null, null).Validate()); // closed all week is a choice, not a mistake
    }

    // --- DST, real zones. Each fact is pinned by Zones_TransitionsAreWhereTheseTestsAssume. ---

    [Fact]
    public void NextOpening_LosAngelesSpringForward_OpeningInTheGap_ShiftsForwardToThreeOClock()
    {
        // America/Los_Angeles, Sunday 2026-03-08: 02:00 PST (-8) jumps to 03:00 PDT (-7) at 10:00Z; 02:30 never happens.
        var hours = new OpeningHours(null, Window("02:30", "06:00"));

        Assert.Equal(Utc("2026-03-08 10:00"), hours.NextOpening(Utc("2026-03-08 08:00"), TestZones.LosAngeles)); // from 00:00 PST
        Assert.False(hours.IsOpen(Utc("2026-03-08 09:59:59"), TestZones.LosAngeles));
        Assert.True(hours.IsOpen(Utc("2026-03-08 12:59"), TestZones.LosAngeles));  // 05:59 PDT
        Assert.False(hours.IsOpen(Utc("2026-03-08 13:00"), TestZones.LosAngeles)); // 06:00 PDT
    }

    [Fact]
    public void NextOpening_LosAngelesFallBack_OpeningInTheOverlap_IsTheFirstOneThirty()
    {
        // America/Los_Angeles, Sunday 2026-11-01: 02:00 PDT (-7) falls back to 01:00 PST (-8) at 09:00Z; 01:00–02:00 runs
        // twice, 01:30 is 08:30Z and again 09:30Z.
        var hours = new OpeningHours(null, Window("01:30", "06:00"));

        Assert.Equal(Utc("2026-11-01 08:30"), hours.NextOpening(Utc("2026-11-01 07:00"), TestZones.LosAngeles));
        Assert.True(hours.IsOpen(Utc("2026-11-01 09:15"), TestZones.LosAngeles));  // 01:15 PST: the clock went back, still open
        Assert.True(hours.IsOpen(Utc("2026-11-01 13:59"), TestZones.LosAngeles));  // 05:59 PST
        Assert.False(hours.IsOpen(Utc("2026-11-01 14:00"), TestZones.LosAngeles)); // 06:00 PST
    }

    [Fact]
    public void IsOpen_LosAngelesFallBack_ClosingInTheOverlap_ClosesTheFirstTimeTheClockReadsIt()
    {
        var hours = new OpeningHours(null, Window("00:00", "01:30"));

        Assert.True(hours.IsOpen(Utc("2026-11-01 08:29"), TestZones.LosAngeles));  // 01:29 PDT
        Assert.False(hours.IsOpen(Utc("2026-11-01 08:30"), TestZones.LosAngeles)); // 01:30 PDT
        Assert.False(hours.IsOpen(Utc("2026-11-01 09:15"), TestZones.LosAngeles)); // 01:15 PST: does not reopen
    }

    [Fact]
    public void NextOpening_AucklandFallBack_OpeningInTheOverlap_IsTheEarlierInstant()
    {
        // Pacific/Auckland, Sunday 2026-04-05: 03:00 NZDT (+13) falls back to 02:00 NZST (+12) at 2026-04-04 14:00Z;
        // 02:30 is 13:30Z and again 14:30Z.
        var hours = new OpeningHours(null, Window("02:30", "05:00"));

        Assert.Equal(Utc("2026-04-04 13:30"), hours.NextOpening(Utc("2026-04-04 12:00"), TestZones.Auckland)); // from 01:00 NZDT
        Assert.True(hours.IsOpen(Utc("2026-04-04 14:15"), TestZones.Auckland)); // 02:15 NZST, second time round
    }

    [Fact]
    public void NextOpening_AucklandSpringForward_OpeningInTheGap_ShiftsForwardToThreeOClock()
    {
        // Pacific/Auckland, Sunday 2026-09-27: 02:00 NZST (+12) jumps to 03:00 NZDT (+13) at 2026-09-26 14:00Z.
        var hours = new OpeningHours(null, Window("02:30", "05:00"));

        Assert.Equal(Utc("2026-09-26 14:00"), hours.NextOpening(Utc("2026-09-26 13:00"), TestZones.Auckland)); // from 01:00 NZST
    }

    [Fact]
    public void Zones_TransitionsAreWhereTheseTestsAssume()
    {
        Assert.True(TestZones.LosAngeles.IsInvalidTime(Local("2026-03-08 02:30")));
        Assert.Equal(TimeSpan.FromHours(-7), TestZones.LosAngeles.GetUtcOffset(Utc("2026-03-08 10:00")));
        Assert.Equal(TimeSpan.FromHours(-8), TestZones.LosAngeles.GetUtcOffset(Utc("2026-03-08 09:59:59")));
        Assert.True(TestZones.LosAngeles.IsAmbiguousTime(Local("2026-11-01 01:30")));
        Assert.Equal(TimeSpan.FromHours(-8), TestZones.LosAngeles.GetUtcOffset(Utc("2026-11-01 09:00")));
        Assert.Equal(TimeSpan.FromHours(-7), TestZones.LosAngeles.GetUtcOffset(Utc("2026-11-01 08:59:59")));
        Assert.True(TestZones.Auckland.IsAmbiguousTime(Local("2026-04-05 02:30")));
        Assert.Equal(TimeSpan.FromHours(12), TestZones.Auckland.GetUtcOffset(Utc("2026-04-04 14:00")));
        Assert.Equal(TimeSpan.FromHours(13), TestZones.Auckland.GetUtcOffset(Utc("2026-04-04 13:59:59")));
        Assert.True(TestZones.Auckland.IsInvalidTime(Local("2026-09-27 02:30")));
        Assert.Equal(TimeSpan.FromHours(13), TestZones.Auckland.GetUtcOffset(Utc("2026-09-26 14:00")));
        Assert.Equal(TimeSpan.FromHours(12), TestZones.Auckland.GetUtcOffset(Utc("2026-09-26 13:59:59")));
        Assert.True(TestZones.Synthetic.IsInvalidTime(Local("2030-03-11 00:00")));
        Assert.False(TestZones.Synthetic.IsInvalidTime(Local("2030-03-11 01:00")));
        Assert.True(TestZones.Synthetic.IsAmbiguousTime(Local("2030-11-04 00:00")));
        Assert.False(TestZones.Synthetic.IsAmbiguousTime(Local("2030-11-04 01:00")));
    }

    // --- DST, the synthetic zone: a gap and an overlap at midnight, the hardest place for a day-based schedule. ---

    [Fact]
    public void NextOpening_SyntheticGap_OpeningAtSkippedMidnight_OpensExactlyAtTheEndOfTheGap()
    {
        // Monday 2030-03-11 00:00 (+02) jumps to 01:00 (+03) at 2030-03-10 22:00Z.
        var hours = new OpeningHours(Window("00:00", "08:00"), null);

        Assert.Equal(Utc("2030-03-10 22:00"), hours.NextOpening(Utc("2030-03-10 12:00"), TestZones.Synthetic));
        Assert.False(hours.IsOpen(Utc("2030-03-10 22:00").AddTicks(-1), TestZones.Synthetic));
        Assert.True(hours.IsOpen(Utc("2030-03-10 22:00"), TestZones.Synthetic));
    }

    [Fact]
    public void NextOpening_SyntheticGap_OpeningInsideTheGap_OpensExactlyAtTheEndOfTheGap()
    {
        var hours = new OpeningHours(Window("00:20:30", "08:00"), null);

        Assert.Equal(Utc("2030-03-10 22:00"), hours.NextOpening(Utc("2030-03-10 12:00"), TestZones.Synthetic));
    }

    [Fact]
    public void IsOpen_SyntheticGap_ClosingInsideTheGap_ClosesAtTheEndOfTheGap()
    {
        var sundayNight = new OpeningHours(null, Window("20:00", "00:30"));

        Assert.True(sundayNight.IsOpen(Utc("2030-03-10 22:00").AddTicks(-1), TestZones.Synthetic)); // 23:59:59.9999999 (+02)
        Assert.False(sundayNight.IsOpen(Utc("2030-03-10 22:00"), TestZones.Synthetic));             // 01:00 (+03)
    }

    [Fact]
    public void IsOpen_SyntheticGap_WindowWhollyInsideTheGap_NeverOpensThatDay()
    {
        var hours = new OpeningHours(Window("00:10", "00:50"), null);

        Assert.Equal(Utc("2030-03-11 21:10"), hours.NextOpening(Utc("2030-03-10 12:00"), TestZones.Synthetic)); // Tuesday 00:10 (+03)
    }

    [Fact]
    public void NextOpening_SyntheticOverlap_OpeningAtRepeatedMidnight_IsTheEarlierInstant()
    {
        // Monday 2030-11-04 01:00 (+03) falls back to 00:00 (+02) at 2030-11-03 22:00Z; 00:00 is 21:00Z and again 22:00Z.
        var hours = new OpeningHours(Window("00:00", "08:00"), null);

        Assert.Equal(Utc("2030-11-03 21:00"), hours.NextOpening(Utc("2030-11-03 12:00"), TestZones.Synthetic));
        Assert.True(hours.IsOpen(Utc("2030-11-03 22:00"), TestZones.Synthetic)); // midnight again: still open
    }

    [Fact]
    public void IsOpen_SyntheticOverlap_SundayWindowClosingInTheRepeatedHour_ClosesTheFirstTime()
    {
        var sundayNight = new OpeningHours(null, Window("20:00", "00:30"));

        Assert.True(sundayNight.IsOpen(Utc("2030-11-03 21:29"), TestZones.Synthetic));  // 00:29 (+03)
        Assert.False(sundayNight.IsOpen(Utc("2030-11-03 21:30"), TestZones.Synthetic)); // 00:30 (+03)
        Assert.False(sundayNight.IsOpen(Utc("2030-11-03 22:15"), TestZones.Synthetic)); // 00:15 (+02): does not reopen
    }

    private static DailyWindow Window(string open, string close) => new(TimeOnly.Parse(open, Culture), TimeOnly.Parse(close, Culture));

    private static DateTimeOffset Utc(string text) =>
        DateTimeOffset.Parse(text, Culture, System.Globalization.DateTimeStyles.AssumeUniversal);

    private static DateTime Local(string text) => DateTime.Parse(text, Culture);

    private static readonly IFormatProvider Culture = System.Globalization.CultureInfo.InvariantCulture;
}

/// <summary>The zones the schedule tests run in.</summary>
internal static class TestZones
{
    public static readonly TimeZoneInfo LosAngeles = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
    public static readonly TimeZoneInfo Auckland = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Auckland");

    /// <summary>
    /// UTC+02:00 with daylight time (+03:00) in 2030 only: a gap on Monday 2030-03-11 00:00→01:00 and an overlap on
    /// Monday 2030-11-04 01:00→00:00, and no other transition. (A truly single-transition zone cannot be built from
    /// adjustment rules: .NET does not report gaps or overlaps at a rule's date boundary.)
    /// </summary>
    public static readonly TimeZoneInfo Synthetic = TimeZoneInfo.CreateCustomTimeZone(
        "Test/MidnightDst", TimeSpan.FromHours(2), "Synthetic midnight DST", "MST2", "MDT2",
        [TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(new DateTime(2030, 1, 1), new DateTime(2030, 12, 31), TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 0), 3, 11),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 1, 0, 0), 11, 4))]);

    public static readonly TimeZoneInfo[] All = [TimeZoneInfo.Utc, LosAngeles, Auckland, Synthetic];
}
