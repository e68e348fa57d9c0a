using System.Diagnostics;
using System.Net;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.Storage;

/// <summary>
/// Storage is down when a caller is lost: Twilio still gets valid TwiML well within its 15 s budget, and the callback
/// is made once storage is back (the webhook waited in the local spool).
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private LocalStack _stack = null!;
    private int _queuePort, _tablePort;

    public async Task InitializeAsync()
    {
        _queuePort = Azurite.FreePort();
        _tablePort = Azurite.FreePort();
        // Storage that will exist later on these ports; nothing listens there yet.
        var connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"QueueEndpoint=http://127.0.0.1:{_queuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{_tablePort}/devstoreaccount1;";
        _stack = await LocalStack.StartAsync(new LocalStackOptions { StorageConnectionString = connection, Prefix = SharedAzurite.UniquePrefix("outage") });
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task MissedCall_WhileStorageIsDown_AnswersTwimlFastAndCreatesTheCallbackWhenStorageReturns()
    {
        const string caller = "+14155550811";
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

        await using var azurite = await Azurite.StartAsync(_queuePort, _tablePort);
        await _stack.Service<CallbackFunctions.Storage.StorageAccount>().EnsureCreatedAsync(default);

        var created = await Eventually.GetAsync(async () =>
        {
            var page = await _stack.Api.GetAsync("/api/callbacks?caller=" + Uri.EscapeDataString(caller));
            return page.IsSuccessStatusCode ? await page.Content.ReadAsStringAsync() : "";
        }, body => body.Contains(call.Sid, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the spooled callback to be created");
        Assert.Contains(nameof(CallbackStatus.Queued), created, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentAnswer_WhileStorageIsDown_AnswersValidTwimlThatHangsUp()
    {
        var response = await SignedWebhooks.PostAsync(_stack, "api/twilio/agent-answer?callbackId=cb-x&offer=1",
            SignedWebhooks.InboundCall("+14155550821", SignedWebhooks.NewCallSid()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var twiml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", twiml.Root!.Name.LocalName);
        Assert.NotNull(twiml.Root.Element("Hangup"));
    }
}
