using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Hosting;
using CallbackFunctions.LocalRun;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Tests.Storage;

/// <summary>
/// When wake-ups reach the queue and surface: the outbox sends them after the step (inline only when it is full); the
/// standalone poller's lead makes a message surface early, and it still never acts before the due time.
/// </summary>
public sealed class WakeUpTimingTests : StackTestBase
{
    /// <summary>A timer queue of its own (so the app's poller does not take the messages) and its adapters.</summary>
    private async Task<(StorageAccount Storage, TimerQueue Timers)> OwnQueueAsync(HostingOptions hosting)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Stack.StorageConnectionString }).Build();
        var storage = new StorageAccount(config, Options.Create(new StorageOptions { TimerQueue = "timing" + Guid.NewGuid().ToString("N")[..8] }), new StorageOperationCounter());
        await storage.TimerQueue.CreateAsync();
        return (storage, new TimerQueue(storage, TimeProvider.System, Options.Create(hosting)));
    }

    private static async Task<int> CountAsync(StorageAccount storage) => (await storage.TimerQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task Outbox_Full_SendsInline()
    {
        var (storage, timers) = await OwnQueueAsync(new HostingOptions { Standalone = false });
        var outbox = new WakeUpOutbox(timers, TimeProvider.System, NullLogger<WakeUpOutbox>.Instance, capacity: 1); // not started: nothing sends in the background

        await outbox.ScheduleAsync(new WakeUpMessage("cb-first", 1, DateTimeOffset.UtcNow.AddMinutes(5)), default);
        await outbox.ScheduleAsync(new WakeUpMessage("cb-second", 1, DateTimeOffset.UtcNow.AddMinutes(5)), default);

        Assert.Equal(1, outbox.Pending);
        Assert.Equal(1, await CountAsync(storage));
    }

    [Fact]
    public async Task Outbox_WakeUp_IsSentAfterTheStepInTheBackground()
    {
        var (storage, timers) = await OwnQueueAsync(new HostingOptions { Standalone = false });
        var outbox = new WakeUpOutbox(timers, TimeProvider.System, NullLogger<WakeUpOutbox>.Instance);

        await outbox.ScheduleAsync(new WakeUpMessage("cb-later", 1, DateTimeOffset.UtcNow.AddMinutes(5)), default);
        await outbox.ScheduleAsync(new WakeUpMessage("cb-later", 2, DateTimeOffset.UtcNow.AddMinutes(5)), default);

        Assert.Equal(2, outbox.Pending);
        Assert.Equal(0, await CountAsync(storage));
        await outbox.StartAsync(default);
        try
        {
            await Eventually.GetAsync(() => Task.FromResult(outbox.Sent), n => n == 2, TimeSpan.FromSeconds(10), "both wake-ups to be sent");
            Assert.Equal(2, await CountAsync(storage));
            Assert.Equal(0, outbox.Pending);
        }
        finally
        {
            await outbox.StopAsync(default);
        }
    }

    [Fact]
    public async Task Outbox_Stopping_SendsWhatIsLeft()
    {
        var (storage, timers) = await OwnQueueAsync(new HostingOptions { Standalone = false });
        var outbox = new WakeUpOutbox(timers, TimeProvider.System, NullLogger<WakeUpOutbox>.Instance);
        for (var i = 0; i < 3; i++) await outbox.ScheduleAsync(new WakeUpMessage("cb-left" + i, 1, DateTimeOffset.UtcNow.AddMinutes(5)), default);

        await outbox.StopAsync(default);

        Assert.Equal(3, outbox.Sent);
        Assert.Equal(0, outbox.Dropped);
        Assert.Equal(3, await CountAsync(storage));
    }

    [Fact]
    public async Task TimerLead_Standalone_MessageSurfacesTheLeadEarly_NeverMore()
    {
        var lead = TimeSpan.FromSeconds(3);
        var (storage, timers) = await OwnQueueAsync(new HostingOptions { Standalone = true, TimerLead = lead, Lease = TimeSpan.FromSeconds(10) });
        var due = DateTimeOffset.UtcNow.AddSeconds(6);

        await timers.ScheduleAsync(new WakeUpMessage("cb-lead", 1, due), default);

        var message = await Eventually.GetAsync(async () => (await storage.TimerQueue.ReceiveMessagesAsync(1)).Value.FirstOrDefault(), m => m is not null,
            TimeSpan.FromSeconds(10), "the message to become visible");
        var early = due - DateTimeOffset.UtcNow;
        // Whole-second delays, rounded down: the lead early, up to a second more, and never later than the lead.
        Assert.True(early <= lead + TimeSpan.FromSeconds(1.05), $"surfaced {early.TotalSeconds:0.00} s early");
        Assert.True(early >= lead - TimeSpan.FromSeconds(0.5), $"surfaced only {early.TotalSeconds:0.00} s early");
        Assert.Equal("cb-lead", WakeUpMessage.Parse(message!.Body.ToString()).CallbackId);
    }

    [Fact]
    public void TimerLead_IsAtMostHalfTheLease_AndNoneUnderTheFunctionsHost()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), new HostingOptions { Standalone = true, TimerLead = TimeSpan.FromSeconds(8), Lease = TimeSpan.FromSeconds(10) }.EffectiveLead);
        Assert.Equal(TimeSpan.FromSeconds(3), new HostingOptions { Standalone = true, TimerLead = TimeSpan.FromSeconds(3), Lease = TimeSpan.FromSeconds(10) }.EffectiveLead);
        Assert.Equal(TimeSpan.Zero, new HostingOptions { Standalone = false, TimerLead = TimeSpan.FromSeconds(3) }.EffectiveLead);
    }

    [Fact]
    public async Task Poller_HoldsAMessageThatSurfacedEarly_AndActsOnlyWhenDue()
    {
        // The stack's poller runs standalone with a 10 s lease: its lead is 5 s.
        var service = Stack.Service<MissedCallService>();
        var now = DateTimeOffset.UtcNow;
        var callback = await service.CreateAsync(new CallbackRequest("+14155550931", LocalStack.SupportNumber, "support", "CA" + Guid.NewGuid().ToString("N"),
            CallbackOrigin.IvrRequest, "test", TimeSpan.FromSeconds(7), now), default);
        var due = callback!.DueAt;

        // No agent is set up: the wake-up's first doing is "no agent available", stamped when it acted.
        var woken = await Eventually.GetAsync(async () => (await Stack.Service<CallbackRepository>().GetAsync(callback.Id, default))!.Value,
            c => c.Timeline.Length > 1, TimeSpan.FromSeconds(20), "the wake-up to act");

        Assert.True(woken.Timeline[1].At >= due, $"acted {(due - woken.Timeline[1].At).TotalMilliseconds:0} ms before due");
        Assert.True(woken.Timeline[1].At - due < TimeSpan.FromSeconds(2), $"acted {(woken.Timeline[1].At - due).TotalMilliseconds:0} ms after due");
    }
}
