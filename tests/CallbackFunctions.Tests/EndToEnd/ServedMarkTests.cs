using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Tests.Support;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// A served call cancels the caller's callbacks with an event; when that event cannot reach an orchestration (it had
/// not started yet), the mark the served call leaves still stops the callback before it dials anyone.
/// </summary>
public sealed class ServedMarkTests : StackTestBase
{
    private const string AgentPhone = "+14155550711";
    private const string Caller = "+14155550712";

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:00:02" };

    [Fact]
    public async Task ServedMark_WithoutItsEvent_CancelsTheCallbackAtItsOffer_AndNobodyIsCalled()
    {
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        Agent(AgentPhone);
        await CallInAsync(Caller);

        // The served call's mark, as if its cancellation event had been lost.
        await Stack.Service<LiveCallbackIndex>().MarkServedAsync(Caller, DateTimeOffset.UtcNow, nameof(CancelReason.Served), default);

        var cancelled = await WaitForStatusAsync(Caller, CallbackStatus.Cancelled, TimeSpan.FromSeconds(20));
        Assert.Contains("served", cancelled.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.Empty(CallsTo(AgentPhone));
    }

    [Fact]
    public async Task AServedCall_BetweenStoringAndStarting_CancelsTheCallbackAsItStarts()
    {
        // A webhook answers Twilio once the callback is stored and starts it after; the caller is served in between,
        // when the callback has no orchestration: the served call finds it (the caller's live slot is taken before the
        // callback is stored) but its cancel event has no instance to reach. Due in 10 minutes: only its start can
        // cancel it within this test.
        var service = Stack.Service<MissedCallService>();
        var client = Stack.Service<DurableTaskClient>();
        var recorded = await service.RecordAsync(new CallbackRequest(Caller, LocalStack.SupportNumber, "support", "CA" + Guid.NewGuid().ToString("N"),
            CallbackOrigin.IvrRequest, "callback requested in the IVR for 10 minutes later", TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow), default);
        Assert.Equal(1, await service.CancelForCallerAsync(Caller, CancelReason.Served, client, default));

        await service.StartAsync(recorded.ToStart!, client, default);

        var cancelled = await WaitForStatusAsync(Caller, CallbackStatus.Cancelled, TimeSpan.FromSeconds(20));
        Assert.Contains("served", cancelled.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallbackMadeAfterTheServedCall_IsNotCancelledByIt()
    {
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        Agent(AgentPhone);
        Customer(Caller, new TwilioSimulator.PersonResponse { Answer = TwilioSimulator.PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });
        await Stack.Service<LiveCallbackIndex>().MarkServedAsync(Caller, DateTimeOffset.UtcNow.AddSeconds(-5), nameof(CancelReason.Served), default);

        await CallInAsync(Caller);

        await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Single(CallsTo(AgentPhone));
    }
}
