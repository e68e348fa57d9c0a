using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>The app process dies while a callback waits; a fresh process fires it exactly once.</summary>
public sealed class CrashRecoveryTests : StackTestBase
{
    private const string AgentPhone = "+14155550401";
    private const string Caller = "+14155550411";

    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { StartApp = false, Intervals = "00:00:06,00:00:03", Expiry = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Callback_WhenAppIsKilledWhileItWaits_FiresExactlyOnceInAFreshProcess()
    {
        Agent(AgentPhone, digits: "1");
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });
        var first = await AppProcess.StartAsync(Stack.AppSettings, Stack.AppUrl);
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        await CallInAsync(Caller);
        var waiting = (await CallbacksAsync(Caller)).Single();
        Assert.Equal(CallbackStatus.Queued, waiting.Status);

        await first.KillAsync();
        Assert.Empty(CallsTo(AgentPhone));

        await using var second = await AppProcess.StartAsync(Stack.AppSettings, Stack.AppUrl);
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(40));

        Assert.Single(CallsTo(AgentPhone));
        Assert.Single(CallsTo(Caller));
        Assert.Equal(1, done.Attempt);
    }
}
