using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.Health;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Api;

/// <summary>
/// A missed-call or IVR webhook whose URL names no queue, or a queue nobody serves: never a silent dead end. The
/// operator sees it in the log (route and reason) and in <c>/api/health</c>; the caller hears a clean goodbye.
/// </summary>
public sealed class MisroutedWebhookTests : StackTestBase
{
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    private async Task<long> MisroutedAsync() => (await Stack.Api.GetFromJsonAsync<HealthReport>("/api/health"))!.MisroutedWebhooks;

    [Fact]
    public async Task MissedCallOrIvrRequest_WithoutAQueue_MakesNoCallback_AndIsCountedAndLogged()
    {
        await Stack.PutAgentAsync("ann", "Ann", "+14155550951", "support");
        var lost = await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call",
            SignedWebhooks.InboundCall("+14155550952", SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));
        var ivr = await SignedWebhooks.PostAsync(Stack, "api/twilio/ivr-callback?delayMinutes=0",
            SignedWebhooks.InboundCall("+14155550953", SignedWebhooks.NewCallSid()));

        Assert.Equal(HttpStatusCode.OK, lost.StatusCode);
        Assert.Contains("Goodbye", await lost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("cannot arrange a callback", await ivr.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await CallbacksAsync());
        Assert.Equal(2, await MisroutedAsync());
    }

    [Fact]
    public async Task MissedCall_InAQueueNobodyServes_MakesItsCallback_AndIsCounted()
    {
        await Stack.PutAgentAsync("ann", "Ann", "+14155550951", "support");
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support",
            SignedWebhooks.InboundCall("+14155550954", SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));
        await Eventually.GetAsync(async () => (await CallbacksAsync("+14155550954")).Count, n => n == 1, TimeSpan.FromSeconds(10), "the served queue's callback");

        var nobody = await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=suport",
            SignedWebhooks.InboundCall("+14155550955", SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));

        Assert.Equal(HttpStatusCode.OK, nobody.StatusCode);
        Assert.Equal("suport", Assert.Single(await CallbacksAsync("+14155550955")).Queue);
        // Checked after Twilio has its answer, so the count may come a moment later.
        Assert.Equal(1, await Eventually.GetAsync(MisroutedAsync, n => n >= 1, TimeSpan.FromSeconds(10), "the unserved queue to be counted"));
    }
}

/// <summary>With <c>Callbacks__DefaultQueue</c> set, a webhook URL without <c>?queue=</c> makes its callback in that queue.</summary>
public sealed class DefaultQueueTests : StackTestBase
{
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with
    {
        Intervals = "00:05:00",
        Expiry = TimeSpan.FromMinutes(30),
        ExtraSettings = new Dictionary<string, string?> { ["Callbacks:DefaultQueue"] = "support" },
    };

    [Fact]
    public async Task MissedCall_WithoutAQueue_GoesToTheDefaultQueue()
    {
        await Stack.PutAgentAsync("ann", "Ann", "+14155550951", "support");
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call",
            SignedWebhooks.InboundCall("+14155550956", SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));

        Assert.Equal("support", Assert.Single(await CallbacksAsync("+14155550956")).Queue);
        Assert.Equal(0, (await Stack.Api.GetFromJsonAsync<HealthReport>("/api/health"))!.MisroutedWebhooks);
    }
}
