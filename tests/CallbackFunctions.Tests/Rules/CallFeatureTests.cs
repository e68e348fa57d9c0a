using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.AgentCalls;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Recordings;
using CallbackFunctions.Rules;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.Twilio;
using CallbackFunctions.TwilioSimulator;
using System.Xml.Linq;
using VoiceResponse = global::Twilio.TwiML.VoiceResponse;

namespace CallbackFunctions.Tests.Rules;

/// <summary>
/// seed 001 "voice prompt for agent" and "outbound call recording", seed 004 voicemail, end to end: the app, the strict
/// simulator and Azurite.
/// </summary>
public sealed class CallFeatureTests : StackTestBase
{
    private const string AgentPhone = "+14155552101";
    private const string Caller = "+14155552111";
    private const string NoticeAudio = "https://media.example.com/this-call-is-recorded.mp3";

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with
    {
        Intervals = "00:00:03,00:00:03",
        Expiry = TimeSpan.FromMinutes(2),
        ExtraSettings = new Dictionary<string, string?>
        {
            // Storage periods of seconds, and a janitor that looks at every sweep (every 5 s here).
            ["Callbacks:MinRecordingStorage"] = "00:00:01",
            ["Callbacks:RecordingSweepInterval"] = "00:00:01",
        },
    };

