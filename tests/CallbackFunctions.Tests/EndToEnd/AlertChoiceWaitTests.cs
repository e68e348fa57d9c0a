using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.CallbackAlert;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// A console choice answers with what the callback's orchestration took (issue 16 §3): when the orchestration is behind
/// (here: suspended), the answer says so (202) instead of foretelling, and the choice is taken once it catches up.
/// </summary>
public sealed class AlertChoiceWaitTests : StackTestBase
{
    private const string AgentPhone = "+14155550501";
    private const string Customer1 = "+14155550511";

    // The agent's phone rings past the console's wait for the orchestration (10 s): the offer is still theirs after it.
    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { Intervals = "00:00:01,00:00:02", Expiry = TimeSpan.FromMinutes(5), AgentRingTimeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task AnAcceptTheOrchestrationCannotTakeYet_Answers202_AndIsTakenOnceItCatchesUp()
    {
        (await Stack.Api.PutAsJsonAsync("/api/agents/slow", new { name = "Slow", phone = AgentPhone, queues = new[] { "support" } })).EnsureSuccessStatusCode();
        Agent(AgentPhone, digits: "", ring: 16, talk: 0.5);
        Customer(Customer1, Answers());

        await CallInAsync(Customer1);
        var alert = await Eventually.GetAsync(async () =>
        {
            var response = await Stack.Api.GetAsync("/api/agents/slow/alert");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<CallbackAlertView>(TimelinePrinter.Json) : null;
        }, a => a is not null, TimeSpan.FromSeconds(20), "the alert");

        var durable = Stack.Service<DurableTaskClient>();
        await durable.SuspendInstanceAsync(alert!.CallbackId, "the test: its orchestration falls behind");
        var answer = await Stack.Api.PostAsJsonAsync("/api/agents/slow/alert/accept", new { offer = alert.Offer });
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var body = (await answer.Content.ReadFromJsonAsync<AlertChoiceResult>(TimelinePrinter.Json))!;
        Assert.Equal(CallbackStatus.DialingAgent, body.Status);
        Assert.StartsWith("passed on, not taken yet", body.Note, StringComparison.Ordinal);
        Assert.Empty(CallsTo(Customer1));

        await durable.ResumeInstanceAsync(alert.CallbackId, "the test: caught up");
        var done = await WaitForStatusAsync(Customer1, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Contains(done.Timeline, e => e.Reason.StartsWith("agent Slow accepted", StringComparison.Ordinal));
        Assert.Single(CallsTo(Customer1));
        Assert.Equal("", Assert.Single(CallsTo(AgentPhone)).DigitsPressed);
    }
}
