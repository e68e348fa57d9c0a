namespace CallbackFunctions.Domain.Rules;

/// <summary>A daily window of local time. <see cref="Close"/> at or before <see cref="Open"/> means it runs past midnight.</summary>
public sealed record DailyWindow(TimeOnly Open, TimeOnly Close)
{
    public bool CrossesMidnight => Close <= Open;
}

/// <summary>
/// seed 001 "Schedule": when automatic callbacks may ring, in the callback's time zone, with separate hours for
/// weekdays (Monday–Friday) and the weekend (Saturday, Sunday). A null window means closed all that day.
/// </summary>
/// <remarks>
/// A window belongs to the day it opens on: Friday's weekday window 22:00–02:00 covers Saturday until 02:00, and
/// <c>Open == Close</c> is open a whole day from <see cref="DailyWindow.Open"/>. On the timeline a window is the span
/// of instants from the first moment the wall clock reads its opening time to the first moment it reads its closing
/// time (see <see cref="ToInstant"/> for the two DST policies), so a window never closes and reopens because a
/// clock went back, and back-to-back windows (as in <see cref="Always"/>) leave no hole.
/// </remarks>
public sealed record OpeningHours(DailyWindow? Weekdays, DailyWindow? Weekend)
{
    public static readonly OpeningHours Always = new(new DailyWindow(TimeOnly.MinValue, TimeOnly.MinValue), new DailyWindow(TimeOnly.MinValue, TimeOnly.MinValue));

    /// <summary>With any window at all, it opens within a week (weekend-only hours seen from a Monday), so 8 days
    /// ahead always finds the next opening, with a day to spare for a DST shift.</summary>
    private const int DaysAhead = 8;

    /// <summary>Whether callbacks may ring at <paramref name="instant"/> (seed 000: calls made outside opening hours
    /// are not part of the dial-back logic).</summary>
    public bool IsOpen(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var today = LocalDate(instant, zone);
        // Yesterday's window may run past midnight into today. Two days back and tomorrow matter only across a clock
        // shift (a skipped day, a fall-back across midnight), and cost nothing to look at.
        return Spans(today.AddDays(-2), today.AddDays(1), zone).Any(span => span.Contains(instant));
    }

    /// <summary><paramref name="from"/> itself when open, else the first instant after it when open; never open
    /// (both windows null) is <see cref="DateTimeOffset.MaxValue"/>.</summary>
    public DateTimeOffset NextOpening(DateTimeOffset from, TimeZoneInfo zone)
    {
        if (IsOpen(from, zone)) return from;
        var today = LocalDate(from, zone);
        var next = DateTimeOffset.MaxValue;
        foreach (var span in Spans(today.AddDays(-2), today.AddDays(DaysAhead), zone))
            if (span.Start > from && span.Start < next)
                next = span.Start;
        return next;
    }

    /// <summary>Closed every day: both windows null. The only hours that never open, since every pair of times is a
    /// window of some length (<c>Open == Close</c> is a whole day).</summary>
    public bool NeverOpen => Weekdays is null && Weekend is null;

    /// <summary>The problems with these hours; empty when they are usable.</summary>
    /// <remarks>Always empty today, honestly: every pair of times is a meaningful window (<c>Close &lt;= Open</c> runs
    /// past midnight, <c>Open == Close</c> is a whole day) and a null window is a closed day; closed all week is a
    /// legitimate choice (no callback ever rings), which <see cref="RuleWarnings"/> tells the operator about instead.
    /// Kept so rules validate their parts alike.</remarks>
    public IReadOnlyList<string> Validate() => [];

    private DailyWindow? WindowOn(DateOnly day) =>
        day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? Weekend : Weekdays;

    /// <summary>The windows opening on each local day from <paramref name="first"/> to <paramref name="last"/>, as
    /// instants. A window that falls wholly inside a spring-forward gap is empty and left out.</summary>
    private IEnumerable<Span> Spans(DateOnly first, DateOnly last, TimeZoneInfo zone)
    {
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (WindowOn(day) is not { } window) continue;
            var closeDay = window.CrossesMidnight ? day.AddDays(1) : day;
            var span = new Span(ToInstant(day.ToDateTime(window.Open), zone), ToInstant(closeDay.ToDateTime(window.Close), zone));
            if (span.Start < span.End) yield return span;
        }
    }

    private static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>
    /// The first instant at which the wall clock in <paramref name="zone"/> reads <paramref name="local"/> or later.
    /// That is two named policies, as NodaTime's lenient resolver has them:
    /// a time skipped by a spring-forward gap is <b>shifted forward</b> to the first instant after the gap, and a time
    /// repeated by a fall-back overlap resolves to the <b>earlier</b> of its two instants.
    /// </summary>
    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        if (zone.IsInvalidTime(local)) return ShiftForward(local, zone);
        if (zone.IsAmbiguousTime(local)) return Earlier(local, zone);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>Policy "earlier": of the two instants the clock reads <paramref name="local"/>, the first. The larger
    /// offset gives the earlier instant.</summary>
    private static DateTimeOffset Earlier(DateTime local, TimeZoneInfo zone) =>
        new(local, zone.GetAmbiguousTimeOffsets(local).Max());

    /// <summary>
    /// Policy "shift forward": the first instant after the gap, which is the instant of the first valid local time
    /// after <paramref name="skipped"/>. <see cref="TimeZoneInfo"/> does not say where a gap ends, so step out of it
    /// a quarter of an hour at a time, then bisect down to the tick.
    /// </summary>
    private static DateTimeOffset ShiftForward(DateTime skipped, TimeZoneInfo zone)
    {
        var inGap = skipped;
        var pastGap = skipped + TimeSpan.FromMinutes(15);
        while (zone.IsInvalidTime(pastGap)) (inGap, pastGap) = (pastGap, pastGap + TimeSpan.FromMinutes(15));
        while ((pastGap - inGap).Ticks > 1)
        {
            var middle = inGap.AddTicks((pastGap - inGap).Ticks / 2);
            if (zone.IsInvalidTime(middle)) inGap = middle; else pastGap = middle;
        }
        return ToInstant(pastGap, zone);
    }

    /// <summary>A window on the timeline: open from <see cref="Start"/>, closed again at <see cref="End"/>.</summary>
    private readonly record struct Span(DateTimeOffset Start, DateTimeOffset End)
    {
        public bool Contains(DateTimeOffset instant) => Start <= instant && instant < End;
    }
}
