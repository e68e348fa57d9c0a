using System.Collections.Immutable;
using System.Globalization;

namespace CallbackFunctions.Domain.Scheduling;

/// <summary>
/// A queue's call slot (seed 002: "call slots which allow callers to ... choose a convenient time"): a local time of
/// day, repeated on every opening day, that takes up to <see cref="Capacity"/> callbacks.
/// </summary>
public sealed record CallSlot(TimeOnly Start, int Capacity)
{
    public const int MaxCapacity = 1000;

    /// <summary>Reads "HH:mm" (24-hour, two digits each, e.g. "09:00", "14:30"); null when it is not that.</summary>
    public static TimeOnly? ParseTime(string? text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    /// <summary>The slot's time as the settings write it: "14:30".</summary>
    public string Time => Start.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Whether one more callback fits when <paramref name="booked"/> are already booked in this slot instance.
    /// Pure: two callers racing for the last place both see room here; storage settles the race (a conditional write
    /// on the instance's count, ETag), and the loser is told the slot is full.</summary>
    public bool CanBook(int booked) => booked < Capacity;
}

/// <summary>One occurrence of a slot: a local date and time of day in the queue's time zone. Bookings are counted per
/// instance. <see cref="ToString"/> is its stable key, "2026-03-08T14:30".</summary>
public readonly record struct SlotInstance(DateOnly Date, TimeOnly Time)
{
    public override string ToString() => Date.ToDateTime(Time).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Reads the key <see cref="ToString"/> writes ("2026-03-08T14:30"); null when it is not one.</summary>
    public static SlotInstance? Parse(string? key) =>
        DateTime.TryParseExact(key, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new SlotInstance(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local)) : null;
}

/// <summary>A slot instance offered to a caller: when it starts (the callback's due time), its local reading, and the room left.</summary>
public sealed record OfferedSlot(SlotInstance Instance, DateTimeOffset StartsAt, int Room)
{
    public DateTime Local => Instance.Date.ToDateTime(Instance.Time);
}

/// <summary>
/// Which call slots to offer a caller (issue 15 §2): the next few slot instances with room, in the future, in the
/// queue's time zone.
/// </summary>
/// <remarks>
/// DST (<see cref="LocalTimes"/>): a slot whose time a spring-forward gap skips (02:30 in America/New_York on
/// 2026-03-08) is <b>not offered that day</b>: moving it to 03:00 would promise a time nobody set and pile onto a 03:00
/// slot. A slot in a fall-back overlap starts at the <b>first occurrence</b> of its time.
/// </remarks>
public static class CallSlots
{
    public const int DefaultCount = 3;
    /// <summary>How far ahead to look for room: two weeks. Fully booked beyond that, nothing is offered.</summary>
    public const int DaysAhead = 14;
    public const int MaxSlotsPerDay = 96;

    /// <summary>
    /// The next <paramref name="count"/> slot instances that start after <paramref name="now"/> and have room, earliest
    /// first. A full slot is not offered. <paramref name="booked"/> holds the count per instance (absent: none booked);
    /// <paramref name="opensOn"/> says which local dates are opening days (null: every day).
    /// </summary>
    public static ImmutableArray<OfferedSlot> Next(IReadOnlyCollection<CallSlot> slots, TimeZoneInfo zone, DateTimeOffset now,
        IReadOnlyDictionary<SlotInstance, int> booked, int count = DefaultCount, Func<DateOnly, bool>? opensOn = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var offered = ImmutableArray.CreateBuilder<OfferedSlot>(count);
        var today = DateOnly.FromDateTime(LocalTimes.ToLocal(now, zone));
        // Within a day, slots in local time order are in instant order too, except around a fall-back overlap: sort.
        for (var day = today; day <= today.AddDays(DaysAhead) && offered.Count < count; day = day.AddDays(1))
        {
            if (opensOn is not null && !opensOn(day)) continue;
            var ofDay = new List<OfferedSlot>();
            foreach (var slot in slots)
            {
                var instance = new SlotInstance(day, slot.Start);
                if (LocalTimes.ToInstant(day, slot.Start, zone) is not { } startsAt || startsAt <= now) continue;
                var room = slot.Capacity - booked.GetValueOrDefault(instance);
                if (room > 0) ofDay.Add(new OfferedSlot(instance, startsAt, room));
            }
            offered.AddRange(ofDay.OrderBy(o => o.StartsAt).Take(count - offered.Count));
        }
        return offered.ToImmutable();
    }

    /// <summary>The problems with a queue's slot definitions; empty when usable. Bounds: at most
    /// <see cref="MaxSlotsPerDay"/> slots, one per time of day, whole minutes, capacity 1 to <see cref="CallSlot.MaxCapacity"/>.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyCollection<CallSlot> slots)
    {
        var problems = new List<string>();
        if (slots.Count > MaxSlotsPerDay) problems.Add($"at most {MaxSlotsPerDay} slots a day; there are {slots.Count}");
        foreach (var slot in slots)
        {
            if (slot.Start.Second != 0 || slot.Start.Millisecond != 0 || slot.Start.Microsecond != 0)
                problems.Add($"slot {slot.Time}: a slot starts on a whole minute");
            if (slot.Capacity is < 1 or > CallSlot.MaxCapacity)
                problems.Add($"slot {slot.Time}: capacity is {slot.Capacity}; it must be between 1 and {CallSlot.MaxCapacity}");
        }
        foreach (var twice in slots.GroupBy(s => s.Time).Where(g => g.Count() > 1))
            problems.Add($"slot {twice.Key} is defined {twice.Count()} times");
        return problems;
    }
}
