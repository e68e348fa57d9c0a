using System.Net.Http.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Rules;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.Rules;

/// <summary>Issue 4, end to end: a busy line retried on its own (sooner) list; a too-short answer is not reached.</summary>
public sealed class RetryTests : StackTestBase
{
    private const string AgentPhone = "+14155556001";
    private const string Caller = "+14155556011";

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:00:03", Expiry = TimeSpan.FromMinutes(3) };

    [Fact]
    public async Task BusyRetriedOnItsOwnList_TooShortAnswerNotReached_LongEnoughAnswerCompletes()
    {
        var rule = await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", new
        {
            intervals = new[] { "00:00:03", "00:00:04" },
            retries = new Dictionary<string, string[]> { ["busy"] = ["00:00:01"] },
            minimumConnection = "00:00:03",
        });
        Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
        var view = await rule.Content.ReadFromJsonAsync<RuleView>(TimelinePrinter.Json);
        Assert.Equal(["00:00:01"], view!.Retries["busy"]);
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        Agent(AgentPhone, digits: "1,1,1", ring: 0.2, talk: 8);
        Customer(Caller,
            new PersonResponse { Answer = PersonAnswer.Busy, RingSeconds = 0.2 },
            // CallDuration is whole seconds (the simulator rounds up): a 0.5 s answer reads 1 s, or 2 s when a loaded machine
            // stretches it past a second, still short of the 3 s minimum.
            new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.2, TalkSeconds = 0.5 },
            new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.2, TalkSeconds = 5 });

        await CallInAsync(Caller);
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(60));

        Assert.True(done.Attempt == 3, string.Join("\n", done.Timeline.Select(e => $"{e.At:HH:mm:ss.fff} {e.From}->{e.To} {e.Reason}")));
        var busy = done.Timeline.Single(e => e.Reason.Contains("was busy", StringComparison.Ordinal));
        var retried = done.Timeline.First(e => e.At > busy.At && e.To == CallbackStatus.DialingAgent);
        Assert.InRange((retried.At - busy.At).TotalSeconds, 0.5, 2.5);   // its own 1 s, not the 4 s dialing interval
        Assert.Contains(done.Timeline, e => e.Reason.Contains("minimum connection time", StringComparison.Ordinal));
        Assert.Contains("connected for 3 s", done.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(3, CallsTo(Caller).Count);
        Assert.Empty(Stack.Simulator.Errors);
    }
}
