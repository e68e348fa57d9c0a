using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Rules;
using CallbackFunctions.Twilio;
using Twilio.TwiML;
using Play = Twilio.TwiML.Voice.Play;
using Say = Twilio.TwiML.Voice.Say;

namespace CallbackFunctions.AgentCalls;

/// <summary>
/// The call features (agent prompt, recording, voicemail policy, whisper parts) of the rule a callback follows, read as
/// the rule stands when the TwiML is written. A callback without a rule (an IVR request) has none, and a whole whisper.
/// </summary>
public sealed class CallFeatureReader(RuleBook rules)
{
    public static readonly CallFeatureSettings None = new(null, RecordingSettings.Off, VoicemailPolicy.Off, WhisperParts.All);

    public async Task<CallFeatureSettings> ForAsync(Callback callback, CancellationToken ct)
    {
        if (callback.Rule is not { } kind) return None;
        var rule = (await rules.CurrentAsync(ct))[kind];
        return new CallFeatureSettings(rule.AgentPrompt, rule.Recording, rule.Voicemail, rule.Whisper);
    }
}

/// <summary>How the agent's call dials the customer: where results go, and the recording, notice and machine detection.</summary>
public sealed record CustomerDial(Uri Results, DialExtras? Extras)
{
    public static CustomerDial For(Callback callback, CallFeatureSettings features, WebhookUrls urls)
    {
        var attempt = callback.CustomerLeg!.Attempt;
        var detect = features.Voicemail != VoicemailPolicy.Off;
        var recorded = features.Recording.Enabled;
        // With detection the verdict decides whether the customer was reached, so the leg's results say so in their URL.
        var results = detect ? urls.DialResultAfterDetection(callback.Id, attempt) : urls.DialResult(callback.Id, attempt);
        var notice = recorded && features.Recording.CustomerNotification is not null;
        if (!recorded && !detect) return new CustomerDial(results, null);
        return new CustomerDial(results, new DialExtras(
            RecordingStatusCallback: recorded ? urls.RecordingStatus(callback.Id, attempt) : null,
            CalleeUrl: notice || detect ? urls.CustomerNotice(callback.Id, attempt, recorded, VoicemailNames.Name(features.Voicemail)) : null,
            MachineDetection: MachineDetectionFor(features.Voicemail)));
    }

    /// <summary>
    /// TWILIO.md §5. Counted as reached, a message is left, so wait for the greeting to end (DetectMessageEnd); counted
    /// as not answered, hang up as soon as a machine is recognised (Enable).
    /// </summary>
    public static string? MachineDetectionFor(VoicemailPolicy policy) => policy switch
    {
        VoicemailPolicy.CountsAsReached => "DetectMessageEnd",
        VoicemailPolicy.CountsAsNotAnswered => "Enable",
        _ => null,
    };
}

public static class PromptTwiml
{
    /// <summary>Plays an audio prompt or says a text-to-speech one (TWILIO.md §4 <c>&lt;Play&gt;</c>, <c>&lt;Say voice language&gt;</c>); none adds nothing.</summary>
    public static T AppendPrompt<T>(this T twiml, Prompt? prompt) where T : TwiML
    {
        switch (prompt)
        {
            case null:
                break;
            case { IsAudio: true }:
                twiml.Append(new Play(new Uri(prompt.AudioUrl!)));
                break;
            default:
                twiml.Append(new Say(prompt.Text!,
                    voice: prompt.Voice is { } voice ? (Say.VoiceEnum)voice : null,
                    language: prompt.Language is { } language ? (Say.LanguageEnum)language : null));
                break;
        }
        return twiml;
    }
}
