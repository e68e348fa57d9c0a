using System.Net.Http.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Health;
using CallbackFunctions.LocalRun;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Spool;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.Api;

/// <summary>
/// More missed-call webhooks at once than storage work is admitted for (here none at all: Spool:MaxInFlight = 0):
/// each is answered at once from the local spool and replayed shortly, in order for each caller, and nothing is lost.
/// </summary>
public sealed class WebhookOverloadTests : StackTestBase
{
    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { ExtraSettings = new Dictionary<string, string?> { ["Spool:MaxInFlight"] = "0", ["Spool:RetryEvery"] = "00:00:00.500" } };

    [Fact]
    public async Task MissedCall_BeyondTheAdmittedLoad_IsAnsweredFromTheSpoolAndItsCallbackMadeOnReplay()
    {
        const string caller = "+14155550941";

        var call = await CallInAsync(caller, QueueOutcome.QueueFull);

        Assert.Contains(call.Heard, h => h.Contains("call you back", StringComparison.Ordinal));
        Assert.Empty(Stack.Simulator.Errors);
        Assert.Equal(1, Stack.Service<WebhookSpool>().Shed);
        var callback = await WaitForStatusAsync(caller, CallbackStatus.Queued);
        Assert.Equal("support", callback.Queue);
        await Eventually.GetAsync(() => Task.FromResult(Stack.Service<WebhookSpool>().Count), n => n == 0, TimeSpan.FromSeconds(10), "the spool to be empty");
        var health = await Stack.Api.GetFromJsonAsync<HealthReport>("/api/health");
        Assert.Equal(1, health!.ShedWebhooks);
        Assert.Equal(0, health.SpooledWebhooks);
    }

    [Fact]
    public async Task SpooledMissedCallThenServedCall_ReplayInTheirOrder_TheCallbackEndsCancelled()
    {
        const string caller = "+14155550942";
        // Both land in the spool before the first replay (which runs every 0.5 s here) could take the first alone.
        var spool = Stack.Service<WebhookSpool>();
        await spool.SaveAsync(new SpooledWebhook(new CallbackRequest(caller, LocalStack.SupportNumber, "support", "CA" + Guid.NewGuid().ToString("N"),
            CallbackOrigin.MissedCall, "hung up in the queue", null, DateTimeOffset.UtcNow), null), default);
        await spool.SaveAsync(new SpooledWebhook(null, caller), default);
        for (var i = 0; i < 20; i++)
            await spool.SaveAsync(new SpooledWebhook(new CallbackRequest($"+1415555{1000 + i}", LocalStack.SupportNumber, "support", "CA" + Guid.NewGuid().ToString("N"),
                CallbackOrigin.MissedCall, "hung up in the queue", null, DateTimeOffset.UtcNow), null), default);

        var cancelled = await WaitForStatusAsync(caller, CallbackStatus.Cancelled);

        Assert.Contains(cancelled.Timeline, e => e.Reason.Contains("served", StringComparison.OrdinalIgnoreCase));
        await Eventually.GetAsync(() => Task.FromResult(spool.Count), n => n == 0, TimeSpan.FromSeconds(15), "the spool to be empty");
        Assert.Equal(21, (await CallbacksAsync()).Count);
    }

    [Fact]
    public async Task StatusCallbackEvent_ThatCannotBeTold_IsSpooled_AndToldOnReplay()
    {
        const string caller = "+14155550943";
        await CallInAsync(caller);
        var queued = await WaitForStatusAsync(caller, CallbackStatus.Queued);
        var spool = Stack.Service<WebhookSpool>();
        await Eventually.GetAsync(() => Task.FromResult(spool.Count), n => n == 0, TimeSpan.FromSeconds(10), "the missed call to be replayed");
        spool.Remember(Stack.Service<Microsoft.DurableTask.Client.DurableTaskClient>());
        // Durable's storage unreachable as the status callback tells its event (Twilio will not send it again).
        var unreachable = new Moq.Mock<Microsoft.DurableTask.Client.DurableTaskClient>("unreachable");
        unreachable.Setup(c => c.RaiseEventAsync(Moq.It.IsAny<string>(), Moq.It.IsAny<string>(), Moq.It.IsAny<object?>(), Moq.It.IsAny<CancellationToken>()))
            .Returns(Task.FromException(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "storage unreachable"))));

        await Stack.Service<CallbackFunctions.Callbacks.CallbackRuns>().SendOrSpoolAsync(unreachable.Object, queued.Id, new CancelRequested(CancelReason.Operator));

        var cancelled = await WaitForStatusAsync(caller, CallbackStatus.Cancelled);
        Assert.Equal(queued.Id, cancelled.Id);
        Assert.Contains(cancelled.Timeline, e => e.Reason.Contains("operator", StringComparison.OrdinalIgnoreCase));
        await Eventually.GetAsync(() => Task.FromResult(spool.Count), n => n == 0, TimeSpan.FromSeconds(10), "the spool to be empty");
    }
}
