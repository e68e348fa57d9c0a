using CallbackFunctions.Http;
using System.Globalization;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Rules;

/// <summary>A prompt: an audio file (<c>audioUrl</c>), or text-to-speech (<c>text</c>, with an optional <c>language</c> and <c>voice</c>); exactly one of <c>audioUrl</c> and <c>text</c>.</summary>
/// <param name="AudioUrl">An absolute http(s) URL of an audio file Twilio can fetch (played with <c>&lt;Play&gt;</c>); at most 2048 characters.</param>
/// <param name="Text">Text to speak (<c>&lt;Say&gt;</c>); at most 1000 characters.</param>
/// <param name="Language">The text's language, a tag like <c>en-US</c> (Twilio's default <c>en-US</c>); not with <c>audioUrl</c>.</param>
/// <param name="Voice"><c>man</c>, <c>woman</c>, <c>Polly.&lt;name&gt;</c> or <c>Google.&lt;name&gt;</c> (a name of letters, digits, <c>.</c>, <c>_</c>, <c>-</c>, at most 64); Twilio's default when left out; not with <c>audioUrl</c>.</param>
public sealed record PromptBody(string? AudioUrl, string? Text, string? Language, string? Voice);

/// <summary>Recording of callback calls, as a rule body takes it (an object without <c>enabled</c> switches recording on).</summary>
/// <param name="Enabled">Whether callback calls are recorded (default true in this object).</param>
/// <param name="StoragePeriod">How long recordings stay available: a duration <c>d.hh:mm:ss</c> or a bare number of days (<c>"30"</c>), from 1 to 365 days (settings <c>Callbacks__MinRecordingStorage</c>, <c>__MaxRecordingStorage</c>). Default 30 days.</param>
/// <param name="CustomerNotification">Played to the customer before they are connected, while recording is on; null = none.</param>
public sealed record RecordingBody(bool? Enabled, string? StoragePeriod, PromptBody? CustomerNotification);

/// <summary>Recording of callback calls.</summary>
/// <param name="Enabled">Whether callback calls are recorded (both parties, from the customer's answer).</param>
/// <param name="StoragePeriod">How long recordings stay available (<c>d.hh:mm:ss</c>); older ones are deleted at Twilio.</param>
/// <param name="CustomerNotification">Played to the customer before they are connected, while recording is on, or null.</param>
public sealed record RecordingView(bool Enabled, string StoragePeriod, PromptBody? CustomerNotification);

/// <summary>What the whisper tells the agent before they press 1, part by part, as a rule body takes it: each part left out (or null) is on.</summary>
/// <param name="Name">The caller's name, or "unknown caller" (default true).</param>
/// <param name="Type">The contact's type: lead, customer, previous customer, or unknown (default true).</param>
/// <param name="Location">The location of the number the customer dialled (<c>/api/numbers</c>; default true).</param>
/// <param name="Queue">The callback's queue (default true).</param>
/// <param name="Comment">The scheduled callback's comment, where it has one (default true).</param>
public sealed record WhisperBody(bool? Name = null, bool? Type = null, bool? Location = null, bool? Queue = null, bool? Comment = null);

/// <summary>What the whisper tells the agent before they press 1, part by part.</summary>
/// <param name="Name">Whether it says the caller's name, or "unknown caller".</param>
/// <param name="Type">Whether it says the contact's type.</param>
/// <param name="Location">Whether it says the location of the number the customer dialled.</param>
/// <param name="Queue">Whether it says the callback's queue.</param>
/// <param name="Comment">Whether it says the scheduled callback's comment.</param>
public sealed record WhisperView(bool Name, bool Type, bool Location, bool Queue, bool Comment);

/// <summary>The call features of a rule body, read into the domain's types.</summary>
public sealed record CallFeatureSettings(Prompt? AgentPrompt, RecordingSettings Recording, VoicemailPolicy Voicemail, WhisperParts Whisper);

/// <summary>Reads and shows the call features of a rule (seed 001 voice prompt and recording, seed 004 voicemail and whisper parts).</summary>
public static class CallFeatureBodies
{
    /// <summary>Parses what the domain cannot check (formats, names); the domain then checks bounds and combinations.</summary>
    public static CallFeatureSettings Parse(PromptBody? agentPrompt, RecordingBody? recording, string? voicemail, WhisperBody? whisper,
        Dictionary<string, string[]> errors)
    {
        var storage = RecordingSettings.DefaultStoragePeriod;
        if (recording?.StoragePeriod is { } text && !TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out storage))
            errors["recording.storagePeriod"] = [$"{RequestValues.Quote(text)} is not a duration like 30.00:00:00 (or a number of days like 30)"];
        var policy = VoicemailPolicy.Off;
        if (voicemail is not null)
        {
            if (VoicemailNames.Parse(voicemail) is { } parsed) policy = parsed;
            else errors["voicemail"] = [$"{RequestValues.Quote(voicemail)} is not one of {string.Join(", ", Enum.GetValues<VoicemailPolicy>().Select(VoicemailNames.Name))}"];
        }
        var settings = recording is null
            ? RecordingSettings.Off
            : new RecordingSettings(recording.Enabled ?? true, storage, ToPrompt(recording.CustomerNotification));
        return new CallFeatureSettings(ToPrompt(agentPrompt), settings, policy, ToWhisper(whisper));
    }

    private static WhisperParts ToWhisper(WhisperBody? body) => body is null
        ? WhisperParts.All
        : new(body.Name ?? true, body.Type ?? true, body.Location ?? true, body.Queue ?? true, body.Comment ?? true);

    public static WhisperView View(WhisperParts whisper) => new(whisper.Name, whisper.Type, whisper.Location, whisper.Queue, whisper.Comment);

    public static PromptBody? View(Prompt? prompt) => prompt is null ? null : new(prompt.AudioUrl, prompt.Text, prompt.Language, prompt.Voice);

    public static RecordingView View(RecordingSettings recording) =>
        new(recording.Enabled, recording.StoragePeriod.ToString("c", CultureInfo.InvariantCulture), View(recording.CustomerNotification));

    public static Prompt? ToPrompt(PromptBody? body) =>
        body is null ? null : new Prompt(Blank(body.AudioUrl), Blank(body.Text), Blank(body.Language), Blank(body.Voice));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>The voicemail policies as the API spells them.</summary>
public static class VoicemailNames
{
    public static string Name(VoicemailPolicy policy) => policy switch
    {
        VoicemailPolicy.CountsAsReached => "counts-as-reached",
        VoicemailPolicy.CountsAsNotAnswered => "counts-as-not-answered",
        _ => "off",
    };

    public static VoicemailPolicy? Parse(string text) => text.ToLowerInvariant() switch
    {
        "off" => VoicemailPolicy.Off,
        "counts-as-reached" => VoicemailPolicy.CountsAsReached,
        "counts-as-not-answered" => VoicemailPolicy.CountsAsNotAnswered,
        _ => null,
    };
}
