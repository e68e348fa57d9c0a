using System.Globalization;

namespace CallbackFunctions.Domain.Scheduling;

/// <summary>
/// A moment as a caller hears it on the phone, on their own wall clock: "2:30 PM today", "3 PM tomorrow",
/// "9 AM on Monday" within the coming week, "9 AM on Monday, March 16" beyond it.
/// </summary>
public static class SpokenTimes
{
    public static string Say(DateTimeOffset instant, TimeZoneInfo zone, DateTimeOffset now)
    {
        var local = LocalTimes.ToLocal(instant, zone);
        var days = DateOnly.FromDateTime(local).DayNumber - DateOnly.FromDateTime(LocalTimes.ToLocal(now, zone)).DayNumber;
        var clock = local.ToString(local.Minute == 0 ? "h tt" : "h:mm tt", CultureInfo.InvariantCulture);
        var day = days switch
        {
            0 => "today",
            1 => "tomorrow",
            > 1 and < 7 => "on " + local.ToString("dddd", CultureInfo.InvariantCulture),
            _ => "on " + local.ToString("dddd, MMMM d", CultureInfo.InvariantCulture),
        };
        return $"{clock} {day}";
    }
}
