using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Queues;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.Rules;

/// <summary>seed 001 routing, end to end: each rule kind to a completed callback; back to the agent who missed it; deletions.</summary>
public sealed class RoutingTests : StackTestBase
{
    private const string Alice = "+14155557001";
    private const string Bob = "+14155557002";
    private const string Caller = "+14155557011";

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:00:02", Expiry = TimeSpan.FromMinutes(2) };

    private async Task AgentsAsync()
    {
        Agent(Alice, digits: "1");
        Agent(Bob, digits: "1");
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.2, TalkSeconds = 0.5 });
        await Stack.PutAgentAsync("alice", "Alice", Alice, "support", "ivr");
        await Stack.PutAgentAsync("bob", "Bob", Bob, "support");
    }

    [Fact]
    public async Task ScenarioRule_FromALostIvrCallToACompletedCallback_InItsQueue()
    {
        await AgentsAsync();
        (await Stack.Api.PutAsJsonAsync("/api/rules/scenario", new { intervals = new[] { "00:00:02" }, queue = "ivr" })).EnsureSuccessStatusCode();

        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support",
            SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("CallStatus", "no-answer")));
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(30));

        Assert.Equal("ivr", done.Queue);
        Assert.Single(CallsTo(Alice));   // the only agent of the ivr queue
        Assert.Empty(CallsTo(Bob));
        Assert.Contains(done.Timeline, e => e.Reason.Contains("scenario rule v1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ContactCenterRule_LostAtAnAgent_GoesBackToThatAgent()
    {
        await AgentsAsync();
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support&agent=bob",
            SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("DialCallStatus", "no-answer")));
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(30));

        Assert.Single(CallsTo(Bob));     // Alice has waited longer, but the callback is Bob's
        Assert.Empty(CallsTo(Alice));
        Assert.Contains(done.Timeline, e => e.Reason.Contains("contact-center rule", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeletingTheBoundAgent_TheCallbackDoesNotStart()
    {
        await AgentsAsync();
        (await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", new { intervals = new[] { "00:00:03" } })).EnsureSuccessStatusCode();
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support&agent=bob",
            SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("DialCallStatus", "busy")));

        Assert.Equal(HttpStatusCode.NoContent, (await Stack.Api.DeleteAsync("/api/agents/bob")).StatusCode);
        var ended = await WaitForStatusAsync(Caller, CallbackStatus.Cancelled, TimeSpan.FromSeconds(30));

        Assert.Contains("was deleted", ended.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.Empty(CallsTo(Alice));
        Assert.Empty(CallsTo(Bob));
    }

    [Fact]
    public async Task DeletingAQueue_TakesItOffAgents_AndItsCallbacksDoNotStart()
    {
        await AgentsAsync();
        (await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", new { intervals = new[] { "00:01:00" } })).EnsureSuccessStatusCode();
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support",
            SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));

        var response = await Stack.Api.DeleteAsync("/api/queues/support");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var deleted = await response.Content.ReadFromJsonAsync<QueueDeleted>(TimelinePrinter.Json);

        Assert.Equal((2, 1), (deleted!.AgentsUpdated, deleted.CallbacksCancelled));
        Assert.Equal(CallbackStatus.Cancelled, Assert.Single(await CallbacksAsync(Caller)).Status);
        var queues = await Stack.Api.GetFromJsonAsync<List<QueueView>>("/api/queues", TimelinePrinter.Json);
        Assert.Equal(["ivr"], queues!.Select(q => q.Name));
    }
}
