using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Health;
using CallbackFunctions.Recordings;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Api;

/// <summary>
/// A missed-call or IVR webhook whose URL names no queue, or a queue nobody serves: never a silent dead end. The
/// operator sees it in the log (route and reason) and in <c>/api/health</c>; the caller hears a clean goodbye.
/// </summary>
public sealed class MisroutedWebhookTests : StackTestBase
{
    private readonly LogCapture _logs = new();

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30), LogCapture = _logs };

    private async Task<long> MisroutedAsync() => (await Stack.Api.GetFromJsonAsync<HealthReport>("/api/health"))!.MisroutedWebhooks;

    /// <summary>The warnings (event 3005) that name a webhook's route and what was wrong with it.</summary>
    private List<LogCapture.Entry> Reports() =>
        [.. _logs.Entries.Where(e => e.EventId.Id == 3005 && e.Category == typeof(CallbackFunctions.Twilio.TwilioWebhook).FullName)];

    /// <summary>Ann serves "support"; <paramref name="caller"/> is lost there and gets a callback: its id.</summary>
    private async Task<string> CallbackInSupportAsync(string caller)
    {
        await Stack.PutAgentAsync("ann", "Ann", "+14155550951", "support");
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support",
            SignedWebhooks.InboundCall(caller, SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));
        return (await Eventually.GetAsync(() => CallbacksAsync(caller), l => l.Count == 1, TimeSpan.FromSeconds(10), $"{caller}'s callback"))[0].Id;
    }

    [Theory]
    [InlineData("api/twilio/ivr-callback?queue=support&delayMinutes=-1", "delayMinutes", "cannot arrange a callback")]
    [InlineData("api/twilio/ivr-callback?queue=support&delayMinutes=soon", "delayMinutes", "cannot arrange a callback")]
    [InlineData("api/twilio/ivr-callback?queue=bad/queue", "queue", "cannot arrange a callback")]
    [InlineData("api/twilio/missed-call?queue=bad/queue", "queue", "Goodbye")]
    [InlineData("api/twilio/missed-call?queue=support&lostIn=lobby", "lostIn", "Goodbye")]
    [InlineData("api/twilio/missed-call?queue=support&agent=a%23b", "agent", "Goodbye")]
    public async Task LostCallOrIvrRequest_WithABadUrlParameter_HearsAGoodbye_MakesNoCallback_AndIsReported(string pathAndQuery, string parameter, string heard)
    {
        await Stack.PutAgentAsync("ann", "Ann", "+14155550951", "support");
        var response = await SignedWebhooks.PostAsync(Stack, pathAndQuery,
            SignedWebhooks.InboundCall("+14155550957", SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(heard, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await CallbacksAsync());
        Assert.Equal(1, await MisroutedAsync());
        var report = Assert.Single(Reports());
        Assert.Contains(pathAndQuery[..pathAndQuery.IndexOf('?')], report.Message, StringComparison.Ordinal);
        Assert.Contains(parameter, report.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("5550957", report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServedCall_WithABadQueueInItsUrl_StillCancelsTheCallersCallback()
    {
        await CallbackInSupportAsync("+14155550958");

        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=bad/queue",
            SignedWebhooks.InboundCall("+14155550958", SignedWebhooks.NewCallSid(), ("QueueResult", "bridged")));

        await WaitForStatusAsync("+14155550958", CallbackStatus.Cancelled);
        Assert.Equal(1, await MisroutedAsync());
    }

    [Fact]
    public async Task LegWebhook_NamingNoPossibleCallback_Answers400_AndIsReported()
    {
        var response = await SignedWebhooks.PostAsync(Stack, "api/twilio/agent-status?callbackId=a%2Fb&offer=1",
            new Dictionary<string, string> { ["CallSid"] = SignedWebhooks.NewCallSid(), ["CallStatus"] = "completed" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await MisroutedAsync());
        Assert.Contains("callbackId", Assert.Single(Reports()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RE123", null, null, "RecordingSid")]
    [InlineData(null, "CA-not-a-sid", null, "CallSid")]
    [InlineData(null, null, "javascript:alert(1)", "RecordingUrl")]
    [InlineData(null, null, "https://api.twilio.com/x/", "RecordingUrl")] // made 3,000 characters long below
    public async Task RecordingStatus_WithValuesThatAreNotTwilios_KeepsNothing_AndIsReported(string? recordingSid, string? callSid, string? url, string field)
    {
        var id = await CallbackInSupportAsync("+14155550959");
        Dictionary<string, string> Form(string? rs, string? cs, string? u) => new()
        {
            ["RecordingSid"] = rs ?? "RE" + new string('a', 32), ["CallSid"] = cs ?? SignedWebhooks.NewCallSid(), ["RecordingStatus"] = "completed",
            ["RecordingUrl"] = u ?? "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", ["RecordingDuration"] = "12",
        };
        if (url?.EndsWith('/') == true) url += new string('r', 3000 - url.Length);

        var refused = await SignedWebhooks.PostAsync(Stack, $"api/twilio/recording-status?callbackId={id}&attempt=1", Form(recordingSid, callSid, url));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(field, Assert.Single(Reports()).Message, StringComparison.Ordinal);
        Assert.Empty((await Stack.Api.GetFromJsonAsync<List<CallRecordingView>>($"/api/recordings?callbackId={id}"))!);

        // The same webhook with Twilio's values is kept: the check refuses the values, not the webhook.
        var kept = await SignedWebhooks.PostAsync(Stack, $"api/twilio/recording-status?callbackId={id}&attempt=1", Form(null, null, null));
        Assert.Equal(HttpStatusCode.NoContent, kept.StatusCode);
        Assert.Single((await Stack.Api.GetFromJsonAsync<List<CallRecordingView>>($"/api/recordings?callbackId={id}"))!);
    }

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
        await CallbackInSupportAsync("+14155550954");

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
