using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Domain.Tests.Rules;

/// <summary>seed 001 "voice prompt for agent" and "outbound call recording", seed 004 voicemail: the rule's settings and their checks.</summary>
public sealed class CallFeatureRuleTests
{
    private static readonly RuleBounds Bounds = new(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(60));

    private static CallbackRule Rule() => new() { Kind = RuleKind.ContactCenter, Intervals = [TimeSpan.FromMinutes(2)] };

    private static IReadOnlyList<string> Problems(CallbackRule rule, RuleBounds? bounds = null) => rule.Validate(bounds ?? Bounds);

    private static RecordingSettings Recording(TimeSpan? period = null, Prompt? notice = null) =>
        new(true, period ?? TimeSpan.FromDays(30), notice);

    [Fact]
    public void Rule_ByDefault_HasNoPromptRecordsNothingAndDetectsNoMachine()
    {
        var rule = Rule();

        Assert.Null(rule.AgentPrompt);
        Assert.False(rule.Recording.Enabled);
        Assert.Equal(TimeSpan.FromDays(30), rule.Recording.StoragePeriod);
        Assert.Null(rule.Recording.CustomerNotification);
        Assert.Equal(VoicemailPolicy.Off, rule.Voicemail);
        Assert.Equal(WhisperParts.All, rule.Whisper);
        Assert.Empty(Problems(rule));
    }

    [Fact]
    public void WhisperParts_All_SpeaksEveryPart_AndAnyMixIsValid()
    {
        Assert.Equal(new WhisperParts(Name: true, Type: true, Location: true, Queue: true, Comment: true), WhisperParts.All);
        Assert.Empty(Problems(Rule() with { Whisper = new(false, false, false, false, false) }));
        Assert.Empty(Problems(Rule() with { Whisper = WhisperParts.All with { Comment = false } }));
        Assert.Equal("whisper", Assert.Single(Problems(Rule() with { Whisper = null! })).Split(':')[0]);
    }

