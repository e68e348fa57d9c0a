using CallbackFunctions.Domain.Scheduling;
using CallbackFunctions.Domain.Tests.Rules;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CallbackFunctions.Domain.Tests.Scheduling;

/// <summary>Random slots (some booked full), one of the test zones, and an instant near a DST change.</summary>
public sealed record SlotCase(CallSlot[] Slots, Dictionary<SlotInstance, int> Booked, int ZoneIndex, DateTimeOffset Now)
{
    public TimeZoneInfo Zone => TestZones.All[ZoneIndex];

    public override string ToString() =>
        $"{string.Join(", ", Slots.Select(s => $"{s.Time}x{s.Capacity}"))} in {Zone.Id} at {Now:u}; booked {string.Join(", ", Booked.Select(b => $"{b.Key}={b.Value}"))}";
}

public static class SlotArbitraries
{
    private static readonly DateTimeOffset[] Transitions =
    [
        new(2026, 3, 8, 10, 0, 0, TimeSpan.Zero), new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),    // Los Angeles
        new(2026, 4, 4, 14, 0, 0, TimeSpan.Zero), new(2026, 9, 26, 14, 0, 0, TimeSpan.Zero),   // Auckland
        new(2030, 3, 10, 22, 0, 0, TimeSpan.Zero), new(2030, 11, 3, 22, 0, 0, TimeSpan.Zero),  // synthetic
    ];

    // Quarter hours, weighted to the small hours where the transitions are.
    private static readonly Gen<TimeOnly> Time =
        Gen.OneOf(Gen.Choose(0, 95), Gen.Choose(0, 16)).Select(q => TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(15 * q)));

    public static Arbitrary<SlotCase> Cases() =>
        (from times in Gen.ListOf(Time).Select(ts => ts.Distinct().Take(8).ToArray())
         from capacities in Gen.ArrayOf(Gen.Choose(1, 2), times.Length)
         from zone in Gen.Choose(0, TestZones.All.Length - 1)
         from at in Gen.Elements(Transitions)
         from minutes in Gen.Choose(-2 * 24 * 60, 24 * 60)
         from fullDays in Gen.ArrayOf(Gen.Choose(-1, 3), times.Length)
         let now = at.AddMinutes(minutes)
         let today = DateOnly.FromDateTime(LocalTimes.ToLocal(now, TestZones.All[zone]))
         let slots = times.Select((t, i) => new CallSlot(t, capacities[i])).ToArray()
         let booked = slots.Select((s, i) => (s, i)).Where(x => fullDays[x.i] >= 0)
             .ToDictionary(x => new SlotInstance(today.AddDays(fullDays[x.i]), x.s.Start), x => x.s.Capacity)
         select new SlotCase(slots, booked, zone, now)).ToArbitrary();
}

/// <summary>issue 15 §2: whatever the slots, zone and DST, what is offered is in the future, in order, with room, and
/// starts when the queue's clock reads the slot's time.</summary>
public class CallSlotsProperties
{
    [Property(Arbitrary = new[] { typeof(SlotArbitraries) })]
    public void Next_OffersAtMostThree_AllInTheFuture_InOrder(SlotCase c)
    {
        var offered = CallSlots.Next(c.Slots, c.Zone, c.Now, c.Booked);

        Assert.True(offered.Length <= CallSlots.DefaultCount);
        Assert.All(offered, o => Assert.True(o.StartsAt > c.Now));
        Assert.Equal(offered.Select(o => o.StartsAt).Order(), offered.Select(o => o.StartsAt));
    }

    [Property(Arbitrary = new[] { typeof(SlotArbitraries) })]
    public void Next_NeverOffersAFullSlot(SlotCase c)
    {
        Assert.All(CallSlots.Next(c.Slots, c.Zone, c.Now, c.Booked), o => Assert.False(c.Booked.ContainsKey(o.Instance)));
    }

    [Property(Arbitrary = new[] { typeof(SlotArbitraries) })]
    public void Next_EachOfferStartsWhenTheQueuesClockReadsItsTime(SlotCase c)
    {
        Assert.All(CallSlots.Next(c.Slots, c.Zone, c.Now, c.Booked), o => Assert.Equal(o.Local, LocalTimes.ToLocal(o.StartsAt, c.Zone)));
    }
}
