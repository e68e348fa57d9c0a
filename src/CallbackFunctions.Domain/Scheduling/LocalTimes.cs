namespace CallbackFunctions.Domain.Scheduling;

/// <summary>
/// Reading a wall-clock time in a queue's time zone as an instant, with the DST policies a person who names a time
/// expects (STYLE: named policies, never by accident):
/// <list type="bullet">
/// <item><b>gap → none</b>: a time skipped by a spring-forward gap (02:30 in America/New_York on 2026-03-08) never
/// happens, so it has no instant. Callers decide what that means: a call slot is not offered that day, an agent's
/// <c>at</c> is refused with the reason. Shifting it to 03:00 would ring at a time nobody named.</item>
/// <item><b>overlap → earlier</b>: a time repeated by a fall-back overlap (01:30 in America/New_York on 2026-11-01)
/// is its first occurrence, the one a person reading the clock meets first.</item>
/// </list>
/// </summary>
/// <remarks>The same "earlier" policy as <see cref="Rules.OpeningHours"/>; its gap policy differs on purpose: an
/// opening window still opens after a gap (shift forward), a named moment that never happens is not invented.</remarks>
public static class LocalTimes
{
    /// <summary>The instant the wall clock in <paramref name="zone"/> first reads <paramref name="local"/>, or null when
    /// it never does (a spring-forward gap). The <see cref="DateTime.Kind"/> of <paramref name="local"/> is ignored.</summary>
    public static DateTimeOffset? ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) return null;
        // Of the two offsets of an ambiguous time, the larger gives the earlier instant.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary><see cref="ToInstant(DateTime, TimeZoneInfo)"/> for a local date and time of day.</summary>
    public static DateTimeOffset? ToInstant(DateOnly date, TimeOnly time, TimeZoneInfo zone) => ToInstant(date.ToDateTime(time), zone);

    /// <summary>The wall-clock date and time in <paramref name="zone"/> at <paramref name="instant"/>.</summary>
    public static DateTime ToLocal(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);
}
