namespace CallbackFunctions.TwilioSimulator.Tests;

public sealed class WebhookTests
{
    [Fact]
    public void Signature_MatchesTwilioDocumentedTestVector()
    {
        const string url = "https://example.com/myapp.php?foo=1&bar=2";
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE",
            ["Caller"] = "+14158675310",
            ["Digits"] = "1234",
            ["From"] = "+14158675310",
            ["To"] = "+18005551212",
        };

        Assert.Equal("L/OH5YylLD5NRKLltdqwSvS0BnU=", TestKit.Sign("12345", url, form));
        Assert.Equal("L/OH5YylLD5NRKLltdqwSvS0BnU=", TwilioSignature.Compute("12345", url, form));
        Assert.True(TwilioSignature.IsValid("12345", url, form, "L/OH5YylLD5NRKLltdqwSvS0BnU="));
        Assert.False(TwilioSignature.IsValid("12346", url, form, "L/OH5YylLD5NRKLltdqwSvS0BnU="));
    }

    [Fact]
    public async Task AnsweredCall_PostsSignedVoiceRequestToUrl()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/voice", "<Response><Say>Hello agent</Say></Response>");
        var url = kit.App.Url("/voice?queue=default&attempt=1");

        var sid = await kit.CreateCallAsync(("Url", url));

        var request = await kit.App.WaitForAsync("/voice");
        Assert.Equal("POST", request.Method);
        Assert.Equal(url, request.Url);
        Assert.Equal(TestKit.Sign(kit.Simulator.Options.AuthToken, request.Url, request.Form), request.Signature);
        Assert.Equal(sid, request["CallSid"]);
        Assert.Equal(kit.AccountSid, request["AccountSid"]);
        Assert.Equal(TestKit.Ours, request["From"]);
        Assert.Equal(TestKit.Agent, request["To"]);
        Assert.Equal(TestKit.Ours, request["Caller"]);
        Assert.Equal(TestKit.Agent, request["Called"]);
        Assert.Equal("in-progress", request["CallStatus"]);
        Assert.Equal("2010-04-01", request["ApiVersion"]);
        Assert.Equal("outbound-api", request["Direction"]);
        Assert.False(string.IsNullOrEmpty(request["CallToken"]));
        Assert.Null(request.Get("ParentCallSid"));
        Assert.Null(request.Get("AnsweredBy"));

        var ended = await kit.WaitForEndAsync(sid);
        Assert.Equal(["Hello agent"], ended.Heard);
        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task GetMethod_PutsParametersInTheSignedQuery()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/voice", "<Response/>");

        await kit.CreateCallAsync(("Url", kit.App.Url("/voice?x=1")), ("Method", "GET"));

        var request = await kit.App.WaitForAsync("/voice");
        Assert.Equal("GET", request.Method);
        Assert.Contains("?x=1&", request.Url, StringComparison.Ordinal);
        Assert.Contains("CallStatus=in-progress", request.Url, StringComparison.Ordinal);
        Assert.Equal(TestKit.Sign(kit.Simulator.Options.AuthToken, request.Url, new Dictionary<string, string>()), request.Signature);
    }

    [Theory]
    [InlineData("Enable", "machine", "machine_start")]
    [InlineData("DetectMessageEnd", "machine", "machine_end_beep")]
    [InlineData("Enable", "answer", "human")]
    public async Task MachineDetection_SendsAnsweredByToUrl(string mode, string answer, string expected)
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/voice", "<Response/>");
        kit.Simulator.SetPerson(TestKit.Agent, new PersonScript(new PersonResponse { Answer = answer == "machine" ? PersonAnswer.Machine : PersonAnswer.Answer }));

        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/voice")), ("MachineDetection", mode));

        var request = await kit.App.WaitForAsync("/voice");
        Assert.Equal(expected, request["AnsweredBy"]);
        Assert.Equal(expected, (await kit.WaitForEndAsync(sid)).AnsweredBy);
    }

    [Fact]
    public async Task StatusCallbacks_OnlySubscribedEvents_WithSequenceNumbers()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/voice", "<Response><Say>Hi</Say></Response>");

        var sid = await kit.CreateCallAsync(
            ("Url", kit.App.Url("/voice")), ("StatusCallback", kit.App.Url("/status")),
            ("StatusCallbackEvent", "initiated"), ("StatusCallbackEvent", "answered"), ("StatusCallbackEvent", "completed"));

        var callbacks = await kit.App.WaitForCountAsync("/status", 3);
        await kit.WaitForEndAsync(sid);
        Assert.Equal(["initiated", "in-progress", "completed"], callbacks.Select(c => c["CallStatus"]));
        Assert.Equal(["0", "1", "2"], callbacks.Select(c => c["SequenceNumber"]));
        Assert.All(callbacks, c =>
        {
            Assert.Equal("call-progress-events", c["CallbackSource"]);
            Assert.Equal(sid, c["CallSid"]);
            Assert.Matches(@"^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$", c["Timestamp"]);
            Assert.Equal(TestKit.Sign(kit.Simulator.Options.AuthToken, c.Url, c.Form), c.Signature);
        });
        Assert.Null(callbacks[1].Get("CallDuration"));
        Assert.NotNull(callbacks[2].Get("CallDuration"));
        Assert.NotNull(callbacks[2].Get("Duration"));
        Assert.DoesNotContain(kit.App.Requests, r => r.Path == "/status" && r["CallStatus"] == "ringing");
    }

    [Fact]
    public async Task StatusCallbacks_DefaultToCompletedOnly()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Agent, new PersonScript(new PersonResponse { Answer = PersonAnswer.Busy }));

        var sid = await kit.CreateCallAsync(("Twiml", "<Response/>"), ("StatusCallback", kit.App.Url("/status")));

        var ended = await kit.WaitForEndAsync(sid);
        var callback = await kit.App.WaitForAsync("/status");
        Assert.Equal("busy", ended.Status);
        Assert.Equal("busy", callback["CallStatus"]);
        Assert.Equal("0", callback["SequenceNumber"]);
        Assert.Equal("0", callback["CallDuration"]);
        Assert.Single(kit.App.To("/status"));
    }

    [Fact]
    public async Task Faults_DuplicateAndShuffleStatusCallbacks()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetFaults(new FaultSettings { DuplicateStatusCallbacks = true, ShuffleStatusCallbacks = true });

        await kit.CreateCallAsync(
            ("Twiml", "<Response/>"), ("StatusCallback", kit.App.Url("/status")),
            ("StatusCallbackEvent", "initiated"), ("StatusCallbackEvent", "ringing"), ("StatusCallbackEvent", "completed"));

        var callbacks = await kit.App.WaitForCountAsync("/status", 6);
        Assert.Equal(["2", "2", "1", "1", "0", "0"], callbacks.Select(c => c["SequenceNumber"]));
    }

    [Fact]
    public async Task NoAnswer_EndsAtTheTimeout()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Agent, new PersonScript(new PersonResponse { RingSeconds = 30 }));

        var sid = await kit.CreateCallAsync(("Twiml", "<Response/>"), ("Timeout", "5"));

        var ended = await kit.WaitForEndAsync(sid);
        Assert.Equal("no-answer", ended.Status);
        Assert.Null(ended.Duration);
        var ringing = ended.Events.Single(e => e.Status == "ringing").At;
        Assert.InRange((ended.EndTime!.Value - ringing).TotalMilliseconds, 200, 2000);
    }

    [Fact]
    public async Task WebhookAnswering500_IsRecordedAsError11217_AndEndsTheCall()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Respond("/voice", _ => Microsoft.AspNetCore.Http.Results.StatusCode(500));

        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/voice")));

        var ended = await kit.WaitForEndAsync(sid);
        Assert.Equal("completed", ended.Status);
        var error = Assert.Single(kit.Simulator.Errors);
        Assert.Equal(11217, error.Code);
        Assert.Equal(sid, error.CallSid);
        Assert.Equal(1, kit.Simulator.Stats.WebhookFailures);
    }

    [Fact]
    public async Task FailedUrl_FallsBackToFallbackUrl_WithErrorCode()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/fallback", "<Response><Say>Sorry</Say></Response>");

        var sid = await kit.CreateCallAsync(("Url", "http://127.0.0.1:1/nothing"), ("FallbackUrl", kit.App.Url("/fallback")));

        var request = await kit.App.WaitForAsync("/fallback");
        Assert.Equal("11205", request["ErrorCode"]);
        Assert.Equal(["Sorry"], (await kit.WaitForEndAsync(sid)).Heard);
        Assert.Equal(11205, Assert.Single(kit.Simulator.Errors).Code);
    }
}
