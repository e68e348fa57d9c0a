using System.Text.RegularExpressions;

namespace CallbackFunctions.Domain.Rules;

/// <summary>
/// A message played on a call (seed 001): an audio file, or text-to-speech with its synth language and voice. Exactly
/// one of <see cref="AudioUrl"/> and <see cref="Text"/>; language and voice belong to text-to-speech only.
/// </summary>
public sealed partial record Prompt(string? AudioUrl, string? Text, string? Language = null, string? Voice = null)
{
    /// <summary>A prompt is a sentence or two, not a speech: the callee waits while it plays.</summary>
    public const int MaxTextLength = 1000;

    /// <summary>A media URL's longest: far beyond any real one, well within what a stored rule and a TwiML document hold.</summary>
    public const int MaxUrlLength = 2048;

    public static Prompt Audio(string url) => new(url, null);

    public static Prompt Speech(string text, string? language = null, string? voice = null) => new(null, text, language, voice);

    public bool IsAudio => !string.IsNullOrWhiteSpace(AudioUrl);

    /// <summary>The problems with this prompt, each prefixed with <paramref name="field"/> (the API's name for it).</summary>
    public IEnumerable<string> Validate(string field)
    {
        var hasAudio = !string.IsNullOrWhiteSpace(AudioUrl);
        var hasText = !string.IsNullOrWhiteSpace(Text);
        if (hasAudio == hasText)
        {
            yield return $"{field}: exactly one of audioUrl (an audio file) or text (text-to-speech)";
            yield break;
        }
        if (hasAudio)
        {
            // TWILIO.md §4: <Play> takes a media URL Twilio fetches; it must be absolute http(s).
            if (AudioUrl!.Length > MaxUrlLength)
                yield return $"{field}: audioUrl is at most {MaxUrlLength} characters";
            else if (!Uri.TryCreate(AudioUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Contains('_'))
                yield return $"{field}: audioUrl must be an absolute http(s) URL Twilio can fetch";
            if (Language is not null || Voice is not null)
                yield return $"{field}: language and voice apply to text-to-speech only, not to audioUrl";
            yield break;
        }
        if (Text!.Length > MaxTextLength) yield return $"{field}: text is at most {MaxTextLength} characters";
        // TWILIO.md §4 <Say>: language xx-YY; voice man, woman, Polly.* or Google.*.
        if (Language is not null && !LanguageTag().IsMatch(Language)) yield return $"{field}: language must be a tag like en-US";
        if (Voice is not null && !IsVoice(Voice)) yield return $"{field}: voice must be man, woman, Polly.<name> or Google.<name> (a name of letters, digits, '.', '_' and '-', at most {MaxVoiceNameLength})";
    }

    /// <summary>The longest voice name after <c>Polly.</c> or <c>Google.</c> (Twilio's longest, e.g. <c>Google.en-US-Chirp3-HD-Aoede</c>, are under 40).</summary>
    public const int MaxVoiceNameLength = 64;

    private static bool IsVoice(string voice) => voice is "man" or "woman" || VoiceName().IsMatch(voice);

    [GeneratedRegex(@"^(Polly|Google)\.[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex VoiceName();

    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();
}

/// <summary>
/// seed 001 "outbound call recording": whether callbacks of the rule are recorded, how long a recording stays available
/// (older ones are no longer listed and are deleted at Twilio), and what the customer hears about it before they are
/// connected (an audio file, text-to-speech, or nothing).
/// </summary>
public sealed record RecordingSettings(bool Enabled, TimeSpan StoragePeriod, Prompt? CustomerNotification = null)
{
    public static readonly TimeSpan DefaultStoragePeriod = TimeSpan.FromDays(30);
    public static readonly TimeSpan MinStoragePeriod = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxStoragePeriod = TimeSpan.FromDays(365);

    /// <summary>Today's behaviour: nothing is recorded.</summary>
    public static readonly RecordingSettings Off = new(false, DefaultStoragePeriod);

    public IEnumerable<string> Validate(RuleBounds bounds)
    {
        if (StoragePeriod < bounds.MinRecordingStorage || StoragePeriod > bounds.MaxRecordingStorage)
            yield return $"recording.storagePeriod: between {bounds.MinRecordingStorage} and {bounds.MaxRecordingStorage}";
        if (CustomerNotification is { } notice)
            foreach (var problem in notice.Validate("recording.customerNotification")) yield return problem;
    }
}

/// <summary>
/// What a customer leg answered by a machine means (seed 004: "if the callback connects to voicemail or is answered, the
/// task is considered complete"; some contact centers rather try again). Needs Twilio's answering-machine detection.
/// </summary>
public enum VoicemailPolicy
{
    /// <summary>No answering-machine detection: any answer completes the callback (today's behaviour).</summary>
    Off,
    /// <summary>A machine answer completes the callback (seed 004), after a short message is left.</summary>
    CountsAsReached,
    /// <summary>A machine answer is hung up and counts as not answered: the next interval's attempt follows.</summary>
    CountsAsNotAnswered,
}

/// <summary>
/// seed 004 "callback alert": the parts of what the whisper tells the agent before they press 1 (the caller's name or
/// "unknown caller", the contact's type, the dialled number's location, the queue, the callback's comment). Each part
/// can be switched off per rule (issue 16 §3); all are on by default.
/// </summary>
public sealed record WhisperParts(bool Name, bool Type, bool Location, bool Queue, bool Comment)
{
    public static readonly WhisperParts All = new(true, true, true, true, true);
}

/// <summary>Checks of the call features of a <see cref="CallbackRule"/>, named by their API fields.</summary>
public static class CallFeatureRules
{
    public static IEnumerable<string> Validate(CallbackRule rule, RuleBounds bounds)
    {
        if (rule.AgentPrompt is { } prompt)
            foreach (var problem in prompt.Validate("agentPrompt")) yield return problem;
        if (rule.Recording is null)
        {
            yield return "recording: required (use enabled: false to record nothing)";
            yield break;
        }
        foreach (var problem in rule.Recording.Validate(bounds)) yield return problem;
        if (!Enum.IsDefined(rule.Voicemail)) yield return "voicemail: one of off, counts-as-reached, counts-as-not-answered";
        if (rule.Whisper is null) yield return "whisper: required (each part true or false)";
    }
}
