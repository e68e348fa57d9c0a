using CallbackFunctions.Domain.Scheduling;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Storage;

/// <summary>issue 15 §2: places in a call slot instance on Azurite, several app instances booking at once.</summary>
public sealed class SlotBookingStorageTests : StackTestBase
{
    private static readonly SlotInstance Slot = new(new DateOnly(2026, 3, 9), new TimeOnly(14, 30));

    /// <summary>As many repositories as app instances: none shares a cached ETag with another.</summary>
    private SlotBookingRepository Instance() => new(Stack.Service<StorageAccount>());

    [Theory]
    [InlineData(1, 8)]
    [InlineData(3, 12)]
    public async Task ConcurrentBookings_OfOneSlotInstance_TakeExactlyItsCapacity(int capacity, int callers)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, callers)
            .Select(i => Task.Run(() => Instance().BookAsync("Support", Slot, capacity, $"CA{i:D32}", default))));

        Assert.Equal(capacity, results.Count(r => r == SlotBooking.Booked));
        Assert.Equal(callers - capacity, results.Count(r => r == SlotBooking.Full));
        var holders = (await Instance().ReadAsync("support", Slot, default))!.Value;
        Assert.Equal(capacity, holders.Count);
        Assert.Equal(capacity, (await Instance().CountsAsync("SUPPORT", Slot.Date, 1, default))[Slot]);
    }

    [Fact]
    public async Task ARepeatedBooking_ForTheSameCallSid_TakesNoSecondPlace_EvenRacing()
    {
        var again = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Instance().BookAsync("support", Slot, 2, "CA-one", default))));

        Assert.Single(again, r => r == SlotBooking.Booked);
        Assert.All(again.Where(r => r != SlotBooking.Booked), r => Assert.Equal(SlotBooking.AlreadyHeld, r));
        Assert.Equal(["CA-one"], (await Instance().ReadAsync("support", Slot, default))!.Value);
        // The second place is still there for someone else, and then the slot is full.
        Assert.Equal(SlotBooking.Booked, await Instance().BookAsync("support", Slot, 2, "CA-two", default));
        Assert.Equal(SlotBooking.Full, await Instance().BookAsync("support", Slot, 2, "CA-three", default));
        Assert.Equal(SlotBooking.AlreadyHeld, await Instance().BookAsync("support", Slot, 2, "CA-one", default));
    }

    [Fact]
    public async Task APlaceGivenBack_IsFreeForTheNextCaller_AndCountsAreKeptPerInstanceAndQueue()
    {
        var later = Slot with { Time = new TimeOnly(15, 0) };
        Assert.Equal(SlotBooking.Booked, await Instance().BookAsync("support", Slot, 1, "CA-one", default));
        Assert.Equal(SlotBooking.Booked, await Instance().BookAsync("support", later, 1, "CA-one", default));
        Assert.Equal(SlotBooking.Booked, await Instance().BookAsync("sales", Slot, 1, "CA-two", default));

        await Instance().ReleaseAsync("support", Slot, "CA-one", default);
        await Instance().ReleaseAsync("support", Slot, "CA-one", default); // repeated: nothing more

        Assert.Equal(SlotBooking.Booked, await Instance().BookAsync("support", Slot, 1, "CA-three", default));
        var counts = await Instance().CountsAsync("support", Slot.Date, 0, default);
        Assert.Equal(new Dictionary<SlotInstance, int> { [Slot] = 1, [later] = 1 }, counts);
        Assert.Empty(await Instance().CountsAsync("support", Slot.Date.AddDays(1), 3, default));
    }
}
