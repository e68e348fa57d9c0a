using System.Collections.Immutable;
using System.Globalization;

namespace CallbackFunctions.Domain.Scheduling;

/// <summary>An agent's <c>in</c>: days, hours and minutes from now (seed 002: "a number of days, hours and minutes from
/// the current time").</summary>
/// <param name="Days">Whole days (24 hours each) from now: 0 to 90.</param>
/// <param name="Hours">Whole hours from now: 0 to 2160 (90 days).</param>
/// <param name="Minutes">Whole minutes from now: 0 to 129600 (90 days). At least one of the three is above 0; in all at most 90 days.</param>
public sealed record RelativeTime(int Days = 0, int Hours = 0, int Minutes = 0)
{
    /// <summary>Elapsed time: a day is 24 hours, so across a DST change the wall clock reads an hour off.</summary>
    public TimeSpan Duration => TimeSpan.FromDays(Days) + TimeSpan.FromHours(Hours) + TimeSpan.FromMinutes(Minutes);
}

/// <summary>An agent's <c>at</c> or <c>in</c> read as a due instant, or refused with every reason at once.</summary>
public abstract record ScheduledTime
{
    /// <summary>The callback is due at <see cref="DueAt"/>.</summary>
    public sealed record Accepted(DateTimeOffset DueAt) : ScheduledTime;

    /// <summary>No due time; each problem is a sentence for the agent.</summary>
    public sealed record Refused(ImmutableArray<string> Problems) : ScheduledTime;

    /// <summary>The furthest ahead a callback can be scheduled: 90 days.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(90);

    /// <summary>
    /// <c>in</c>: <paramref name="now"/> plus the days, hours and minutes. Each is 0 or more and at least one above 0;
    /// each, and their sum, at most <see cref="MaxAhead"/> (so "minutes": 90 is fine, "days": 91 is not).
    /// </summary>
    public static ScheduledTime In(RelativeTime delay, DateTimeOffset now)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        Bound("days", delay.Days, (int)MaxAhead.TotalDays);
        Bound("hours", delay.Hours, (int)MaxAhead.TotalHours);
        Bound("minutes", delay.Minutes, (int)MaxAhead.TotalMinutes);
        if (problems.Count > 0) return new Refused(problems.ToImmutable());
        if (delay.Duration == TimeSpan.Zero) return new Refused(["in: at least one of days, hours and minutes must be above 0"]);
        if (delay.Duration > MaxAhead) return new Refused([$"in: {Say(delay.Duration)} is too far ahead; at most {MaxAhead.TotalDays:0} days"]);
        return new Accepted(now + delay.Duration);

        void Bound(string name, int value, int max)
        {
            if (value < 0 || value > max) problems.Add($"in.{name} is {value}; it must be between 0 and {max}");
        }
    }

    /// <summary>
    /// <c>at</c>: an ISO 8601 instant with an offset ("2026-03-02T14:30:00-05:00", "...Z"), or a local date-time
    /// without one ("2026-03-02T14:30", seconds optional) read in the queue's <paramref name="zone"/> with the
    /// <see cref="LocalTimes"/> policies: a time skipped by spring-forward is refused (it never happens), a repeated
    /// time is its first occurrence. Refused when not after <paramref name="now"/> or more than <see cref="MaxAhead"/> ahead.
    /// </summary>
    public static ScheduledTime At(string? at, TimeZoneInfo zone, DateTimeOffset now)
    {
        DateTimeOffset instant;
        if (TryParseLocal(at, out var local))
        {
            if (LocalTimes.ToInstant(local, zone) is not { } resolved)
                return new Refused([$"at: {local:yyyy-MM-dd HH:mm} does not exist in {zone.Id}: the clocks go forward over it that day"]);
            instant = resolved;
        }
        else if (!TryParseInstant(at, out instant))
            return new Refused([$"at: '{at}' is neither an ISO 8601 instant with an offset nor a local date and time (yyyy-MM-ddTHH:mm)"]);

        if (instant <= now) return new Refused([$"at: {instant:u} is in the past"]);
        if (instant - now > MaxAhead) return new Refused([$"at: {instant:u} is too far ahead; at most {MaxAhead.TotalDays:0} days"]);
        return new Accepted(instant);
    }

    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];
    private static readonly string[] OffsetFormats = [.. LocalFormats.Select(f => f + "zzz")];
    private static readonly string[] UtcFormats = [.. LocalFormats.Select(f => f + "'Z'")];

    private static bool TryParseLocal(string? text, out DateTime local) =>
        DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out local);

    private static bool TryParseInstant(string? text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParseExact(text, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant)
        || DateTimeOffset.TryParseExact(text, UtcFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);

    private static string Say(TimeSpan span) => $"{(int)span.TotalDays} days {span.Hours} h {span.Minutes} min";
}
