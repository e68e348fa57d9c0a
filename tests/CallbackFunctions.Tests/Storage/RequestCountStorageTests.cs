using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Storage;

/// <summary>issue 15 §6: the per-number daily cap on Azurite, several app instances counting at once.</summary>
public sealed class RequestCountStorageTests : StackTestBase
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private RequestCountRepository Instance() => new(Stack.Service<StorageAccount>());

    [Fact]
    public async Task RequestsAtOnce_AreAdmittedUpToTheCapExactly()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => Task.Run(() => Instance().TryCountAsync("+14155550501", $"CA{i:D32}", 4, Noon, default))));

        Assert.Equal(4, results.Count(r => r.Admitted));
        Assert.All(results.Where(r => !r.Admitted), r => Assert.Equal(4, r.Count));
    }

    [Fact]
    public async Task ARepeatedRequest_IsCountedOnce_AndEachDayAndNumberHasItsOwnCount()
    {
        var repeats = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => Instance().TryCountAsync("+14155550502", "CA-one", 2, Noon, default))));
        Assert.All(repeats, r => Assert.Equal((true, 1), r));

        Assert.Equal((true, 2), await Instance().TryCountAsync("+14155550502", "CA-two", 2, Noon, default));
        Assert.Equal((false, 2), await Instance().TryCountAsync("+14155550502", "CA-three", 2, Noon, default));
        Assert.Equal((true, 1), await Instance().TryCountAsync("+14155550502", "CA-three", 2, Noon.AddDays(1), default));
        Assert.Equal((true, 1), await Instance().TryCountAsync("+14155550503", "CA-three", 2, Noon, default));
    }
}
