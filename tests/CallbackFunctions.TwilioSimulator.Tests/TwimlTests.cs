namespace CallbackFunctions.TwilioSimulator.Tests;

public sealed class TwimlTests
{
    [Fact]
    public async Task Gather_WithDigits_PostsDigitsToTheRelativeAction()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Agent, PersonScript.Answers(digits: "1"));
        kit.App.Twiml("/ivr/menu", """
            <?xml version="1.0" encoding="UTF-8"?>
            <Response>
              <Gather numDigits="1" action="choice?step=2" timeout="3">
                <Say voice="woman" language="en-US">Press 1 to accept</Say>
              </Gather>
              <Say>Nothing pressed</Say>
            </Response>
            """.Trim());
        kit.App.Twiml("/ivr/choice", "<Response><Say>Accepted</Say><Hangup/></Response>");

        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/ivr/menu")));

        var action = await kit.App.WaitForAsync("/ivr/choice");
        Assert.Equal("1", action["Digits"]);
        Assert.Equal(kit.App.Url("/ivr/choice?step=2"), action.Url);
        Assert.Equal(TestKit.Sign(kit.Simulator.Options.AuthToken, action.Url, action.Form), action.Signature);
        var ended = await kit.WaitForEndAsync(sid);
        Assert.Equal(["Press 1 to accept", "Accepted"], ended.Heard);
        Assert.Equal("1", ended.DigitsPressed);
        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task Gather_WithoutDigits_ContinuesWithTheNextVerb()
    {
        await using var kit = await TestKit.StartAsync();

        var sid = await kit.CreateCallAsync(("Twiml", $"""<Response><Gather action="{kit.App.Url("/never")}" timeout="1"><Say>Press</Say></Gather><Say>Bye</Say></Response>"""));

        var ended = await kit.WaitForEndAsync(sid);
        Assert.Equal(["Press", "Bye"], ended.Heard);
        Assert.Empty(kit.App.To("/never"));
    }

    [Fact]
    public async Task DialNumberUrl_WhisperIsHeardByTheCallee_ThenBridged()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Customer, PersonScript.Answers(ringSeconds: 1, talkSeconds: 4));
        kit.App.Twiml("/agent", $"""
            <Response>
              <Say>Connecting you to the customer</Say>
              <Dial action="/dial-result" callerId="{TestKit.Ours}" timeout="20">
                <Number url="/whisper" statusCallback="/child-status" statusCallbackEvent="ringing answered completed">{TestKit.Customer}</Number>
              </Dial>
            </Response>
            """);
        kit.App.Twiml("/whisper", "<Response><Say>This is your callback from Contoso</Say></Response>");
        kit.App.Twiml("/dial-result", "<Response><Hangup/></Response>");

        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/agent")));

        var result = await kit.App.WaitForAsync("/dial-result");
        var child = kit.Simulator.Calls.Single(c => c.ParentCallSid == sid);
        Assert.Equal("outbound-dial", child.Direction);
        Assert.Equal(TestKit.Ours, child.From);
        Assert.Equal(TestKit.Customer, child.To);
        Assert.Equal(["This is your callback from Contoso"], child.Heard);
        Assert.Equal(sid, child.BridgedWith);
        Assert.Equal("completed", result["DialCallStatus"]);
        Assert.Equal(child.Sid, result["DialCallSid"]);
        Assert.Equal("true", result["DialBridged"]);
        Assert.NotNull(result.Get("DialCallDuration"));

        var whisper = kit.App.To("/whisper").Single();
        Assert.Equal(child.Sid, whisper["CallSid"]);
        Assert.Equal(sid, whisper["ParentCallSid"]);
        Assert.Equal("outbound-dial", whisper["Direction"]);

        var parent = await kit.WaitForEndAsync(sid);
        Assert.Equal(["Connecting you to the customer"], parent.Heard);
        Assert.Equal(child.Sid, parent.BridgedWith);
        var childCallbacks = await kit.App.WaitForCountAsync("/child-status", 3);
        Assert.Equal(["ringing", "in-progress", "completed"], childCallbacks.Select(c => c["CallStatus"]));
        Assert.All(childCallbacks, c => Assert.Equal(sid, c["ParentCallSid"]));
        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task Dial_WhenCalleeIsBusy_ActionCarriesDialCallStatusBusy()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Customer, new PersonScript(new PersonResponse { Answer = PersonAnswer.Busy }, new PersonResponse()));
        kit.App.Twiml("/agent", $"""<Response><Dial action="/dial-result"><Number url="/whisper">{TestKit.Customer}</Number></Dial></Response>""");
        kit.App.Twiml("/dial-result", "<Response><Say>The customer is busy</Say></Response>");

        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/agent")));

        var result = await kit.App.WaitForAsync("/dial-result");
        Assert.Equal("busy", result["DialCallStatus"]);
        Assert.Equal("false", result["DialBridged"]);
        Assert.Null(result.Get("DialCallDuration"));
        Assert.Empty(kit.App.To("/whisper"));
        Assert.Equal("busy", kit.Simulator.Calls.Single(c => c.ParentCallSid == sid).Status);
        Assert.Equal(["The customer is busy"], (await kit.WaitForEndAsync(sid)).Heard);
    }

    [Fact]
    public async Task Dial_WhenCalleeDoesNotAnswer_ReportsNoAnswerAtTheDialTimeout()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Customer, new PersonScript(new PersonResponse { Answer = PersonAnswer.NoAnswer }));

        var sid = await kit.CreateCallAsync(("Twiml", $"""<Response><Dial action="{kit.App.Url("/dial-result")}" timeout="5">{TestKit.Customer}</Dial></Response>"""));

        Assert.Equal("no-answer", (await kit.App.WaitForAsync("/dial-result"))["DialCallStatus"]);
        await kit.WaitForEndAsync(sid);
    }

    [Fact]
    public async Task InvalidTwiml_UnknownAttribute_IsError12200_AndEndsTheCall()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/voice", "<Response><Say voise=\"woman\">Hi</Say><Pause length=\"100\"/></Response>");

        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/voice")));

        var ended = await kit.WaitForEndAsync(sid);
        Assert.Equal("completed", ended.Status);
        Assert.Empty(ended.Heard);
        var error = Assert.Single(kit.Simulator.Errors);
        Assert.Equal(12200, error.Code);
        Assert.Contains("voise", error.Message, StringComparison.Ordinal);
        Assert.Equal(sid, error.CallSid);
        Assert.Equal(kit.App.Url("/voice"), error.Url);
    }

    [Theory]
    [InlineData("<response><Hangup/></response>", 12200)]
    [InlineData("<Response><hangup/></Response>", 12200)]
    [InlineData("<Response><Gather numdigits=\"1\" action=\"http://x.example/a\"/></Response>", 12200)]
    [InlineData("<Response><Say voice=\"alice\">Hi</Say></Response>", 12200)]
    [InlineData("<Response><Number>+15550003000</Number></Response>", 12200)]
    [InlineData("<Response><Dial><Number url=\"http://x.example/w\" statusCallbackEvent=\"initiated,completed\">+15550003000</Number></Dial></Response>", 12200)]
    [InlineData("<Response><Record/></Response>", 12200)]
    [InlineData("<Response><Leave/></Response>", 12200)]
    [InlineData("<Response><Gather><Dial>+15550003000</Dial></Gather></Response>", 12200)]
    [InlineData("<Response><Gather action=\"http://x.example/a\" input=\"DTMF\"/></Response>", 12200)]
    [InlineData("<Response><Dial timeout=\"4\">+15550003000</Dial></Response>", 12200)]
    [InlineData("<Response><Dial>5550003000</Dial></Response>", 13223)]
    [InlineData("<Response><Pause length=\"0\"/></Response>", 12200)]
    [InlineData("<Response><Reject reason=\"declined\"/></Response>", 12200)]
    [InlineData("<Response><Redirect/></Response>", 12200)]
    [InlineData("<Response><Say>Hi</Say>", 12100)]
    [InlineData(" <?xml version=\"1.0\"?><Response/>", 12100)]
    public async Task InvalidTwiml_IsRecordedWithTwilioCode_AndEndsTheCall(string twiml, int code)
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/voice", twiml);

        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/voice")));

        await kit.WaitForEndAsync(sid);
        Assert.Equal(code, Assert.Single(kit.Simulator.Errors).Code);
    }

    [Fact]
    public async Task InlineTwiml_WithRelativeAction_IsAnError()
    {
        await using var kit = await TestKit.StartAsync();

        var sid = await kit.CreateCallAsync(("Twiml", "<Response><Gather action=\"/next\"><Say>Hi</Say></Gather></Response>"));

        await kit.WaitForEndAsync(sid);
        var error = Assert.Single(kit.Simulator.Errors);
        Assert.Equal(12200, error.Code);
        Assert.Contains("absolute", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongContentType_IsError12300()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Respond("/voice", _ => Microsoft.AspNetCore.Http.Results.Text("<Response/>", "application/json"));

        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/voice")));

        await kit.WaitForEndAsync(sid);
        Assert.Equal(12300, Assert.Single(kit.Simulator.Errors).Code);
    }

    [Fact]
    public async Task Redirect_ResolvesRelativeUrls_AndPlayRecordsTheMediaUrl()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/a/first", "<Response><Play>hold.mp3</Play><Redirect method=\"POST\">second</Redirect></Response>");
        kit.App.Twiml("/a/second", "<Response><Say loop=\"2\">Again</Say></Response>");

        var sid = await kit.CreateCallAsync(("Url", kit.App.Url("/a/first")));

        var ended = await kit.WaitForEndAsync(sid);
        Assert.Equal([kit.App.Url("/a/hold.mp3"), "Again", "Again"], ended.Heard);
        Assert.Single(kit.App.To("/a/second"));
    }

    [Theory]
    [InlineData(QueueOutcome.Hangup, "hangup")]
    [InlineData(QueueOutcome.Bridged, "bridged")]
    [InlineData(QueueOutcome.Error, "error")]
    public async Task InboundEnqueue_ReportsTheScriptedQueueResultToTheAction(QueueOutcome outcome, string expected)
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/ivr", "<Response><Say>Please hold</Say><Enqueue action=\"/missed-call\" waitUrl=\"/wait\">support</Enqueue></Response>");
        kit.App.Twiml("/wait", "<Response><Play>http://media.example.com/music.mp3</Play></Response>");
        kit.App.Twiml("/missed-call", "<Response><Say>Goodbye</Say></Response>");

        var call = await kit.Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = TestKit.Customer,
            To = TestKit.Ours,
            Url = kit.App.Url("/ivr"),
            QueueOutcome = outcome,
            WaitSeconds = 10,
        });

        Assert.Equal("inbound", call.Direction);
        var voice = await kit.App.WaitForAsync("/ivr");
        Assert.Equal("ringing", voice["CallStatus"]);
        Assert.Equal("inbound", voice["Direction"]);
        var action = await kit.App.WaitForAsync("/missed-call");
        Assert.Equal(expected, action["QueueResult"]);
        Assert.Matches("^QU[0-9a-f]{32}$", action["QueueSid"]);
        Assert.True(int.Parse(action["QueueTime"], System.Globalization.CultureInfo.InvariantCulture) >= 0);
        var wait = await kit.App.WaitForAsync("/wait");
        Assert.Equal("1", wait["QueuePosition"]);
        var ended = await kit.WaitForEndAsync(call.Sid);
        Assert.Equal("completed", ended.Status);
        Assert.Equal(outcome == QueueOutcome.Hangup ? new[] { "Please hold", "http://media.example.com/music.mp3" } : new[] { "Please hold", "http://media.example.com/music.mp3", "Goodbye" }, ended.Heard.Distinct());
        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task InboundEnqueue_QueueFull_HasNoQueueSid()
    {
        await using var kit = await TestKit.StartAsync();

        var call = await kit.Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = TestKit.Customer,
            To = TestKit.Ours,
            Twiml = $"""<Response><Enqueue action="{kit.App.Url("/missed-call")}">support</Enqueue></Response>""",
            QueueOutcome = QueueOutcome.QueueFull,
        });

        var action = await kit.App.WaitForAsync("/missed-call");
        Assert.Equal("queue-full", action["QueueResult"]);
        Assert.Null(action.Get("QueueSid"));
        await kit.WaitForEndAsync(call.Sid);
    }

    [Fact]
    public async Task InboundDial_WithCallerDigits_RunsAnIvrAndDials()
    {
        await using var kit = await TestKit.StartAsync();
        kit.App.Twiml("/ivr", "<Response><Gather numDigits=\"1\" action=\"/ivr-choice\"><Say>Press 2 for a callback</Say></Gather></Response>");
        kit.App.Twiml("/ivr-choice", $"""<Response><Dial action="/missed-call" timeout="5">{TestKit.Agent}</Dial></Response>""");
        kit.Simulator.SetPerson(TestKit.Agent, new PersonScript(new PersonResponse { Answer = PersonAnswer.Failed }));

        var call = await kit.Simulator.PlaceInboundCallAsync(new InboundCallRequest { From = TestKit.Customer, To = TestKit.Ours, Url = kit.App.Url("/ivr"), Digits = "2" });

        Assert.Equal("2", (await kit.App.WaitForAsync("/ivr-choice"))["Digits"]);
        Assert.Equal("failed", (await kit.App.WaitForAsync("/missed-call"))["DialCallStatus"]);
        var child = kit.Simulator.Calls.Single(c => c.ParentCallSid == call.Sid);
        Assert.Equal(TestKit.Customer, child.From);
        await kit.WaitForEndAsync(call.Sid);
    }
    [Fact]
    public async Task Dial_WhisperHangup_IsCompletedButNotBridged()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Customer, PersonScript.Answers(digits: "9"));
        kit.App.Twiml("/whisper", "<Response><Gather numDigits=\"1\" action=\"/whisper-choice\"><Say>Press 1 to take the call</Say></Gather><Hangup/></Response>");
        kit.App.Twiml("/whisper-choice", "<Response><Hangup/></Response>");

        var sid = await kit.CreateCallAsync(("Twiml", $"""<Response><Dial action="{kit.App.Url("/dial-result")}"><Number url="{kit.App.Url("/whisper")}">{TestKit.Customer}</Number></Dial></Response>"""));

        var result = await kit.App.WaitForAsync("/dial-result");
        Assert.Equal("completed", result["DialCallStatus"]);
        Assert.Equal("false", result["DialBridged"]);
        Assert.Equal("9", (await kit.App.WaitForAsync("/whisper-choice"))["Digits"]);
        var child = kit.Simulator.Calls.Single(c => c.ParentCallSid == sid);
        Assert.Null(child.BridgedWith);
        Assert.Equal("9", child.DigitsPressed);
        await kit.WaitForEndAsync(sid);
    }

    [Fact]
    public async Task DialRecord_SendsTheRecordingStatusCallback_SignedAndNamingTheParentCall()
    {
        await using var kit = await TestKit.StartAsync();
        kit.Simulator.SetPerson(TestKit.Customer, PersonScript.Answers(talkSeconds: 1));

        var sid = await kit.CreateCallAsync(("Twiml", $"""
            <Response><Dial record="record-from-answer-dual" recordingStatusCallback="{kit.App.Url("/recording?attempt=1")}" recordingStatusCallbackEvent="in-progress completed"><Number>{TestKit.Customer}</Number></Dial></Response>
            """));

        var completed = await kit.App.WaitForAsync("/recording", r => r.Get("RecordingStatus") == "completed");
        var started = Assert.Single(kit.App.To("/recording"), r => r["RecordingStatus"] == "in-progress");
        var recording = Assert.Single(kit.Simulator.Recordings);
        Assert.Equal((sid, recording.Sid, recording.Url, "2", "DialVerb"),
            (completed["CallSid"], completed["RecordingSid"], completed["RecordingUrl"], completed["RecordingChannels"], completed["RecordingSource"]));
        Assert.Equal(recording.Duration?.ToString(System.Globalization.CultureInfo.InvariantCulture), completed["RecordingDuration"]);
        Assert.Null(started.Get("RecordingDuration"));
        Assert.Equal(TestKit.Sign(kit.Simulator.Options.AuthToken, completed.Url, completed.Form), completed.Signature);
        await kit.WaitForEndAsync(sid);
        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task Dial_SeveralNumbers_FirstToAnswerWins_OthersAreCanceled()
    {
        await using var kit = await TestKit.StartAsync();
        const string slow = "+15550005000";
        kit.Simulator.SetPerson(slow, PersonScript.Answers(ringSeconds: 20));
        kit.Simulator.SetPerson(TestKit.Customer, PersonScript.Answers(ringSeconds: 1));

        var sid = await kit.CreateCallAsync(("Twiml", $"""<Response><Dial action="{kit.App.Url("/dial-result")}"><Number>{slow}</Number><Number>{TestKit.Customer}</Number></Dial></Response>"""));

        var result = await kit.App.WaitForAsync("/dial-result");
        var children = kit.Simulator.Calls.Where(c => c.ParentCallSid == sid).ToList();
        Assert.Equal(children.Single(c => c.To == TestKit.Customer).Sid, result["DialCallSid"]);
        Assert.Equal("canceled", children.Single(c => c.To == slow).Status);
        await kit.WaitForEndAsync(sid);
    }
}
