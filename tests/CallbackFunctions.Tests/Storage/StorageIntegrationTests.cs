using System.Net.Http.Json;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Health;
using CallbackFunctions.Hosting;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace CallbackFunctions.Tests.Storage;

/// <summary>The storage adapters against Azurite: optimistic concurrency, timer visibility, the poison path.</summary>
public sealed class StorageIntegrationTests : StackTestBase
{
    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { ExtraSettings = new Dictionary<string, string?> { ["Hosting:MaxDequeueCount"] = "2", ["Hosting:Lease"] = "00:00:01" } };

    private static Callback NewCallback(string id, DateTimeOffset now) => Callback.Create(
        new NewCallback(id, "support", "+14155550611", "+14155550100", CallbackOrigin.MissedCall, "CA" + new string('0', 32), "test"),
        new CallbackPolicy { Intervals = [TimeSpan.FromMinutes(5)] }, now).Callback;

    [Fact]
    public async Task CallbackRepository_WithConcurrentWriters_ExactlyOneWinsEachRoundAndNoUpdateIsLost()
    {
        var repository = Stack.Service<CallbackRepository>();
        var engine = Stack.Service<CallbackFunctions.Callbacks.CallbackEngine>();
        var id = "cb-concurrency-" + Guid.NewGuid().ToString("N")[..6];
        Assert.True(await repository.TryAddAsync(NewCallback(id, DateTimeOffset.UtcNow), default));
        Assert.False(await repository.TryAddAsync(NewCallback(id, DateTimeOffset.UtcNow), default)); // 409 is "exists", not an error

        // A stale ETag loses with 412, returned as null.
        var stored = (await repository.GetAsync(id, default))!;
        Assert.NotNull(await repository.TryReplaceAsync(stored.Value with { Attempt = 1 }, stored.ETag, default));
        Assert.Null(await repository.TryReplaceAsync(stored.Value with { Attempt = 2 }, stored.ETag, default));

        // 8 writers each apply a CallNow through the engine; every one lands (reload and re-decide on 412).
        var before = (await repository.GetAsync(id, default))!.Value.Generation;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => engine.ApplyAsync(id, (c, now) => c.CallNow(now), default)));
        var after = (await repository.GetAsync(id, default))!.Value;
        Assert.Equal(before + 8, after.Generation);
        Assert.Equal(1 + 8, after.Timeline.Length);
    }

    [Fact]
    public async Task AgentDirectory_WithConcurrentOffers_HoldsEachAgentForOneOfferOnly()
    {
        var repository = Stack.Service<AgentRepository>();
        for (var i = 0; i < 3; i++)
            await repository.TryAddAsync(new Agent { Id = $"ag{i}", Name = $"A{i}", Phone = $"+1415555070{i}", Queues = ["support"], Available = true }, default);
        var directory = Stack.Service<CallbackFunctions.Agents.AgentDirectory>();
        directory.Invalidate();

        var held = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => directory.TryHoldFreeAgentAsync("support", [], $"cb{i}/1", default)));

        var agents = held.Where(a => a is not null).Select(a => a!.Id).ToList();
        Assert.Equal(3, agents.Count);
        Assert.Equal(3, agents.Distinct().Count());
        Assert.All(await repository.ListAsync(default), a => Assert.NotNull(a.Value.HeldBy));
    }

    [Fact]
    public async Task HoldRepository_ConcurrentHoldersOfOneKey_ExactlyOneWinsEachRound_AndAHoldIsReentrant()
    {
        var holds = Stack.Service<HoldRepository>();
        var key = "+1415555" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Never held before: the insert-first path.
        var first = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => holds.TryHoldAsync("number", key, $"cb{i}/1", default)));
        Assert.Single(first, won => won);
        var winner = $"cb{Array.IndexOf(first, true)}/1";
        Assert.True(await holds.TryHoldAsync("number", key, winner, default)); // re-entrant for the same offer
        Assert.False(await holds.TryHoldAsync("number", key, "someone-else/1", default));

        // Released: the row exists and is free, so the read-then-If-Match path.
        await holds.ReleaseAsync("number", key, winner, default);
        var second = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => holds.TryHoldAsync("number", key, $"cb{i}/2", default)));
        Assert.Single(second, won => won);

        // A row listed free is taken with its ETag in one request; whoever listed it too, and comes second, loses.
        await holds.ReleaseAsync("number", key, $"cb{Array.IndexOf(second, true)}/2", default);
        var free = (await holds.ListRowsAsync("number", default)).Single(r => r.Key == key);
        Assert.Equal("", free.Holder);
        Assert.True(await holds.TryHoldListedAsync("number", key, free.ETag, "listed/1", default));
        Assert.False(await holds.TryHoldListedAsync("number", key, free.ETag, "stale/1", default));
    }

    [Fact]
    public async Task TimerQueue_MessageScheduledForLater_IsInvisibleUntilItsDueSecond()
    {
        // A timer queue of its own, so the app's poller does not take the message.
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Stack.StorageConnectionString }).Build();
        var storage = new StorageAccount(config, Microsoft.Extensions.Options.Options.Create(
            new CallbackFunctions.Settings.StorageOptions { TimerQueue = "visibility" + Guid.NewGuid().ToString("N")[..8] }), new StorageOperationCounter());
        var queue = storage.TimerQueue;
        await queue.CreateAsync();
        var timers = new TimerQueue(storage, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new HostingOptions { Standalone = false }));
        var due = DateTimeOffset.UtcNow.AddSeconds(3);

        await timers.ScheduleAsync(new WakeUpMessage("cb-x", 1, due), default);

        Assert.Empty((await queue.ReceiveMessagesAsync(1)).Value);
        var message = await Eventually.GetAsync(async () => (await queue.ReceiveMessagesAsync(1)).Value.FirstOrDefault(), m => m is not null,
            TimeSpan.FromSeconds(10), "the message to become visible");
        // Whole-second delays, rounded down: never more than a second early, and not late.
        Assert.True(DateTimeOffset.UtcNow >= due.AddSeconds(-1.05), $"surfaced {(due - DateTimeOffset.UtcNow).TotalSeconds:0.00} s early");
        Assert.Equal("cb-x", WakeUpMessage.Parse(message!.Body.ToString()).CallbackId);
    }

    [Fact]
    public async Task Poller_MessageThatKeepsFailing_GoesToThePoisonQueueAndIsListed()
    {
        var storage = Stack.Service<StorageAccount>();
        await storage.TimerQueue.SendMessageAsync("this is not a wake-up");
        // A wake-up whose handler fails every time: the callback's JSON is unreadable.
        var broken = new Azure.Data.Tables.TableEntity("cb-broken", "callback") { ["StateChunks"] = 1, ["State0"] = "{not json" };
        await storage.Callbacks.AddEntityAsync(broken);
        await storage.TimerQueue.SendMessageAsync(new WakeUpMessage("cb-broken", 1, DateTimeOffset.UtcNow).ToJson());

        var report = await Eventually.GetAsync(() => Stack.Api.GetFromJsonAsync<PoisonReport>("/api/poison-messages")!,
            r => r!.ApproximateCount >= 2, TimeSpan.FromSeconds(30), "both messages in the poison queue");

        Assert.Contains(report!.Messages, m => m.Text.Contains("cb-broken", StringComparison.Ordinal));
        Assert.Contains(report.Messages, m => m.Text == "this is not a wake-up");
        var health = await Stack.Api.GetFromJsonAsync<HealthReport>("/api/health");
        Assert.Equal("Healthy", health!.Status);
        Assert.True(health.PoisonMessages >= 2);
    }
}