    private async Task<RuleView> PutRuleAsync(object body)
    {
        var response = await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RuleView>(TimelinePrinter.Json))!;
    }

    private async Task<CallbackDetail> CallbackDoneAsync(params PersonResponse[] customer)
    {
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        Agent(AgentPhone, digits: "1");
        Customer(Caller, customer);
        await CallInAsync(Caller);
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(45));
        // The callback completes while the calls still run (what the customer hears comes after the verdict): let them end.
        await Eventually.GetAsync(() => Task.FromResult(CallsTo(AgentPhone).Concat(CallsTo(Caller)).ToList()), calls => calls.All(c => c.IsEnded),
            TimeSpan.FromSeconds(20), "the agent and customer calls to end");
        return done;
    }

    private IReadOnlyList<SimulatedCall> CustomerLegs() => [.. CallsTo(Caller).Where(c => c.Direction == "outbound-dial")];

    private Task<List<CallRecordingView>> RecordingsAsync(string callbackId) =>
        Stack.Api.GetFromJsonAsync<List<CallRecordingView>>($"/api/recordings?callbackId={Uri.EscapeDataString(callbackId)}", TimelinePrinter.Json)!;

    private static PersonResponse Person => new() { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 };

    private static PersonResponse Machine => new() { Answer = PersonAnswer.Machine, RingSeconds = 0.3, TalkSeconds = 0.5 };

    [Fact]
    public async Task AgentPrompt_IsHeardByTheAgent_BeforeTheWhisper()
    {
        await PutRuleAsync(new
        {
            intervals = new[] { "00:00:03" },
            agentPrompt = new { text = "This is an automatic callback.", language = "en-US", voice = "Polly.Joanna" },
        });

        await CallbackDoneAsync(Person);

        var heard = Assert.Single(CallsTo(AgentPhone)).Heard;
        var prompt = heard.ToList().IndexOf("This is an automatic callback.");
        var whisper = heard.ToList().FindIndex(h => h.StartsWith("Automatic callback, attempt 1", StringComparison.Ordinal));
        Assert.True(prompt >= 0 && whisper > prompt, $"the agent heard: {string.Join(" | ", heard)}");
        Assert.DoesNotContain("This is an automatic callback.", Assert.Single(CustomerLegs()).Heard);
        Assert.Empty(Stack.Simulator.Errors);
    }

    [Fact]
    public async Task RecordingOn_CustomerHearsTheNoticeBeforeBeingConnected_AndTheRecordingIsStoredAndListed()
    {
        await PutRuleAsync(new
        {
            intervals = new[] { "00:00:03" },
            recording = new { enabled = true, storagePeriod = "30", customerNotification = new { audioUrl = NoticeAudio } },
        });

        var done = await CallbackDoneAsync(Person);

        var agentLeg = Assert.Single(CallsTo(AgentPhone));
        var customerLeg = Assert.Single(CustomerLegs());
        // The <Number url> document runs on the customer after they answer and before the bridge: they heard the
        // notice, then were connected to the agent; the agent never heard it.
        Assert.Equal([NoticeAudio], customerLeg.Heard);
        Assert.Equal(agentLeg.Sid, customerLeg.BridgedWith);
        Assert.DoesNotContain(NoticeAudio, agentLeg.Heard);
        var made = Assert.Single(Stack.Simulator.Recordings);
        var listed = await Eventually.GetAsync(() => RecordingsAsync(done.Id), l => l.Count == 1, TimeSpan.FromSeconds(15), "the recording to be listed");
        var recording = listed[0];
        Assert.Equal(made.Sid, recording.RecordingSid);
        Assert.Equal(agentLeg.Sid, recording.CallSid); // a <Dial> recording belongs to the parent call
        Assert.Equal(1, recording.Attempt);
        Assert.Equal(made.Url, recording.Url);
        Assert.InRange((recording.AvailableUntil - recording.RecordedAt).TotalDays, 29.99, 30.01);
        Assert.False(made.Deleted);
        Assert.Empty(Stack.Simulator.Errors);
    }

    [Fact]
    public async Task RecordingOff_NothingIsRecorded_AndTheCustomerHearsNothingBeforeBeingConnected()
    {
        await PutRuleAsync(new { intervals = new[] { "00:00:03" } });

        var done = await CallbackDoneAsync(Person);

        Assert.Empty(Stack.Simulator.Recordings);
        Assert.Empty(Assert.Single(CustomerLegs()).Heard);
        Assert.Empty(await RecordingsAsync(done.Id));
        Assert.Empty(Stack.Simulator.Errors);
    }

    [Fact]
    public async Task RecordingPastItsStoragePeriod_IsNoLongerListed_AndIsDeletedAtTwilio()
    {
        await PutRuleAsync(new
        {
            intervals = new[] { "00:00:03" },
            recording = new { enabled = true, storagePeriod = "00:00:06", customerNotification = new { text = "This call is recorded.", voice = "woman" } },
        });

        var done = await CallbackDoneAsync(Person);
        Assert.Equal(["This call is recorded."], Assert.Single(CustomerLegs()).Heard);
        var listed = await Eventually.GetAsync(() => RecordingsAsync(done.Id), l => l.Count == 1, TimeSpan.FromSeconds(15), "the recording to be listed");

        var deleted = await Eventually.GetAsync(() => Task.FromResult(Stack.Simulator.Recordings.Single()), r => r.Deleted, TimeSpan.FromSeconds(40),
            "the janitor to delete the recording at Twilio");

        Assert.Equal(listed[0].RecordingSid, deleted.Sid);
        Assert.Empty(await RecordingsAsync(done.Id));
        Assert.Empty(Stack.Simulator.Errors);
    }

    [Fact]
    public async Task MachineAnswer_CountedAsReached_CompletesTheCallback_AfterLeavingAMessage()
    {
        await PutRuleAsync(new { intervals = new[] { "00:00:03", "00:00:03" }, voicemail = "counts-as-reached" });

        var done = await CallbackDoneAsync(Machine);

        Assert.Equal(1, done.Attempt);
        Assert.Equal("voicemail reached (attempt 1)", done.Timeline[^1].Reason);
        var customerLeg = Assert.Single(CustomerLegs());
        Assert.Equal("machine_end_beep", customerLeg.AnsweredBy); // DetectMessageEnd: the message goes after the greeting
        Assert.Contains(customerLeg.Heard, h => h.Contains("Please call us back at 1 4 1 5 5 5 5 0 1 0 0", StringComparison.Ordinal));
        Assert.Null(customerLeg.BridgedWith); // the agent was not connected to the machine
        Assert.DoesNotContain(done.Timeline, e => e.Reason.Contains("customer answered", StringComparison.Ordinal));
        Assert.Empty(Stack.Simulator.Errors);
    }

    [Fact]
    public async Task MachineAnswer_CountedAsNotAnswered_IsHungUp_AndTheNextAttemptFollowsAtItsInterval()
    {
        await PutRuleAsync(new { intervals = new[] { "00:00:03", "00:00:03" }, voicemail = "counts-as-not-answered" });

        var done = await CallbackDoneAsync(Machine, Person);

        Assert.Equal(2, done.Attempt);
        var notAnswered = Assert.Single(done.Timeline, e => e.Reason.Contains("answering machine", StringComparison.Ordinal));
        Assert.Equal((CallbackStatus.DialingCustomer, CallbackStatus.Queued), (notAnswered.From, notAnswered.To));
        Assert.Equal("customer answered (attempt 2)", done.Timeline[^1].Reason);
        // The machine leg's own "answered" (before the verdict), "completed" and Dial action (after it) did not complete attempt 1.
        Assert.DoesNotContain(done.Timeline, e => e.Reason.Contains("(attempt 1)", StringComparison.Ordinal) && e.To == CallbackStatus.Completed);
        var legs = CustomerLegs();
        Assert.Equal(2, legs.Count);
        Assert.Equal(("machine_start", null), (legs[0].AnsweredBy, legs[0].BridgedWith)); // Enable: hung up as soon as recognised
        Assert.Equal("human", legs[1].AnsweredBy);
        Assert.NotNull(legs[1].BridgedWith);
        Assert.Contains(CallsTo(AgentPhone)[0].Heard, h => h.Contains("could not be reached", StringComparison.Ordinal));
        Assert.Empty(Stack.Simulator.Errors);
    }

    [Fact]
    public async Task HumanAnswer_WithDetectionAndRecording_HearsTheNoticeAndIsConnected()
    {
        await PutRuleAsync(new
        {
            intervals = new[] { "00:00:03" },
            recording = new { enabled = true, customerNotification = new { text = "This call is recorded.", language = "en-GB" } },
            voicemail = "counts-as-not-answered",
        });

        var done = await CallbackDoneAsync(Person);

        Assert.Equal("customer answered (attempt 1)", done.Timeline[^1].Reason);
        var customerLeg = Assert.Single(CustomerLegs());
        Assert.Equal("human", customerLeg.AnsweredBy);
        Assert.Equal(["This call is recorded."], customerLeg.Heard);
        Assert.NotNull(customerLeg.BridgedWith);
        Assert.Single(Stack.Simulator.Recordings);
        Assert.Empty(Stack.Simulator.Errors);
    }

    [Fact]
    public async Task PutRule_WithCallFeatures_IsShownBack_AndDefaultsKeepTodaysBehaviour()
    {
        var saved = await PutRuleAsync(new
        {
            intervals = new[] { "00:00:03" },
            agentPrompt = new { audioUrl = "https://media.example.com/prompt.mp3" },
            recording = new { enabled = true, storagePeriod = "90", customerNotification = new { text = "Recorded.", language = "en-US", voice = "man" } },
            voicemail = "counts-as-reached",
        });
        var plain = (await Stack.Api.GetFromJsonAsync<RuleView>("/api/rules/scenario", TimelinePrinter.Json))!;

        Assert.Equal(new PromptBody("https://media.example.com/prompt.mp3", null, null, null), saved.AgentPrompt);
        Assert.Equal(new RecordingView(true, "90.00:00:00", new PromptBody(null, "Recorded.", "en-US", "man")), saved.Recording);
        Assert.Equal("counts-as-reached", saved.Voicemail);
        Assert.Null(plain.AgentPrompt);
        Assert.Equal(new RecordingView(false, "30.00:00:00", null), plain.Recording);
        Assert.Equal("off", plain.Voicemail);
    }

    [Fact]
    public async Task PutRule_WithBadCallFeatures_Answers400NamingEachField()
    {
        var response = await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", new
        {
            intervals = new[] { "00:00:03" },
            recording = new { enabled = true, storagePeriod = "a month" },
            voicemail = "sometimes",
        });
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"recording.storagePeriod\"", problem, StringComparison.Ordinal);
        Assert.Contains("\"voicemail\"", problem, StringComparison.Ordinal);

        var semantic = await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", new
        {
            intervals = new[] { "00:00:03" },
            agentPrompt = new { audioUrl = "https://media.example.com/a.mp3", text = "both" },
            recording = new { enabled = true, storagePeriod = "400", customerNotification = new { text = "Recorded.", voice = "robot" } },
        });
        var text = await semantic.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, semantic.StatusCode);
        foreach (var field in new[] { "\"agentPrompt\"", "\"recording.storagePeriod\"", "\"recording.customerNotification\"" })
            Assert.Contains(field, text, StringComparison.Ordinal);
        Assert.Contains("between 00:00:01 and 365.00:00:00", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRule_WithWhisperParts_IsShownBack_APartLeftOutIsOn_AndTheAgentLegReadsThem()
    {
        var saved = await PutRuleAsync(new { intervals = new[] { "00:00:03" }, whisper = new { location = false, comment = false, name = (bool?)null } });
        var plain = (await Stack.Api.GetFromJsonAsync<RuleView>("/api/rules/scenario", TimelinePrinter.Json))!;

        Assert.Equal(new WhisperView(Name: true, Type: true, Location: false, Queue: true, Comment: false), saved.Whisper);
        Assert.Equal(saved.Whisper, (await Stack.Api.GetFromJsonAsync<RuleView>("/api/rules/contact-center", TimelinePrinter.Json))!.Whisper);
        Assert.Equal(new WhisperView(true, true, true, true, true), plain.Whisper);

        var ruled = Callback.Create(new NewCallback("cb-whisper", "support", Caller, "+14155550100", CallbackOrigin.MissedCall, "CA" + new string('1', 32), "test"),
            new CallbackPolicy { Intervals = [TimeSpan.FromMinutes(5)] }, DateTimeOffset.UnixEpoch).Callback with { Rule = RuleKind.ContactCenter };
        var reader = Stack.Service<CallFeatureReader>();
        Assert.Equal(new WhisperParts(true, true, false, true, false), (await reader.ForAsync(ruled, default)).Whisper);
        Assert.Equal(WhisperParts.All, (await reader.ForAsync(ruled with { Rule = null }, default)).Whisper);
    }

    [Fact]
    public async Task PutRule_WithWhisperParts_IsANewVersion_AndLeavingWhisperOutTurnsEveryPartOnAgain()
    {
        var first = await PutRuleAsync(new { intervals = new[] { "00:00:03" }, whisper = new { name = false, type = false, location = false, queue = false, comment = false } });
        Assert.Equal(new WhisperView(false, false, false, false, false), first.Whisper);

        var second = await PutRuleAsync(new { intervals = new[] { "00:00:03" } });

        Assert.Equal(first.Version + 1, second.Version);
        Assert.Equal(new WhisperView(true, true, true, true, true), second.Whisper);
    }

    [Fact]
    public async Task PutRule_WithABadWhisper_IsRefusedNamingIt_AndTheRuleStaysAsItWas()
    {
        var before = await PutRuleAsync(new { intervals = new[] { "00:00:03" }, whisper = new { comment = false } });

        foreach (var whisper in new[] { """{"name": "yes"}""", """{"name": 1}""", """{"loudness": true}""", "true", "[]", "\"all\"" })
        {
            var response = await Stack.Api.PutAsync("/api/rules/contact-center", new StringContent(
                $$"""{"intervals": ["00:00:03"], "whisper": {{whisper}}}""", System.Text.Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{whisper}: {(int)response.StatusCode} {text}");
            Assert.Contains("whisper", text, StringComparison.Ordinal);
        }
        Assert.Equivalent(before, (await Stack.Api.GetFromJsonAsync<RuleView>("/api/rules/contact-center", TimelinePrinter.Json))!);
    }

    [Fact]
    public async Task ListRecordings_WithoutACallbackId_Answers400()
    {
        var response = await Stack.Api.GetAsync("/api/recordings");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("callbackId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>The TwiML the call features add, and what a machine verdict means; no stack needed.</summary>
public sealed class CallFeatureTwimlTests
{
    private static readonly Uri Results = new("https://app.example.com/api/twilio/dial-result?callbackId=cb-1&attempt=1");

    [Fact]
    public void DialNumber_WithRecordingNoticeAndDetection_WritesTwiliosAttributes()
    {
        var extras = new DialExtras(new Uri("https://app.example.com/api/twilio/recording-status?callbackId=cb-1&attempt=1"),
            new Uri("https://app.example.com/api/twilio/customer-notice?callbackId=cb-1&attempt=1"), "Enable");

        var dial = Dial(VoiceTwiml.DialNumber("+14155550111", "+14155550100", 30, Results, Results, extras));

        Assert.Equal("record-from-answer-dual", dial.Attribute("record")?.Value);
        Assert.Equal("https://app.example.com/api/twilio/recording-status?callbackId=cb-1&attempt=1", dial.Attribute("recordingStatusCallback")?.Value);
        Assert.Equal("completed", dial.Attribute("recordingStatusCallbackEvent")?.Value);
        var number = dial.Element("Number")!;
        Assert.Equal("https://app.example.com/api/twilio/customer-notice?callbackId=cb-1&attempt=1", number.Attribute("url")?.Value);
        Assert.Equal("POST", number.Attribute("method")?.Value);
        Assert.Equal("Enable", number.Attribute("machineDetection")?.Value);
    }

    [Fact]
    public void DialNumber_WithoutExtras_IsAsBefore()
    {
        var xml = new VoiceResponse().Append(VoiceTwiml.DialNumber("+14155550111", "+14155550100", 30, Results, Results)).ToString();

        Assert.DoesNotContain("record", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("url=", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("machineDetection", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Prompt_PlaysAudio_OrSaysTextWithItsVoiceAndLanguage()
    {
        var play = Verbs(new VoiceResponse().AppendPrompt(Prompt.Audio("https://media.example.com/a.mp3"))).Single();
        Assert.Equal(("Play", "https://media.example.com/a.mp3"), (play.Name.LocalName, play.Value));
        var say = Verbs(new VoiceResponse().AppendPrompt(Prompt.Speech("Hello", "en-GB", "Polly.Amy"))).Single();
        Assert.Equal(("Say", "Hello", "Polly.Amy", "en-GB"), (say.Name.LocalName, say.Value, say.Attribute("voice")?.Value, say.Attribute("language")?.Value));
        var plain = Verbs(new VoiceResponse().AppendPrompt(Prompt.Speech("Hello", null, null))).Single();
        Assert.Empty(plain.Attributes()); // Twilio's defaults
        Assert.Empty(Verbs(new VoiceResponse().AppendPrompt(null)));
    }

    [Fact]
    public void AgentPrompt_GoesInsideTheGather_BeforeTheWhisper()
    {
        var gather = Verbs(new VoiceResponse().Append(VoiceTwiml.GatherDigit(Results, 8).AppendPrompt(Prompt.Audio("https://media.example.com/a.mp3")).Say("Press 1"))).Single();

        Assert.Equal(["Play", "Say"], gather.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("Press 1", gather.Elements().Last().Value);
    }

    private static IReadOnlyList<XElement> Verbs(VoiceResponse response) => [.. XDocument.Parse(response.ToString()).Root!.Elements()];

    private static XElement Dial(global::Twilio.TwiML.Voice.Dial dial) => Verbs(new VoiceResponse().Append(dial)).Single();

    [Theory]
    [InlineData(VoicemailPolicy.Off, "machine_start", CustomerAnswer.Person)]
    [InlineData(VoicemailPolicy.CountsAsReached, "machine_end_beep", CustomerAnswer.VoicemailReached)]
    [InlineData(VoicemailPolicy.CountsAsReached, "machine_start", CustomerAnswer.VoicemailReached)]
    [InlineData(VoicemailPolicy.CountsAsReached, "human", CustomerAnswer.Person)]
    [InlineData(VoicemailPolicy.CountsAsReached, "fax", CustomerAnswer.MachineNotAnswered)]
    [InlineData(VoicemailPolicy.CountsAsNotAnswered, "machine_start", CustomerAnswer.MachineNotAnswered)]
    [InlineData(VoicemailPolicy.CountsAsNotAnswered, "machine_end_silence", CustomerAnswer.MachineNotAnswered)]
    [InlineData(VoicemailPolicy.CountsAsNotAnswered, "unknown", CustomerAnswer.Person)]
    [InlineData(VoicemailPolicy.CountsAsNotAnswered, null, CustomerAnswer.Person)]
    public void MachineVerdict_UnderEachPolicy(VoicemailPolicy policy, string? answeredBy, CustomerAnswer expected) =>
        Assert.Equal(expected, MachineVerdict.Decide(policy, AnsweredByParser.Parse(answeredBy)));

    [Fact]
    public void MachineDetectionMode_WaitsForTheBeepOnlyWhenAMessageIsLeft()
    {
        Assert.Equal("DetectMessageEnd", CustomerDial.MachineDetectionFor(VoicemailPolicy.CountsAsReached));
        Assert.Equal("Enable", CustomerDial.MachineDetectionFor(VoicemailPolicy.CountsAsNotAnswered));
        Assert.Null(CustomerDial.MachineDetectionFor(VoicemailPolicy.Off));
    }
}
