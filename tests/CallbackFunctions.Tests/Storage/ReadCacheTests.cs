using CallbackFunctions.Storage;
using Microsoft.Extensions.Time.Testing;

namespace CallbackFunctions.Tests.Storage;

/// <summary>
/// The read-through caches (queue cooldowns, our numbers; the agent directory keeps its snapshot by the same
/// <see cref="CacheGeneration"/>): a change forgotten on this instance is never hidden by a read that was under way.
/// </summary>
public sealed class ReadCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    private ReadCache<string> Cache() => new(TimeSpan.FromSeconds(30), _time, StringComparer.OrdinalIgnoreCase);

    [Fact]
    public async Task AValueRead_IsKeptForItsTime_ThenReadAgain()
    {
        var cache = Cache();
        var reads = 0;
        Task<string> Read(CancellationToken _) => Task.FromResult($"read {++reads}");

        Assert.Equal("read 1", await cache.GetAsync("k", Read, default));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("read 1", await cache.GetAsync("K", Read, default));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("read 2", await cache.GetAsync("k", Read, default));
    }

    [Fact]
    public async Task AForgottenKey_IsReadAgainAtOnce()
    {
        var cache = Cache();
        Assert.Equal("old", await cache.GetAsync("k", _ => Task.FromResult("old"), default));
        cache.Forget("k");
        Assert.Equal("new", await cache.GetAsync("k", _ => Task.FromResult("new"), default));
    }

    [Fact]
    public async Task AReadUnderWayWhenAChangeIsForgotten_AnswersItsCaller_ButIsNotKept()
    {
        var cache = Cache();
        var slow = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var underway = cache.GetAsync("k", _ => slow.Task, default);

        // The value changes and this instance forgets it while the read above is still out.
        cache.Forget("k");
        slow.SetResult("before the change");
        Assert.Equal("before the change", await underway);

        Assert.Equal("after the change", await cache.GetAsync("k", _ => Task.FromResult("after the change"), default));
        // That read, begun after the change, is kept.
        Assert.Equal("after the change", await cache.GetAsync("k", _ => Task.FromResult("never read"), default));
    }

    [Fact]
    public void AGeneration_KeepsOnlyWhatWasReadSinceTheLastAdvance()
    {
        var generation = new CacheGeneration();
        var kept = new List<string>();
        var before = generation.Current;
        generation.KeepIfUnchanged(before, () => kept.Add("unchanged"));
        generation.Advance(() => kept.Add("forgotten"));
        generation.KeepIfUnchanged(before, () => kept.Add("stale"));
        generation.KeepIfUnchanged(generation.Current, () => kept.Add("fresh"));
        Assert.Equal(["unchanged", "forgotten", "fresh"], kept);
    }
}
