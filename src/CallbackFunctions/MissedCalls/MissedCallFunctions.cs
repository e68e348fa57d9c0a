using System.Text.RegularExpressions;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Rules;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Settings;
using CallbackFunctions.Spool;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Twilio;
using Microsoft.DurableTask.Client;
using CallbackFunctions.Callbacks;
using Microsoft.Extensions.Options;
using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker;
using Twilio.TwiML;

namespace CallbackFunctions.MissedCalls;

/// <summary>
/// <c>POST /api/twilio/missed-call</c> and <c>POST /api/twilio/ivr-callback</c>, the HTTP functions. Both always answer
/// valid TwiML fast: a storage failure spools the webhook locally rather than failing the call or losing the callback.
/// </summary>
public sealed partial class MissedCallFunctions(TwilioWebhook twilio, MissedCallService service, WebhookSpool spool, PhoneNumberNormalizer numbers,
    IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILoggerFactory loggers, CallbackIntake intake)
{
    private Routing Routing => intake.Routing;
    private readonly ILogger _logger = loggers.CreateLogger("CallbackFunctions.MissedCalls");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex QueueName();

    /// <summary>A queue name (also an agent id): letters, digits, '_', '.', '-'; at most 64.</summary>
    public static bool IsValidQueue(string? queue) => queue is not null && QueueName().IsMatch(queue);

    [ApiOperation("Twilio webhooks", "Enqueue action, Dial action or call status callback of an inbound call: lost makes or refreshes a callback, served cancels the caller's callbacks", Query = ["queue: the queue the caller was lost in (needed unless the setting Callbacks__DefaultQueue names one)",
        "lostIn (scenario|contact-center): which rule applies, when Twilio's parameters do not tell", "agent: the agent who missed the call (an agent id)"],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML ending the call (a status callback's is ignored)"])]
    [Function("MissedCall")]
    public Task<IResult> MissedCall(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/missed-call")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => MissedCallAsync(request, RequestValues.Text(request, "queue") ?? options.CurrentValue.DefaultQueue,
            RequestValues.Text(request, "lostIn"), RequestValues.Text(request, "agent"), client, budget), ct);

    [ApiOperation("Twilio webhooks", "The IVR callback node: schedules a callback, confirms and hangs up", Query = ["queue: the queue to call back for (needed unless the setting Callbacks__DefaultQueue names one)",
        "delayMinutes (integer): when to call back, in minutes; 0 (the default) = as soon as an agent is free"],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML confirming the callback (or saying why there is none) and hanging up"])]
    [Function("IvrCallback")]
    public Task<IResult> IvrCallback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/ivr-callback")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => IvrCallbackAsync(request, RequestValues.Text(request, "queue") ?? options.CurrentValue.DefaultQueue,
            RequestValues.Text(request, "delayMinutes"), client, budget), ct);

    private async Task<IResult> MissedCallAsync(HttpRequest request, string? queue, string? lostIn, string? agent, DurableTaskClient client, CancellationToken ct)
    {
        spool.Remember(client);
        var lostInOverride = lostIn is null ? null : RuleKindNames.Parse(lostIn);
        // A URL the route cannot use is the operator's to fix (reported); the caller hears a clean goodbye, not Twilio's
        // application error, and a served call still cancels the caller's callbacks (those need no queue).
        var badUrl = queue is not null && !IsValidQueue(queue) ? $"queue {RequestValues.Quote(queue)} is not a valid queue name"
            : lostIn is not null && lostInOverride is null ? $"lostIn {RequestValues.Quote(lostIn)} is not 'scenario' or 'contact-center'"
            : agent is not null && !IsValidQueue(agent) ? $"agent {RequestValues.Quote(agent)} is not a valid agent id"
            : null;
        if (badUrl is not null) Routing.BadUrl(request, badUrl);
        var form = await request.ReadFormAsync(ct);
        var (outcome, reason, unknown) = InboundOutcomeReader.Read(form["QueueResult"], form["DialCallStatus"], form["CallStatus"]);
        if (unknown is not null) MissedCallLog.Unrecognised(_logger, unknown);
        var caller = numbers.Normalize(form["From"]);
        var goodbye = new VoiceResponse().Say("Sorry we missed your call. Goodbye.").Hangup().ToResult();
        switch (outcome)
        {
            case InboundOutcome.Lost when badUrl is not null:
                return await AnswerThenNoteAsync(request, goodbye,
                    Note(NoCallbackNotes.MissedCallRoute, form, caller, IsValidQueue(queue) ? queue : null, NoCallbackNotes.BadUrl, BadUrlReason(badUrl)));
            case InboundOutcome.Lost when !caller.IsValid:
                MissedCallLog.NoCallback(_logger, PhoneMask.Mask(form["From"]), caller.Problem!);
                return await AnswerThenNoteAsync(request, new VoiceResponse().Say("Sorry, we could not take your call.").Hangup().ToResult(),
                    Note(NoCallbackNotes.MissedCallRoute, form, caller, queue, NoCallbackNotes.InvalidNumber, InvalidNumberReason(caller)));
            case InboundOutcome.Lost when !Routing.HasQueue(request, queue, caller.E164!):
                return await AnswerThenNoteAsync(request, goodbye, Note(NoCallbackNotes.MissedCallRoute, form, caller, null, NoCallbackNotes.NoQueue, NoQueueReason));
            case InboundOutcome.Lost when form["QueueResult"] == "leave"
                                          && await service.PressedOneAsync(TwilioSids.Read(form, "CallSid", TwilioSids.Call), queue!, ct):
                // The caller pressed 1 in the queue (queue-wait): they left with a callback that keeps their place.
                return new VoiceResponse().Say("We will call you back. Goodbye.").Hangup().ToResult();
            case InboundOutcome.Lost:
                var calledNumber = numbers.Normalize(form["To"]);
                // seed 001: where the call was lost picks the rule: at a queue or an agent (Enqueue/Dial results), or
                // in the IVR (a call that just ended unanswered); the IVR designer may say so with ?lostIn=.
                var kind = lostInOverride ?? (string.IsNullOrEmpty(form["QueueResult"]) && string.IsNullOrEmpty(form["DialCallStatus"])
                    ? RuleKind.Scenario : RuleKind.ContactCenter);
                var create = new CallbackRequest(caller.E164!, calledNumber.E164 ?? "", queue!, TwilioSids.Read(form, "CallSid", TwilioSids.Call), CallbackOrigin.MissedCall,
                    $"missed call: {reason}", null, time.GetUtcNow(), kind, agent, Place: EnteredQueue(form["QueueTime"]));
                var item = new SpooledWebhook(create, null);
                var made = await WithSpoolAsync(item, c => service.RecordAsync(create, c), ct);
                if (made.Result?.NoCallback is { } none) return await AnswerThenNoteAsync(request, goodbye, NoCallbackNotes.For(create, none));
                var answer = new VoiceResponse().Say("Sorry we missed your call. We will call you back shortly.").Hangup().ToResult();
                return await AnswerThenStartAsync(request, answer, made.Result, item, client);
            case InboundOutcome.Served when caller.IsValid:
                await WithSpoolAsync(new SpooledWebhook(null, caller.E164), async c =>
                {
                    var count = await service.CancelForCallerAsync(caller.E164!, CancelReason.Served, client, c);
                    MissedCallLog.Served(_logger, PhoneMask.Mask(caller.E164), count);
                    return count;
                }, ct);
                return new VoiceResponse().Hangup().ToResult();
            default:
                return new VoiceResponse().Hangup().ToResult();
        }
    }

    private async Task<IResult> IvrCallbackAsync(HttpRequest request, string? queue, string? delayMinutes, DurableTaskClient client, CancellationToken ct)
    {
        spool.Remember(client);
        var max = options.CurrentValue.MaxIvrDelayMinutes;
        var delay = 0;
        var badUrl = queue is not null && !IsValidQueue(queue) ? $"queue {RequestValues.Quote(queue)} is not a valid queue name"
            : delayMinutes is not null && (!int.TryParse(delayMinutes, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out delay)
                                            || delay < 0 || delay > max) ? $"delayMinutes must be a whole number from 0 to {max}, not {RequestValues.Quote(delayMinutes)}"
            : null;
        var form = await request.ReadFormAsync(ct);
        var caller = numbers.Normalize(form["From"]);
        var cannot = new VoiceResponse().Say("Sorry, we cannot arrange a callback right now. Goodbye.").Hangup().ToResult();
        if (badUrl is not null)
        {
            // The caller asked for a callback the URL cannot arrange: they hear so, the operator sees why.
            Routing.BadUrl(request, badUrl);
            return await AnswerThenNoteAsync(request, cannot,
                Note(NoCallbackNotes.IvrCallbackRoute, form, caller, IsValidQueue(queue) ? queue : null, NoCallbackNotes.BadUrl, BadUrlReason(badUrl)));
        }
        if (!caller.IsValid)
        {
            MissedCallLog.NoCallback(_logger, PhoneMask.Mask(form["From"]), caller.Problem!);
            return await AnswerThenNoteAsync(request, new VoiceResponse().Say("Sorry, we cannot call you back because your number is not available to us.").Hangup().ToResult(),
                Note(NoCallbackNotes.IvrCallbackRoute, form, caller, queue, NoCallbackNotes.InvalidNumber, InvalidNumberReason(caller)));
        }
        if (!Routing.HasQueue(request, queue, caller.E164!))
            return await AnswerThenNoteAsync(request, cannot, Note(NoCallbackNotes.IvrCallbackRoute, form, caller, null, NoCallbackNotes.NoQueue, NoQueueReason));
        var create = new CallbackRequest(caller.E164!, numbers.Normalize(form["To"]).E164 ?? "", queue!, TwilioSids.Read(form, "CallSid", TwilioSids.Call), CallbackOrigin.IvrRequest,
            delay == 0 ? "callback requested in the IVR" : $"callback requested in the IVR for {delay} minutes later",
            TimeSpan.FromMinutes(delay), time.GetUtcNow(), RuleKind.Scenario);
        var item = new SpooledWebhook(create, null);
        var made = await WithSpoolAsync(item, c => service.RecordAsync(create, c), ct);
        if (made.Result?.NoCallback is { } none) return await AnswerThenNoteAsync(request, cannot, NoCallbackNotes.For(create, none));
        var when = delay == 0 ? "shortly" : delay == 1 ? "in about a minute" : $"in about {delay} minutes";
        return await AnswerThenStartAsync(request, new VoiceResponse().Say($"Thank you. We will call you back {when}. Goodbye.").Hangup().ToResult(),
            made.Result, item, client);
    }

    private Task<IResult> AnswerThenStartAsync(HttpRequest request, IResult answer, MissedCallService.Recorded? recorded, SpooledWebhook item, DurableTaskClient client) =>
        intake.AnswerThenStartAsync(request, answer, recorded, item, client);

    private Task<IResult> AnswerThenNoteAsync(HttpRequest request, IResult answer, NoCallbackNote note) => intake.AnswerThenNoteAsync(request, answer, note);

    private Task<(T? Result, bool Spooled)> WithSpoolAsync<T>(SpooledWebhook item, Func<CancellationToken, Task<T>> work, CancellationToken ct) =>
        intake.WithSpoolAsync(item, work, ct);

    /// <summary>A call lost in the queue keeps the moment it entered it as its place in line (Twilio's <c>QueueTime</c>, whole seconds).</summary>
    private DateTimeOffset? EnteredQueue(string? queueTime) =>
        int.TryParse(queueTime, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var waited)
            ? time.GetUtcNow() - TimeSpan.FromSeconds(waited) : null;

    internal const string NoQueueReason = "no ?queue= in the webhook URL and no Callbacks__DefaultQueue";

    internal static string BadUrlReason(string problem) => $"the webhook URL is wrong: {problem}";

    internal static string InvalidNumberReason(NormalizedNumber caller) => $"no number to call back: {caller.Problem}";

    /// <summary>A note of this webhook, received now: the caller's E.164, or the <c>From</c> Twilio sent when it is not a number.</summary>
    private NoCallbackNote Note(string route, IFormCollection form, NormalizedNumber caller, string? queue, string code, string reason) =>
        NoCallbackNote.Create(time.GetUtcNow(), route, TwilioSids.Read(form, "CallSid", TwilioSids.Call), caller.E164 ?? form["From"].ToString(), queue, code, reason);

}

/// <summary>What a lost call's webhook checks of its own URL: a queue named, and served by someone; what is amiss is reported.</summary>
public sealed record Routing(TwilioWebhook Webhooks, Agents.AgentDirectory Agents)
{
    /// <summary>Reports a webhook URL whose parameters the route cannot use (a mistyped webhook URL in the Twilio console).</summary>
    public void BadUrl(HttpRequest request, string problem) => Webhooks.ReportMisrouted(request, problem);

    /// <summary>False (reported) when the URL names no queue: a mistyped webhook URL would otherwise be a silent dead end.</summary>
    public bool HasQueue(HttpRequest request, string? queue, string caller)
    {
        if (queue is not null) return true;
        Webhooks.ReportMisrouted(request, $"no ?queue= in the webhook URL and no Callbacks__DefaultQueue: no callback for {PhoneMask.Mask(caller)}");
        return false;
    }

    /// <summary>Reports a queue no agent serves (the callback is made all the same: agents may be added before it is due); false then.</summary>
    public async Task<bool> CheckServedAsync(HttpRequest request, string queue, CancellationToken ct)
    {
        if (await Agents.AnyServesAsync(queue, ct)) return true;
        Webhooks.ReportMisrouted(request, $"no agent serves queue '{queue}': its callbacks wait until one does, or expire");
        return false;
    }
}