    [Fact]
    public void Rule_WithEveryFeatureSetWell_IsValid()
    {
        var rule = Rule() with
        {
            AgentPrompt = Prompt.Audio("https://media.example.com/auto-callback.mp3"),
            Recording = Recording(TimeSpan.FromDays(365), Prompt.Speech("This call is recorded.", "en-GB", "Polly.Amy")),
            Voicemail = VoicemailPolicy.CountsAsReached,
        };

        Assert.Empty(Problems(rule));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("https://media.example.com/a.mp3", "Automatic callback")]
    [InlineData("  ", "")]
    public void AgentPrompt_WithBothOrNeitherAudioAndText_IsRejectedNamingTheField(string? audio, string? text)
    {
        var problem = Assert.Single(Problems(Rule() with { AgentPrompt = new Prompt(audio, text) }));

        Assert.StartsWith("agentPrompt:", problem, StringComparison.Ordinal);
        Assert.Contains("exactly one of audioUrl", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prompt.mp3")]
    [InlineData("/media/prompt.mp3")]
    [InlineData("ftp://media.example.com/prompt.mp3")]
    [InlineData("https://media_server.example.com/prompt.mp3")]
    public void AgentPrompt_WithAnAudioUrlTwilioCannotFetch_IsRejected(string url)
    {
        var problem = Assert.Single(Problems(Rule() with { AgentPrompt = Prompt.Audio(url) }));

        Assert.Equal("agentPrompt: audioUrl must be an absolute http(s) URL Twilio can fetch", problem);
    }

    [Fact]
    public void AgentPrompt_AudioWithALanguageOrVoice_IsRejected_TheyBelongToTextToSpeech()
    {
        var problem = Assert.Single(Problems(Rule() with { AgentPrompt = new Prompt("https://media.example.com/a.mp3", null, "en-US", null) }));

        Assert.Contains("text-to-speech only", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en-US", "woman")]
    [InlineData("de-DE", "Polly.Marlene")]
    [InlineData("fr-FR", "Google.fr-FR-Standard-A")]
    [InlineData(null, null)]
    public void SpeechPrompt_WithTwiliosLanguagesAndVoices_IsValid(string? language, string? voice) =>
        Assert.Empty(Problems(Rule() with { AgentPrompt = Prompt.Speech("Automatic callback.", language, voice) }));

    [Theory]
    [InlineData("english", null, "language must be")]
    [InlineData("EN_us", null, "language must be")]
    [InlineData(null, "alice2", "voice must be")]
    [InlineData(null, "Polly.", "voice must be")]
    [InlineData(null, "Polly.Jo anna", "voice must be")]
    [InlineData(null, "Google.<script>", "voice must be")]
    public void SpeechPrompt_WithAnUnknownLanguageOrVoice_IsRejected(string? language, string? voice, string expected)
    {
        var problem = Assert.Single(Problems(Rule() with { AgentPrompt = Prompt.Speech("Automatic callback.", language, voice) }));

        Assert.StartsWith("agentPrompt:", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VoiceName_LongerThanTheLimit_IsRejected()
    {
        Assert.Empty(Problems(Rule() with { AgentPrompt = Prompt.Speech("Hi.", null, "Polly." + new string('a', Prompt.MaxVoiceNameLength)) }));
        var problem = Assert.Single(Problems(Rule() with { AgentPrompt = Prompt.Speech("Hi.", null, "Polly." + new string('a', Prompt.MaxVoiceNameLength + 1)) }));
        Assert.Contains("voice must be", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('a', 20), problem, StringComparison.Ordinal); // the value is not echoed back
    }

    [Fact]
    public void AudioUrl_LongerThanTheLimit_IsRejected()
    {
        const string Start = "https://media.example.com/";
        Assert.Empty(Problems(Rule() with { AgentPrompt = Prompt.Audio(Start + new string('a', Prompt.MaxUrlLength - Start.Length)) }));
        var problem = Assert.Single(Problems(Rule() with { AgentPrompt = Prompt.Audio(Start + new string('a', Prompt.MaxUrlLength - Start.Length + 1)) }));
        Assert.Contains($"audioUrl is at most {Prompt.MaxUrlLength} characters", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SpeechPrompt_LongerThanTheLimit_IsRejected()
    {
        Assert.Empty(Problems(Rule() with { AgentPrompt = Prompt.Speech(new string('a', Prompt.MaxTextLength)) }));
        var problem = Assert.Single(Problems(Rule() with { AgentPrompt = Prompt.Speech(new string('a', Prompt.MaxTextLength + 1)) }));
        Assert.Contains($"at most {Prompt.MaxTextLength} characters", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(30.0)]
    [InlineData(365.0)]
    public void RecordingStoragePeriod_FromOneTo365Days_IsValid(double days) =>
        Assert.Empty(Problems(Rule() with { Recording = Recording(TimeSpan.FromDays(days)) }));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(366.0)]
    public void RecordingStoragePeriod_OutsideOneTo365Days_IsRejected(double days)
    {
        var problem = Assert.Single(Problems(Rule() with { Recording = Recording(TimeSpan.FromDays(days)) }));

        Assert.Equal("recording.storagePeriod: between 1.00:00:00 and 365.00:00:00", problem);
    }

    [Fact]
    public void RecordingStoragePeriod_IsCheckedEvenWithRecordingOff_SinceOlderRecordingsStillFollowIt()
    {
        var off = Rule() with { Recording = new RecordingSettings(false, TimeSpan.Zero) };

        Assert.StartsWith("recording.storagePeriod:", Assert.Single(Problems(off)), StringComparison.Ordinal);
    }

    [Fact]
    public void RecordingStoragePeriodBounds_AreSettings_SoTestsCanUseSeconds()
    {
        var seconds = Bounds with { MinRecordingStorage = TimeSpan.FromSeconds(1) };
        var rule = Rule() with { Recording = Recording(TimeSpan.FromSeconds(2)) };

        Assert.NotEmpty(Problems(rule));
        Assert.Empty(Problems(rule, seconds));
    }

    [Fact]
    public void CustomerNotification_IsCheckedLikeAnyPrompt_UnderItsOwnName()
    {
        var rule = Rule() with { Recording = Recording(notice: new Prompt("ftp://x.example.com/a.wav", null)) };

        Assert.Equal("recording.customerNotification: audioUrl must be an absolute http(s) URL Twilio can fetch", Assert.Single(Problems(rule)));
    }

    [Fact]
    public void Recording_WithNoCustomerNotification_IsValid_NotifyingIsTheOperatorsChoice() =>
        Assert.Empty(Problems(Rule() with { Recording = Recording(notice: null) }));

    [Fact]
    public void Voicemail_OutsideTheDefinedPolicies_IsRejected()
    {
        var problem = Assert.Single(Problems(Rule() with { Voicemail = (VoicemailPolicy)7 }));

        Assert.StartsWith("voicemail:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_OfSeveralFeatures_AreAllReported_EachUnderItsField()
    {
        var rule = Rule() with
        {
            AgentPrompt = new Prompt(null, null),
            Recording = Recording(TimeSpan.FromDays(400), new Prompt(null, null)),
            Voicemail = (VoicemailPolicy)9,
        };

        Assert.Equal(["agentPrompt", "recording.storagePeriod", "recording.customerNotification", "voicemail"],
            Problems(rule).Select(p => p.Split(':')[0]));
    }
}

/// <summary>seed 004: a machine on the customer leg, counted as reached or as not answered.</summary>
public sealed class VoicemailLifecycleTests
{
    [Fact]
    public void VoicemailReached_WhileTheCustomerLegIsUp_CompletesTheCallbackSayingVoicemail()
    {
        var story = Story.Queued().Offered().Placed("CA-agent-1").Accepted();
        var before = story.Callback;

        var decision = story.Try((c, now) => c.VoicemailReached(1, "CA-customer-1", now));

        Assert.Equal(CallbackStatus.Completed, decision.Callback.Status);
        Assert.Null(decision.Callback.WakeAt);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingCustomer, CallbackStatus.Completed, ("agent", "CA-agent-1"), ("customer", "CA-customer-1"));
        Assert.Equal("voicemail reached (attempt 1)", entry.Reason);
    }

    [Fact]
    public void VoicemailReached_Repeated_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted().Apply((c, now) => c.VoicemailReached(1, "CA-customer-1", now));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.VoicemailReached(1, "CA-customer-1", now)));
    }

    [Fact]
    public void VoicemailReached_ForAnotherAttempt_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.VoicemailReached(2, "CA-customer-2", now)));
    }

    [Fact]
    public void VoicemailReached_WithAMinimumConnectionTime_StillCompletesAtOnce()
    {
        var story = Story.Queued(Build.ThreeAttempts() with { MinimumConnection = TimeSpan.FromSeconds(20) }).Offered().Placed().Accepted();

        var decision = story.Try((c, now) => c.VoicemailReached(1, "CA-customer-1", now));

        Assert.Equal(CallbackStatus.Completed, decision.Callback.Status);
        Assert.Equal("voicemail reached (attempt 1)", decision.Callback.Timeline[^1].Reason);
    }

    [Fact]
    public void MachineCountedAsNotAnswered_ThenTheLegsOwnAnsweredOrCompleted_ChangesNothing()
    {
        // The verdict comes first (TWILIO.md §5, sync mode); the leg's "answered"/"completed" may follow in any order.
        var story = Story.Queued().Offered().Placed().Accepted()
            .Apply((c, now) => c.CustomerNotReached(1, CustomerOutcome.Machine, "CA-customer-1", now)).Advance(TimeSpan.FromSeconds(2));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerAnswered(1, "CA-customer-1", now)));
        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerLegEnded(1, TimeSpan.FromSeconds(3), "CA-customer-1", now)));
        Expect.Ignored(story.Callback, story.Try((c, now) => c.VoicemailReached(1, "CA-customer-1", now)));
    }

    [Fact]
    public void MachineCountedAsNotAnswered_WithAttemptsLeft_QueuesTheNextAttempt_NamingTheMachine()
    {
        var story = Story.Queued().Offered().Placed().Accepted();

        var decision = story.Try((c, now) => c.CustomerNotReached(1, CustomerOutcome.Machine, "CA-customer-1", now));

        Assert.Equal(CallbackStatus.Queued, decision.Callback.Status);
        Assert.True(decision.Callback.IsLive);
        Assert.Contains("answering machine", decision.Callback.Timeline[^1].Reason, StringComparison.Ordinal);
    }
}
