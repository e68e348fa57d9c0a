using System.Net.Http.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.EndToEnd;

public sealed class AgentChoiceTests : StackTestBase
{
    private const string First = "+14155550201";
    private const string Second = "+14155550202";
    private const string Caller = "+14155550211";

    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { Intervals = "00:00:01,00:00:02", Expiry = TimeSpan.FromSeconds(40), NoAgentRetry = TimeSpan.FromMinutes(2) }; // only a freed agent can wake a waiting callback quickly

    [Fact]
    public async Task Offer_WhenFirstAgentDoesNotAnswer_FallsOverToNextAgentInSameAttempt()
    {
        await Stack.PutAgentAsync("a-first", "First", First, "support");
        await Stack.PutAgentAsync("b-second", "Second", Second, "support");
        // "a-first" has waited longest (created first), so is offered first; they do not answer.
        Agent(First, answer: PersonAnswer.NoAnswer, ring: 30);
        Agent(Second, digits: "1");
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });

        await CallInAsync(Caller);
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(40));

        Assert.Equal(1, done.Attempt); // the agent's no-answer did not use up a customer attempt
        Assert.Single(CallsTo(First));
        Assert.Single(CallsTo(Second));
        Assert.Contains(done.Timeline, e => e.Reason.Contains("First did not answer", StringComparison.Ordinal));
        Assert.Contains(done.Timeline, e => e.Reason.Contains("offered to agent Second", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Offer_WhenAgentPasses_GoesToNextAgent()
    {
        await Stack.PutAgentAsync("a-first", "First", First, "support");
        await Stack.PutAgentAsync("b-second", "Second", Second, "support");
        Agent(First, digits: "2");
        Agent(Second, digits: "1");
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });

        await CallInAsync(Caller);
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(40));

        Assert.Contains(done.Timeline, e => e.Reason.Contains("First passed", StringComparison.Ordinal));
        Assert.Equal("2", Stack.Simulator.Calls.Single(c => c.To == First).DigitsPressed);
        Assert.Contains(Stack.Simulator.Calls.Single(c => c.To == First).Heard, h => h.Contains("Press 1 to connect", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Callback_WhenNoAgentAvailable_WaitsAndIsOfferedWhenOneBecomesAvailable()
    {
        await Stack.PutAgentAsync("a-first", "First", First, "support");
        (await Stack.Api.PutAsJsonAsync("/api/agents/a-first/availability", new { available = false })).EnsureSuccessStatusCode();
        Agent(First, digits: "1");
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });

        await CallInAsync(Caller);
        await Eventually.GetAsync(async () => (await CallbacksAsync(Caller)).SingleOrDefault(), c => c?.WaitingForAgent == true,
            TimeSpan.FromSeconds(20), "the callback to wait for an agent");
        Assert.Empty(CallsTo(First));

        (await Stack.Api.PutAsJsonAsync("/api/agents/a-first/availability", new { available = true })).EnsureSuccessStatusCode();
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(30));

        Assert.Contains(done.Timeline, e => e.Reason.StartsWith("no agent available", StringComparison.Ordinal));
        Assert.Single(CallsTo(First));
    }
}
