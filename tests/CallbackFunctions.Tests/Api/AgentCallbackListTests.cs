using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.Agents;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Api;

/// <summary>
/// <c>GET /api/agents/{id}/callbacks</c>: the queued callbacks an agent may take: their own (bound to them) and those of
/// their queues bound to no agent; not another agent's, not another queue's.
/// </summary>
public sealed class AgentCallbackListTests : StackTestBase
{
    private const string BoundToBob = "+14155557111";
    private const string Anyone = "+14155557112";
    private const string OtherQueue = "+14155557113";

    // Due in five minutes: the callbacks stay queued while the test looks.
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    [Fact]
    public async Task AnAgentsList_HasTheirOwnAndTheirQueuesUnbound_OnlyQueued_SoonestFirst()
    {
        await Stack.PutAgentAsync("alice", "Alice", "+14155557101", "support");
        await Stack.PutAgentAsync("bob", "Bob", "+14155557102", "support");
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support&agent=bob",
            SignedWebhooks.InboundCall(BoundToBob, SignedWebhooks.NewCallSid(), ("DialCallStatus", "no-answer")));
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support",
            SignedWebhooks.InboundCall(Anyone, SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=sales",
            SignedWebhooks.InboundCall(OtherQueue, SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));
        await Eventually.GetAsync(async () => (await CallbacksAsync()).Count, n => n == 3, TimeSpan.FromSeconds(20), "three callbacks");

        var alice = (await Stack.Api.GetFromJsonAsync<AgentCallbackList>("/api/agents/alice/callbacks", TimelinePrinter.Json))!;
        var bob = (await Stack.Api.GetFromJsonAsync<AgentCallbackList>("/api/agents/bob/callbacks", TimelinePrinter.Json))!;

        Assert.Equal([Anyone], alice.Items.Select(c => c.Caller));
        Assert.Equal([BoundToBob, Anyone], bob.Items.Select(c => c.Caller));
        Assert.Equal("bob", bob.Items[0].BoundAgent);
        Assert.Null(bob.Items[1].BoundAgent);

        // Cancelled: no longer one to take.
        (await Stack.Api.DeleteAsync($"/api/callbacks/{alice.Items[0].Id}")).EnsureSuccessStatusCode();
        Assert.Empty((await Stack.Api.GetFromJsonAsync<AgentCallbackList>("/api/agents/alice/callbacks", TimelinePrinter.Json))!.Items);
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.Api.GetAsync("/api/agents/carol/callbacks")).StatusCode);
    }
}
