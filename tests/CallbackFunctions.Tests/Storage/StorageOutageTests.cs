using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.Storage;

/// <summary>
/// Storage stops answering while a caller is lost (its processes frozen with SIGSTOP, as a network partition looks to
/// the app): Twilio still gets valid TwiML well within its 15 s budget, and the callback is made once storage answers
/// again (the webhook waited in the local spool).
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private Azurite _azurite = null!;
    private LocalStack _stack = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        // Due in a minute, expiring in five: the spooled callback is still Queued when it is made, however long the
        // outage and the replay took on a loaded machine (with the 25 s default it could be made already expired).
        _stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            StorageConnectionString = _azurite.ConnectionString,
            Prefix = SharedAzurite.UniquePrefix("outage"),
            Intervals = "00:01:00",
            Expiry = TimeSpan.FromMinutes(5),
        });
    }

    public async Task DisposeAsync()
    {
        Signal("CONT");
        await _stack.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private void Signal(string signal)
    {
        foreach (var pid in _azurite.ProcessIds)
        {
            using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
            kill!.WaitForExit();
        }
    }

    [Fact]
    public async Task MissedCall_WhileStorageIsDown_AnswersTwimlFastAndCreatesTheCallbackWhenStorageReturns()
    {
        const string caller = "+14155550811";
        Signal("STOP");
        var clock = Stopwatch.StartNew();
        var call = await _stack.Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = caller,
            To = LocalStack.SupportNumber,
            Twiml = $"<Response><Enqueue action=\"{_stack.AppUrl}api/twilio/missed-call?queue=support\">support</Enqueue></Response>",
            QueueOutcome = QueueOutcome.QueueFull,
            WaitSeconds = 0.1,
        });
        var ended = await _stack.Simulator.WaitForCallAsync(c => c.Sid == call.Sid && c.EndTime is not null, TimeSpan.FromSeconds(20));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the webhook took {clock.Elapsed}");
        Assert.Empty(_stack.Simulator.Errors);                 // valid TwiML, answered in time
        Assert.Contains(ended.Heard, h => h.Contains("call you back", StringComparison.Ordinal));
        var health = await _stack.Api.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);

        Signal("CONT");

        var created = await Eventually.GetAsync(async () =>
        {
            var page = await _stack.Api.GetAsync("/api/callbacks?caller=" + Uri.EscapeDataString(caller));
            return page.IsSuccessStatusCode ? await page.Content.ReadAsStringAsync() : "";
        }, body => body.Contains(call.Sid, StringComparison.Ordinal), TimeSpan.FromSeconds(40), "the spooled callback to be created");
        Assert.Contains(nameof(CallbackStatus.Queued), created, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagementRoute_WhileStorageStalls_Answers503WithRetryAfter_AndAtOnceOnceItIsKnownAway()
    {
        Signal("STOP");
        var first = await _stack.Api.GetAsync("/api/callbacks");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.NotNull(first.Headers.RetryAfter);
        var body = await first.Content.ReadAsStringAsync();
        Assert.True(body.Contains("did not answer in time", StringComparison.Ordinal), body);

        // Known away: the next request does not wait out the timeouts and retries again (about 9 s the first time).
        var clock = Stopwatch.StartNew();
        var second = await _stack.Api.GetAsync("/api/agents");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the second request took {clock.Elapsed}");

        Signal("CONT");
        await Eventually.GetAsync(async () => (await _stack.Api.GetAsync("/api/agents")).StatusCode, s => s == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20), "the management routes to answer again");
    }

    [Fact]
    public async Task MissedCall_WhileStorageIsDown_ThatTheRulesRefuse_IsListedWithWhyWhenStorageReturns()
    {
        (await _stack.Api.PutAsJsonAsync("/api/rules/contact-center", new { enabled = false, intervals = new[] { "00:01:00" } })).EnsureSuccessStatusCode();
        var callSid = SignedWebhooks.NewCallSid();
        Signal("STOP");
        var response = await SignedWebhooks.PostAsync(_stack, "api/twilio/missed-call?queue=support",
            SignedWebhooks.InboundCall("+14155550812", callSid, ("QueueResult", "hangup")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // spooled: the rules are read once storage is back

        Signal("CONT");

        // The spool's replay decides, and notes why (nobody waits for an answer then).
        var listed = await Eventually.GetAsync(async () =>
        {
            var page = await _stack.Api.GetAsync("/api/no-callbacks");
            return page.IsSuccessStatusCode ? (await page.Content.ReadFromJsonAsync<CallbackFunctions.MissedCalls.NoCallbackList>(TimelinePrinter.Json))!.Items : [];
        }, items => items.Any(n => n.CallSid == callSid), TimeSpan.FromSeconds(40), "the replayed lost call's note");
        Assert.Equal("rule-disabled", Assert.Single(listed).Code);
    }

    [Fact]
    public async Task AgentAnswer_WhileStorageIsDown_AnswersValidTwimlThatHangsUp()
    {
        Signal("STOP");
        var clock = Stopwatch.StartNew();
        var response = await SignedWebhooks.PostAsync(_stack, "api/twilio/agent-answer?callbackId=cb-x&offer=1",
            SignedWebhooks.InboundCall("+14155550821", SignedWebhooks.NewCallSid()));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the webhook took {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var twiml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", twiml.Root!.Name.LocalName);
        Assert.NotNull(twiml.Root.Element("Hangup"));
    }
}
