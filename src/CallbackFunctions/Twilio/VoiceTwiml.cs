using System.Text;
using System.Xml.Linq;
using Twilio.TwiML;
using Twilio.TwiML.Voice;
using Twilio.Types;
using HttpMethod = Twilio.Http.HttpMethod;

namespace CallbackFunctions.Twilio;

/// <summary>
/// Our TwiML on the SDK's <see cref="VoiceResponse"/> (TWILIO.md §4): the gather and dial we use, with the choices we
/// always make (one DTMF digit, POST callbacks, the leg events we listen to), and TwiML as an <see cref="IResult"/>.
/// </summary>
public static class VoiceTwiml
{
    /// <summary>Gathers one digit; prompts said or played inside it are interrupted by a key press (only Say, Play and Pause may be).</summary>
    public static Gather GatherDigit(Uri action, int timeoutSeconds) =>
        new(input: [Gather.InputEnum.Dtmf], numDigits: 1, timeout: timeoutSeconds, action: action, method: HttpMethod.Post);

    /// <summary>Dials one number from the current call; results go to <paramref name="action"/> and the number's status callback.</summary>
    public static Dial DialNumber(string number, string callerId, int timeoutSeconds, Uri action, Uri statusCallback, DialExtras? extras = null)
    {
        var recording = extras?.RecordingStatusCallback;
        var dial = new Dial(
            action: action,
            method: HttpMethod.Post,
            timeout: Math.Clamp(timeoutSeconds, 5, 600), // Twilio's bounds for <Dial timeout>
            callerId: callerId,
            // Both parties, each on its own channel, from the moment the customer answers (TWILIO.md §4 <Dial record>).
            record: recording is null ? null : Dial.RecordEnum.RecordFromAnswerDual,
            recordingStatusCallback: recording,
            recordingStatusCallbackMethod: recording is null ? null : HttpMethod.Post,
            recordingStatusCallbackEvent: recording is null ? null : [Dial.RecordingEventEnum.Completed]);
        return dial.Number(
            new PhoneNumber(number),
            url: extras?.CalleeUrl,
            method: extras?.CalleeUrl is null ? null : HttpMethod.Post,
            machineDetection: extras?.MachineDetection,
            statusCallback: statusCallback,
            statusCallbackMethod: HttpMethod.Post,
            statusCallbackEvent: [Number.EventEnum.Answered, Number.EventEnum.Completed]);
    }

    /// <summary>How we send TwiML.</summary>
    public const string MediaType = "application/xml";

    public static IResult ToResult(this VoiceResponse response) =>
        Results.Text(response.ToString(SaveOptions.DisableFormatting), MediaType, Encoding.UTF8);
}

/// <summary>
/// Optional parts of a <c>&lt;Dial&gt;&lt;Number&gt;</c>: record the call (results to <see cref="RecordingStatusCallback"/>);
/// TwiML the callee hears after answering, before being connected (<see cref="CalleeUrl"/>, the <c>&lt;Number url&gt;</c>);
/// answering-machine detection on the callee (<c>Enable</c> or <c>DetectMessageEnd</c>; the verdict arrives as
/// <c>AnsweredBy</c> in the request to <see cref="CalleeUrl"/>, TWILIO.md §5).
/// </summary>
public sealed record DialExtras(Uri? RecordingStatusCallback = null, Uri? CalleeUrl = null, string? MachineDetection = null);
