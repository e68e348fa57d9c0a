using System.Diagnostics;
using System.Net;
using System.Text;
using System.Xml.Linq;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Settings;
using CallbackFunctions.Twilio;
using CallbackFunctions.TwilioSimulator;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Simulator = CallbackFunctions.TwilioSimulator.TwilioSimulator;
using VoiceResponse = global::Twilio.TwiML.VoiceResponse;

namespace CallbackFunctions.Tests.Twilio;

/// <summary>
/// Our Twilio edge on the official SDK, against the strict simulator (a fresh one per test, in-process on loopback):
/// what each REST outcome means to the app, the base-URL handler, signature validation and the TwiML we write.
/// </summary>
public sealed class TwilioEdgeTests : IAsyncLifetime
{
    private const string Ours = "+15550001000";
    private const string Agent = "+15550002000";
    private const string Customer = "+15550003000";
    private const string ApiKeySid = "SK0123456789abcdef0123456789abcdef";
    private const string ApiKeySecret = "0123456789abcdef0123456789abcdef";

    // Never fetched: the people are scripted not to answer, or the test does not wait for them to.
    private static readonly Uri Unreachable = new("http://127.0.0.1:1/api/twilio/agent-answer?callbackId=cb-1&offer=1");

    private Simulator _sim = null!;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        var options = new SimulatorOptions { CallsPerSecond = 0, TimeScale = 0.05, ApiKeySid = ApiKeySid, ApiKeySecret = ApiKeySecret };
        options.OwnedNumbers.Add(Ours);
        _sim = await Simulator.StartAsync(options);
        // The agent's phone rings (600 s scaled to 30 s) without being answered: no webhook is ever asked for.
        _sim.SetPerson(Agent, new PersonScript(new PersonResponse { Answer = PersonAnswer.NoAnswer, RingSeconds = 600 }));
    }

    public async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        await _sim.DisposeAsync();
    }

    private TwilioCalls Calls(Action<TwilioOptions>? configure = null, Func<HttpMessageHandler>? primaryHandler = null)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.Configure<TwilioOptions>(o =>
        {
            o.AccountSid = _sim.Options.AccountSid;
            o.AuthToken = _sim.Options.AuthToken;
            o.ApiBaseUrl = _sim.BaseUrl;
            o.RequestTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        });
        services.AddTwilioRest();
        if (primaryHandler is not null) services.AddHttpClient(TwilioRestClientFactory.HttpClientName).ConfigurePrimaryHttpMessageHandler(primaryHandler);
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<TwilioCalls>();
    }

    private static CreateCallRequest AgentCall(string to = Agent, string from = Ours, int timeoutSeconds = 600) =>
        new(to, from, Unreachable, Unreachable, TimeSpan.FromSeconds(timeoutSeconds));

    private IReadOnlyList<SimulatedCall> OutboundCalls => [.. _sim.Calls.Where(c => c.Direction == "outbound-api")];

    // ---- Create Call ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task CreateCall_AcceptedByTwilio_IsCreatedWithTheCallSid()
    {
        var result = await Calls().CreateCallAsync(AgentCall(timeoutSeconds: 20), CancellationToken.None);

        var created = Assert.IsType<CreateCallResult.Created>(result);
        var call = Assert.Single(OutboundCalls);
        Assert.Equal(call.Sid, created.CallSid);
        Assert.StartsWith("CA", created.CallSid, StringComparison.Ordinal);
        Assert.Equal((Agent, Ours), (call.To, call.From));
    }

    [Fact]
    public async Task CreateCall_WithAnApiKey_AuthenticatesWithTheKeyNotTheToken()
    {
        var withKey = Calls(o => { o.AuthToken = "not-the-token"; o.ApiKeySid = ApiKeySid; o.ApiKeySecret = ApiKeySecret; });

        Assert.IsType<CreateCallResult.Created>(await withKey.CreateCallAsync(AgentCall(), CancellationToken.None));
    }

    [Fact]
    public async Task CreateCall_WithWrongCredentials_IsRejectedWithTwiliosCode()
    {
        var result = await Calls(o => o.AuthToken = "not-the-token").CreateCallAsync(AgentCall(), CancellationToken.None);

        Assert.Equal(20003, Assert.IsType<CreateCallResult.Rejected>(result).Code);
        Assert.Empty(OutboundCalls);
    }

    [Fact]
    public async Task CreateCall_Answered429_IsRetriedAndDialsExactlyOnce()
    {
        _sim.SetFaults(new FaultSettings { FailCreates = [new CreateFault { Kind = CreateFaultKind.Status429, Count = 2 }] });

        var result = await Calls().CreateCallAsync(AgentCall(), CancellationToken.None);

        var created = Assert.IsType<CreateCallResult.Created>(result);
        Assert.Equal(3, _sim.Stats.CreateRequests); // two 429s, then the call
        Assert.Equal(created.CallSid, Assert.Single(OutboundCalls).Sid);
    }

    [Fact]
    public async Task CreateCall_Answered500AfterTheCallWasCreated_IsAmbiguousAndNotRetried()
    {
        _sim.SetFaults(new FaultSettings { FailCreates = [new CreateFault { Kind = CreateFaultKind.CreatedThen500 }] });

        var result = await Calls().CreateCallAsync(AgentCall(), CancellationToken.None);

        Assert.Contains("HTTP 500", Assert.IsType<CreateCallResult.Ambiguous>(result).Why, StringComparison.Ordinal);
        Assert.Equal(1, _sim.Stats.CreateRequests);
        Assert.Single(OutboundCalls); // the one Twilio made: only a look-up may find it, never a second create
    }

    [Fact]
    public async Task CreateCall_NotAnsweredWithinTheRequestTimeout_IsAmbiguousAndNotRetried()
    {
        // The simulator creates the call and holds the answer for 30 s; our timeout is 1 s.
        _sim.SetFaults(new FaultSettings { FailCreates = [new CreateFault { Kind = CreateFaultKind.Timeout }] });
        var twilio = Calls(o => o.RequestTimeout = TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        var result = await twilio.CreateCallAsync(AgentCall(), CancellationToken.None);

        Assert.IsType<CreateCallResult.Ambiguous>(result);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal(1, _sim.Stats.CreateRequests);
        Assert.Single(OutboundCalls);
    }

    [Fact]
    public async Task CreateCall_AnErrorPageWithoutTwiliosJson_IsAmbiguousAndNotRetried()
    {
        // A proxy's 502 page: the SDK reports it as an ApiException with Status 0 (DESIGN §1).
        var stub = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html><body>Bad gateway +15550002000</body></html>", Encoding.UTF8, "text/html"),
        });

        var result = await Calls(primaryHandler: () => stub).CreateCallAsync(AgentCall(), CancellationToken.None);

        var why = Assert.IsType<CreateCallResult.Ambiguous>(result).Why;
        Assert.DoesNotContain("+15550002000", why, StringComparison.Ordinal); // the body is not logged
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task CreateCall_FromANumberTwilioRefuses_IsRejectedWithItsCodeAndNumbersMasked()
    {
        var result = await Calls().CreateCallAsync(AgentCall(from: "+15559999999"), CancellationToken.None);

        var rejected = Assert.IsType<CreateCallResult.Rejected>(result);
        Assert.Equal(21210, rejected.Code);
        Assert.Contains("+1555***9999", rejected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("+15559999999", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(1, _sim.Stats.CreateRequests);
        Assert.Empty(OutboundCalls);
    }

    // ---- Fetch and list ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task FetchCall_Known_IsMappedToOurView()
    {
        var twilio = Calls();
        var before = TimeProvider.System.GetUtcNow().AddSeconds(-2);
        var sid = Assert.IsType<CreateCallResult.Created>(await twilio.CreateCallAsync(AgentCall(), CancellationToken.None)).CallSid;

        var call = await twilio.FetchCallAsync(sid, CancellationToken.None);

        Assert.NotNull(call);
        Assert.Equal((sid, Agent, Ours), (call.Sid, call.To, call.From));
        Assert.NotNull(call.CallStatus);
        Assert.False(call.CallStatus.Value.IsTerminal());
        Assert.Equal(TimeSpan.Zero, call.CreatedAt!.Value.Offset);
        Assert.InRange(call.CreatedAt.Value, before, TimeProvider.System.GetUtcNow().AddSeconds(2));
        Assert.Null(call.Duration); // not answered
    }

    [Fact]
    public async Task FetchCall_UnknownSid_IsNull()
    {
        Assert.Null(await Calls().FetchCallAsync("CA" + new string('0', 32), CancellationToken.None));
    }

    [Fact]
    public async Task ListCalls_ReturnsOnlyCallsToAndFromTheGivenNumbers_NewestFirst()
    {
        var twilio = Calls();
        _sim.SetPerson(Customer, new PersonScript(new PersonResponse { Answer = PersonAnswer.NoAnswer, RingSeconds = 600 }));
        var first = await CreateAsync(twilio, AgentCall());
        var second = await CreateAsync(twilio, AgentCall());
        var other = await CreateAsync(twilio, AgentCall(to: Customer));

        var toAgent = await twilio.ListCallsAsync(Agent, Ours, CancellationToken.None);
        var toCustomer = await twilio.ListCallsAsync(Customer, Ours, CancellationToken.None);

        Assert.Equal([second, first], toAgent.Select(c => c.Sid));
        Assert.Equal([other], toCustomer.Select(c => c.Sid));
        Assert.Empty(await twilio.ListCallsAsync(Agent, Customer, CancellationToken.None));
    }

    [Fact]
    public async Task ListCalls_FindsACallStillQueued()
    {
        // What a reconciliation looks for: a call Twilio accepted but has not dialled yet has no start time.
        _sim.Options.CallsPerSecond = 0.01;
        var twilio = Calls();
        await CreateAsync(twilio, AgentCall());
        var queued = await CreateAsync(twilio, AgentCall());
        Assert.Equal(TwilioCallStatus.Queued, (await twilio.FetchCallAsync(queued, CancellationToken.None))!.CallStatus);

        var calls = await twilio.ListCallsAsync(Agent, Ours, CancellationToken.None);

        Assert.Contains(queued, calls.Select(c => c.Sid));
    }

    [Fact]
    public async Task ListChildCalls_ReturnsOnlyTheLegsThatCallDialled()
    {
        var twilio = Calls();
        _sim.SetPerson(Customer, new PersonScript(new PersonResponse { Answer = PersonAnswer.NoAnswer, RingSeconds = 600 }));
        await CreateAsync(twilio, AgentCall()); // an unrelated call
        var inbound = await _sim.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = "+15550004000", To = Ours, Twiml = $"<Response><Dial timeout=\"600\">{Customer}</Dial></Response>",
        });
        var child = await _sim.WaitForCallAsync(c => c.ParentCallSid == inbound.Sid, TimeSpan.FromSeconds(10));

        var children = await twilio.ListChildCallsAsync(inbound.Sid, CancellationToken.None);

        Assert.Equal([child.Sid], children.Select(c => c.Sid));
        Assert.Equal(Customer, children[0].To);
    }

    // ---- Hang up and recordings -------------------------------------------------------------------------------------

    [Fact]
    public async Task HangUp_EndsARingingCall_AndACallAlreadyOverIsFine()
    {
        var twilio = Calls();
        var sid = await CreateAsync(twilio, AgentCall());
        await _sim.WaitForCallAsync(c => c.Sid == sid && c.Status == "ringing", TimeSpan.FromSeconds(10));

        await twilio.HangUpAsync(sid, CancellationToken.None);

        Assert.True((await twilio.FetchCallAsync(sid, CancellationToken.None))!.CallStatus!.Value.IsTerminal());
        await twilio.HangUpAsync(sid, CancellationToken.None); // Twilio answers 21220 now
        await twilio.HangUpAsync("CA" + new string('0', 32), CancellationToken.None); // and 404 here
    }

    [Fact]
    public async Task HangUp_RefusedForAnotherReason_Throws()
    {
        var twilio = Calls(o => o.AuthToken = "not-the-token");

        var e = await Assert.ThrowsAsync<TwilioRequestException>(() => twilio.HangUpAsync("CA" + new string('0', 32), CancellationToken.None));

        Assert.Equal((401, 20003), (e.Status, e.Code));
    }

    [Fact]
    public async Task DeleteRecording_DeletesIt_AndOneAlreadyGoneIsFalse()
    {
        _sim.SetPerson(Customer, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.2, TalkSeconds = 0.2 }));
        await _sim.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = "+15550004000", To = Ours, Twiml = $"<Response><Dial record=\"record-from-answer\">{Customer}</Dial></Response>",
        });
        var recording = await Support.Eventually.GetAsync(() => Task.FromResult(_sim.Recordings.FirstOrDefault()), r => r is not null,
            TimeSpan.FromSeconds(10), "a recording");
        var twilio = Calls();

        Assert.True(await twilio.DeleteRecordingAsync(recording!.Sid, CancellationToken.None));
        Assert.True(Assert.Single(_sim.Recordings).Deleted);
        Assert.False(await twilio.DeleteRecordingAsync(recording.Sid, CancellationToken.None));
    }

    private static async Task<string> CreateAsync(TwilioCalls twilio, CreateCallRequest request) =>
        Assert.IsType<CreateCallResult.Created>(await twilio.CreateCallAsync(request, CancellationToken.None)).CallSid;

    // ---- The SDK's requests, moved to Twilio:ApiBaseUrl ---------------------------------------------------------------

    [Fact]
    public async Task BaseUrlHandler_MovesSchemeHostAndPort_KeepingPathAndQuery()
    {
        var inner = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));
        var options = new TwilioOptions { ApiBaseUrl = new Uri("http://127.0.0.1:4567") };
        using var http = new HttpMessageInvoker(new TwilioApiBaseUrlHandler(new FixedOptions(options)) { InnerHandler = inner });
        const string PathAndQuery = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls.json?To=%2B15550002000&StartTime%3E=2026-11-29&PageSize=50";

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://api.twilio.com" + PathAndQuery), CancellationToken.None);

        var sent = Assert.Single(inner.Requests);
        Assert.Equal("http://127.0.0.1:4567" + PathAndQuery, sent.AbsoluteUri);
    }

    // ---- Webhook signatures (RequestValidator) ------------------------------------------------------------------------

    private static readonly Dictionary<string, string> VectorForm = new()
    {
        ["CallSid"] = "CA1234567890ABCDE", ["Caller"] = "+14158675310", ["Digits"] = "1234", ["From"] = "+14158675310", ["To"] = "+18005551212",
    };

    /// <summary>A request as the app sees it behind the host: on loopback, whatever public URL Twilio called.</summary>
    private static HttpRequest Webhook(string pathAndQuery, IDictionary<string, string> form, string? signature)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Scheme = "http";
        request.Host = new HostString("127.0.0.1", 7071);
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
        if (signature is not null) request.Headers["X-Twilio-Signature"] = signature;
        request.Form = new FormCollection(form.ToDictionary(f => f.Key, f => new StringValues(f.Value)));
        return request;
    }

    private static bool Validate(string token, HttpRequest request) =>
        TwilioSignatures.IsValid(new TwilioOptions { AuthToken = token, WebhookBaseUrl = new Uri("https://example.com") }, request, request.Form);

    [Fact]
    public void Signature_TwiliosPublishedVector_IsAccepted()
    {
        // TWILIO.md §6 test vector, checked against the configured public URL, not the loopback one the app sees.
        Assert.True(Validate("12345", Webhook("/myapp.php?foo=1&bar=2", VectorForm, "L/OH5YylLD5NRKLltdqwSvS0BnU=")));
    }

    [Fact]
    public void Signature_ComputedAsTwilioDoes_IsAccepted()
    {
        const string Token = "f00dfeedf00dfeedf00dfeedf00dfeed";
        var signature = TwilioSignature.Compute(Token, "https://example.com/api/twilio/agent-status?callbackId=cb-1&offer=2", VectorForm);

        Assert.True(Validate(Token, Webhook("/api/twilio/agent-status?callbackId=cb-1&offer=2", VectorForm, signature)));
    }

    [Fact]
    public void Signature_ForgedOrMismatched_IsRefused()
    {
        const string Token = "f00dfeedf00dfeedf00dfeedf00dfeed";
        const string PathAndQuery = "/api/twilio/agent-status?callbackId=cb-1&offer=2";
        var tampered = new Dictionary<string, string>(VectorForm) { ["To"] = "+18005551213" };

        // Signed with another key.
        Assert.False(Validate(Token, Webhook(PathAndQuery, VectorForm, TwilioSignature.Compute("not-the-token", "https://example.com" + PathAndQuery, VectorForm))));
        // A parameter changed after signing.
        Assert.False(Validate(Token, Webhook(PathAndQuery, tampered, TwilioSignature.Compute(Token, "https://example.com" + PathAndQuery, VectorForm))));
        // Another query (offer 3) than the one signed.
        Assert.False(Validate(Token, Webhook("/api/twilio/agent-status?callbackId=cb-1&offer=3", VectorForm, TwilioSignature.Compute(Token, "https://example.com" + PathAndQuery, VectorForm))));
        // Signed over the loopback URL instead of the public one.
        Assert.False(Validate(Token, Webhook(PathAndQuery, VectorForm, TwilioSignature.Compute(Token, "http://127.0.0.1:7071" + PathAndQuery, VectorForm))));
        // No signature; no token configured (anyone could sign with the empty key).
        Assert.False(Validate(Token, Webhook(PathAndQuery, VectorForm, null)));
        Assert.False(Validate("", Webhook(PathAndQuery, VectorForm, TwilioSignature.Compute("", "https://example.com" + PathAndQuery, VectorForm))));
    }

    // ---- TwiML -------------------------------------------------------------------------------------------------------

    [Fact]
    public void Twiml_WhisperAndDial_IsWellFormedWithTwiliosNames()
    {
        var action = new Uri("https://x.example/api/twilio/dial-result?callbackId=cb-1&attempt=2");
        var xml = new VoiceResponse()
            .Append(VoiceTwiml.GatherDigit(new Uri("https://x.example/api/twilio/agent-answer?callbackId=cb-1&offer=3"), 8).Say("Press 1 & connect"))
            .Append(VoiceTwiml.DialNumber("+14155550111", "+14155550100", 3, action, action))
            .Hangup().ToString();
        var doc = XDocument.Parse(xml);

        Assert.Equal("Response", doc.Root!.Name.LocalName);
        var gather = doc.Root.Element("Gather")!;
        Assert.Equal(("dtmf", "1", "8", "POST"), (gather.Attribute("input")!.Value, gather.Attribute("numDigits")!.Value, gather.Attribute("timeout")!.Value, gather.Attribute("method")!.Value));
        Assert.Equal("Press 1 & connect", gather.Element("Say")!.Value);
        var dial = doc.Root.Element("Dial")!;
        Assert.Equal("5", dial.Attribute("timeout")!.Value); // Twilio's minimum for <Dial timeout>
        Assert.Equal("+14155550100", dial.Attribute("callerId")!.Value);
        Assert.Equal(action.AbsoluteUri, dial.Attribute("action")!.Value);
        Assert.Equal("answered completed", dial.Element("Number")!.Attribute("statusCallbackEvent")!.Value);
        Assert.Equal("+14155550111", dial.Element("Number")!.Value);
        Assert.Equal(["Gather", "Dial", "Hangup"], doc.Root.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public async Task Twiml_AsAResult_IsXmlOfTheResponse()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();

        await new VoiceResponse().Say("Goodbye.").Hangup().ToResult().ExecuteAsync(context);

        Assert.StartsWith("application/xml", context.Response.ContentType, StringComparison.Ordinal);
        context.Response.Body.Position = 0;
        var doc = XDocument.Load(context.Response.Body);
        Assert.Equal(["Say", "Hangup"], doc.Root!.Elements().Select(e => e.Name.LocalName));
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add(request.RequestUri!);
            return Task.FromResult(answer(request));
        }
    }

    private sealed class FixedOptions(TwilioOptions value) : IOptionsMonitor<TwilioOptions>
    {
        public TwilioOptions CurrentValue => value;
        public TwilioOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<TwilioOptions, string?> listener) => null;
    }
}

public sealed class InboundOutcomeTests
{
    [Theory]
    [InlineData("hangup", null, null, InboundOutcome.Lost)]
    [InlineData("queue-full", null, null, InboundOutcome.Lost)]
    [InlineData("bridged", null, null, InboundOutcome.Served)]
    [InlineData("redirected", null, null, InboundOutcome.Neither)]
    [InlineData(null, "no-answer", null, InboundOutcome.Lost)]
    [InlineData(null, "completed", null, InboundOutcome.Served)]
    [InlineData(null, null, "busy", InboundOutcome.Lost)]
    [InlineData(null, null, "completed", InboundOutcome.Neither)]
    [InlineData("surprise", null, null, InboundOutcome.Neither)]
    public void InboundOutcome_FromTwiliosParameters_IsReadAsDocumented(string? queueResult, string? dialCallStatus, string? callStatus, InboundOutcome expected)
    {
        Assert.Equal(expected, InboundOutcomeReader.Read(queueResult, dialCallStatus, callStatus).Outcome);
    }

    [Fact]
    public void InboundOutcome_WithAnUnknownValue_ReportsIt()
    {
        Assert.Equal("QueueResult=surprise", InboundOutcomeReader.Read("surprise", null, null).Unknown);
    }
}
