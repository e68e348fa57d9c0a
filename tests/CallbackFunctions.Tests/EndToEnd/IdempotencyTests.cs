using System.Net;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>Twilio webhooks repeat and arrive out of order; Create Call can fail ambiguously. None of it dials twice.</summary>
public sealed class IdempotencyTests : StackTestBase
{
    private const string AgentPhone = "+14155550301";
    private const string Caller = "+14155550311";

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:00:01,00:00:02,00:00:02", Expiry = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task StatusCallbacks_WhenDuplicatedAndReordered_NeverDialTwice()
    {
        Stack.Simulator.SetFaults(new FaultSettings { DuplicateStatusCallbacks = true, ShuffleStatusCallbacks = true });
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        Agent(AgentPhone, digits: "1");
        // Busy first: the attempt fails and retries, so the agent status callbacks of attempt 1 arrive twice, late,
        // while attempt 2 is already under way.
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Busy, RingSeconds = 0.3 },
            new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });

        await CallInAsync(Caller);
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(40));

        Assert.Equal(2, done.Attempt);
        Assert.Equal(2, CallsTo(AgentPhone).Count);   // one agent call per attempt
        Assert.Equal(2, CallsTo(Caller).Count);       // one customer leg per attempt
        // And nothing more happens afterwards: give late duplicates time to land, then count again.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(2, CallsTo(AgentPhone).Count);
        Assert.Equal(CallbackStatus.Completed, (await DetailAsync(done.Id)).Status);
    }

    [Fact]
    public async Task MissedCallWebhook_WhenRepeated_MakesOneCallback()
    {
        await CallInAsync(Caller);
        var inbound = Stack.Simulator.Calls.Single(c => c.Direction == "inbound" && c.From == Caller);
        // Twilio repeats the Enqueue action of the same call (same CallSid): the same callback, not a second one.
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = inbound.Sid, ["AccountSid"] = inbound.AccountSid, ["From"] = Caller, ["To"] = LocalStack.SupportNumber,
            ["CallStatus"] = "in-progress", ["ApiVersion"] = "2010-04-01", ["Direction"] = "inbound", ["QueueResult"] = "hangup",
        };
        var response = await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var callbacks = await CallbacksAsync(Caller);
        Assert.Single(callbacks);
        Assert.Equal(inbound.Sid, callbacks[0].OriginalCallSid);
    }

    [Fact]
    public async Task CreateCall_WhenTwilioCreatesButAnswers500_FindsTheCallAndDoesNotDialAgain()
    {
        Stack.Simulator.SetFaults(new FaultSettings { FailCreates = [new CreateFault { Kind = CreateFaultKind.CreatedThen500 }] });
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        Agent(AgentPhone, digits: "1", ring: 4); // still ringing when we look it up
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });

        await CallInAsync(Caller);
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(40));

        Assert.Single(CallsTo(AgentPhone));
        Assert.Equal(1, done.Attempt);
    }

    [Fact]
    public async Task CreateCall_WhenTwilioAnswers429_RetriesWithBackoffAndDialsOnce()
    {
        Stack.Simulator.SetFaults(new FaultSettings { FailCreates = [new CreateFault { Kind = CreateFaultKind.Status429, Count = 2 }] });
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        Agent(AgentPhone, digits: "1");
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });

        await CallInAsync(Caller);
        await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(40));

        Assert.Single(CallsTo(AgentPhone));
    }

    [Fact]
    public async Task Webhook_WithForgedSignature_Gets403AndChangesNothing()
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA" + new string('1', 32), ["From"] = Caller, ["To"] = LocalStack.SupportNumber, ["QueueResult"] = "hangup",
        };
        using var forged = new HttpRequestMessage(HttpMethod.Post, "api/twilio/missed-call?queue=support") { Content = new FormUrlEncodedContent(form) };
        forged.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute("not-the-token", Stack.AppUrl + "api/twilio/missed-call?queue=support", form));
        var response = await Stack.Api.SendAsync(forged);
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "api/twilio/missed-call?queue=support") { Content = new FormUrlEncodedContent(form) };
        var response2 = await Stack.Api.SendAsync(unsigned);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, response2.StatusCode);
        Assert.Empty(await CallbacksAsync(Caller));
    }
}
