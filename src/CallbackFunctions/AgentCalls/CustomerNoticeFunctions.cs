using System.Globalization;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Rules;
using CallbackFunctions.Storage;
using CallbackFunctions.Twilio;
using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Twilio.TwiML;

namespace CallbackFunctions.AgentCalls;

/// <summary>What the answer on the customer leg means under the rule's voicemail policy (seed 004).</summary>
public enum CustomerAnswer
{
    /// <summary>A person (or no verdict): connect them, the callback is done.</summary>
    Person,
    /// <summary>Voicemail, counted as reached: leave a short message, the callback is done.</summary>
    VoicemailReached,
    /// <summary>A machine, counted as not answered: hang up, the next attempt follows at its interval.</summary>
    MachineNotAnswered,
}

public static class MachineVerdict
{
    public static CustomerAnswer Decide(VoicemailPolicy policy, AnsweredBy? answeredBy) => (policy, answeredBy) switch
    {
        (VoicemailPolicy.Off, _) => CustomerAnswer.Person,
        // A fax line takes no message and no call: nobody was reached, whatever the policy.
        (_, AnsweredBy.Fax) => CustomerAnswer.MachineNotAnswered,
        (VoicemailPolicy.CountsAsReached, AnsweredBy.MachineStart or AnsweredBy.MachineEnd) => CustomerAnswer.VoicemailReached,
        (VoicemailPolicy.CountsAsNotAnswered, AnsweredBy.MachineStart or AnsweredBy.MachineEnd) => CustomerAnswer.MachineNotAnswered,
        // human; unknown (detection timed out: rather connect a person than hang up on one); no verdict at all.
        _ => CustomerAnswer.Person,
    };
}

/// <summary>
/// <c>customer-notice</c>: the customer leg's <c>&lt;Number url&gt;</c>, run on the customer after they answer and before
/// they are connected to the agent. With answering-machine detection it first acts on the <c>AnsweredBy</c> verdict
/// (TWILIO.md §5, sync mode); for a person it then plays the recording notice (seed 001: "inform a customer that their
/// call is being recorded") and ends, which connects them.
/// </summary>
public sealed class CustomerNoticeFunctions(TwilioWebhook twilio, CallbackRuns runs, CallbackReader callbacks, CallFeatureReader features, ILoggerFactory loggers)
{
    [ApiOperation("Twilio webhooks", "<Number url> of the customer leg: acts on the answering-machine verdict, plays the recording notice before connecting", Query = [WebhookUrls.Parameters.Callback, WebhookUrls.Parameters.Attempt,
        "recorded (boolean): whether the leg is recorded", "voicemail (off|counts-as-reached|counts-as-not-answered): the rule's voicemail policy"],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML: the recording notice, the voicemail message, or a hang-up for a machine"])]
    [Function("CustomerNotice")]
    public Task<IResult> CustomerNotice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/customer-notice")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => AgentCallFunctions.Callback(request, out var id) is { } problem ? Task.FromResult(problem)
            : RequestValues.TryRequiredNumber(request, "attempt", out var attempt, out problem) && RequestValues.TryFlag(request, "recorded", out var recorded, out problem)
                ? CustomerNoticeAsync(request, id, attempt, recorded ?? false, RequestValues.Text(request, "voicemail") ?? "off", client, budget)
                : Task.FromResult(problem!), ct);

    /// <summary>What the customer who answered hears: the voicemail message, a hang-up for a machine, or (a person) the recording notice, if any, before the agent.</summary>
    private async Task<IResult> CustomerNoticeAsync(HttpRequest request, string callbackId, int attempt, bool recorded, string voicemail,
        DurableTaskClient client, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var logger = loggers.CreateLogger("CallbackFunctions.AgentCalls");
        var callSid = TwilioSids.Read(form, "CallSid", TwilioSids.Call);
        var policy = VoicemailNames.Parse(voicemail) ?? VoicemailPolicy.Off;
        AnsweredBy? answeredBy = null;
        if (form.TryGetValue("AnsweredBy", out var raw))
        {
            answeredBy = AnsweredByParser.Parse(raw);
            if (answeredBy is null) TwilioLog.UnknownValue(logger, request.Path, "AnsweredBy", raw);
        }
        var answer = MachineVerdict.Decide(policy, answeredBy);
        if (policy != VoicemailPolicy.Off) CallFeatureLog.Verdict(logger, callbackId, attempt, callSid, raw.ToString(), answer.ToString());
        CallbackEvent? verdict = answer switch
        {
            CustomerAnswer.VoicemailReached => new VoicemailReached(attempt, callSid),
            CustomerAnswer.MachineNotAnswered => new CustomerNotReached(attempt, CustomerOutcome.Machine, callSid),
            // With detection the leg's own "answered" is not taken as the answer (dial-result): the person is recorded here.
            _ when policy != VoicemailPolicy.Off => new CustomerAnswered(attempt, callSid),
            _ => null,
        };
        var decision = verdict is null ? null : await runs.TellAsync(client, callbackId, verdict, ct);
        var callback = decision?.Callback ?? await callbacks.ShownAsync(client, callbackId, ct);
        switch (answer)
        {
            case CustomerAnswer.VoicemailReached:
                return new VoiceResponse().Say(VoicemailMessage(callback)).Hangup().ToResult();
            case CustomerAnswer.MachineNotAnswered:
                return new VoiceResponse().Hangup().ToResult();
        }
        // Ending the document connects the customer; the notice, when there is one, plays first.
        var notice = recorded && callback is not null ? (await features.ForAsync(callback, ct)).Recording.CustomerNotification : null;
        return new VoiceResponse().AppendPrompt(notice).ToResult();
    }

    /// <summary>seed 004: the voicemail completes the callback, so it says who called and how to call back.</summary>
    public static string VoicemailMessage(Callback? callback)
    {
        var number = callback is null ? "" : " " + string.Join(' ', callback.CallerId.TrimStart('+').ToCharArray());
        return string.Create(CultureInfo.InvariantCulture,
            $"Hello, we are returning your call. Sorry we missed you. Please call us back at{(number.Length == 0 ? " this number" : number)}. Goodbye.");
    }
}

/// <summary>Log events of the call features on the customer leg (EventIds 7520-7539).</summary>
internal static partial class CallFeatureLog
{
    [LoggerMessage(EventId = 7520, Level = LogLevel.Information, Message = "Callback {CallbackId} attempt {Attempt}: customer leg {CallSid} answered by '{AnsweredBy}': {Meaning}")]
    public static partial void Verdict(ILogger logger, string callbackId, int attempt, string? callSid, string answeredBy, string meaning);
}
