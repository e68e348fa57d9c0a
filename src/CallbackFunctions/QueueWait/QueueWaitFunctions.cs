using System.Globalization;
using CallbackFunctions.AgentCalls;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Queues;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Http;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Settings;
using CallbackFunctions.Spool;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Twilio;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Twilio.TwiML;
using Twilio.TwiML.Voice;

namespace CallbackFunctions.QueueWait;

/// <summary>
/// The virtual queue (issue 15 §1; seed 002: a caller in a queue asks to be called back; seed 003: "without losing the
/// waiting position"). <c>POST /api/twilio/queue-wait</c> is the TwiML an operator sets as their
/// <c>&lt;Enqueue waitUrl&gt;</c>: the caller hears their position and an estimated wait, then "press 1 to be called
/// back", then the queue's hold message. On 1 (<c>POST /api/twilio/queue-wait-choice</c>, the <c>&lt;Gather&gt;</c>'s
/// action) a callback is made that keeps the moment the caller entered the queue as its place in line, due at once, and
/// the caller leaves the queue (<c>&lt;Leave&gt;</c>). Twilio's request to a Gather action carries no queue parameters,
/// so that moment travels in the action URL, which the signature covers.
/// </summary>
public sealed class QueueWaitFunctions(TwilioWebhook twilio, CallbackIntake intake, PhoneNumberNormalizer numbers, QueueSettingsRepository settings,
    WebhookUrls urls, IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILoggerFactory loggers)
{
    public const string WaitRoute = "queue-wait";
    public const string ChoiceRoute = "queue-wait-choice";

    /// <summary>How long the caller has to press 1 after the offer.</summary>
    private const int ChoiceTimeoutSeconds = 5;

    /// <summary>A waitUrl request this soon after the caller entered the queue is (about) the first.</summary>
    private const int FirstRequestWithin = 5;

    /// <summary>What plays between offers when the queue has no hold message (then Twilio asks for the waitUrl again).</summary>
    private const int PauseSeconds = 20;

    private readonly ILogger _logger = loggers.CreateLogger("CallbackFunctions.QueueWait");

    [ApiOperation("Twilio webhooks", "The <Enqueue waitUrl> of a queue: position, estimated wait, 'press 1 to be called back', then the queue's hold message",
        Query = ["queue: the queue the caller waits in (needed unless the setting Callbacks__DefaultQueue names one)"],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML for a caller waiting in the queue (only Say, Play, Pause and Gather)"])]
    [Function("QueueWait")]
    public Task<IResult> Wait(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/" + WaitRoute)] HttpRequest request, CancellationToken ct) =>
        twilio.RunAsync(request, budget => WaitAsync(request, RequestValues.Text(request, "queue") ?? options.CurrentValue.DefaultQueue, budget), ct);

    [ApiOperation("Twilio webhooks", "The caller's key press while waiting in the queue: 1 makes a callback that keeps their place, and they leave the queue",
        Query = ["queue: the queue the caller waits in (required)", "entered (integer): when the caller entered the queue, Unix seconds (required; set by queue-wait)"],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML: the callback confirmed and <Leave>, or nothing (the caller waits on)"])]
    [Function("QueueWaitChoice")]
    public Task<IResult> Choice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/" + ChoiceRoute)] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => ChoiceAsync(request, RequestValues.Text(request, "queue"), RequestValues.Text(request, "entered"), client, budget), ct);

    private async Task<IResult> WaitAsync(HttpRequest request, string? queue, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var waiting = new VoiceResponse();
        if (queue is null || !MissedCallFunctions.IsValidQueue(queue))
        {
            // The caller keeps waiting whatever the URL says; the operator sees why no callback is offered.
            intake.Routing.BadUrl(request, queue is null ? MissedCallFunctions.NoQueueReason : $"queue {RequestValues.Quote(queue)} is not a valid queue name");
            return waiting.Pause(length: PauseSeconds).ToResult();
        }
        var queueSettings = (await settings.GetAsync(queue, ct))?.Value ?? QueueSettings.Default;
        var now = time.GetUtcNow();
        var waited = Seconds(form["QueueTime"]) ?? 0;
        var position = Seconds(form["QueuePosition"]);
        var average = Seconds(form["AvgQueueTime"]);
        if (position is > 0) waiting.Say(position == 1 ? "You are next in the queue." : $"You are number {position} in the queue.");
        // Twilio's average wait of the queue's callers: the estimate a caller hears while in the queue.
        if (average is > 0)
            waiting.Say(SpokenMinutes.Of(TimeSpan.FromSeconds(average.Value)) is var m && m == 1 ? "The estimated wait is about 1 minute." : $"The estimated wait is about {m} minutes.");
        var caller = numbers.Normalize(form["From"]);
        // issue 15 §6: a queue at its maxPending offers no callback; the caller stays in the queue.
        if (caller.IsValid && await intake.QueueFullAsync(queue, queueSettings, ct)) waiting.Say("Callbacks are not available right now. Please stay on the line.");
        else if (caller.IsValid)
        {
            var entered = now - TimeSpan.FromSeconds(waited);
            var gather = VoiceTwiml.GatherDigit(urls.QueueWaitChoice(queue, entered), ChoiceTimeoutSeconds);
            gather.Say("To be called back instead, keeping your place in line, press 1.");
            waiting.Append(gather);
        }
        waiting.AppendPrompt(queueSettings.HoldMessage);
        if (queueSettings.HoldMessage is null) waiting.Pause(length: PauseSeconds);
        // Remembered on the first request (an agent may schedule a callback by its CallSid), not on every one after.
        return waited < FirstRequestWithin ? await intake.AnswerThenRememberAsync(request, waiting.ToResult(), queue) : waiting.ToResult();
    }

    private async Task<IResult> ChoiceAsync(HttpRequest request, string? queue, string? entered, DurableTaskClient client, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var now = time.GetUtcNow();
        var enteredAt = long.TryParse(entered, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) && unix <= now.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(unix) : (DateTimeOffset?)null;
        // Anything but 1 (or no key): nothing to do; the caller waits on (the waitUrl is asked again).
        if (form["Digits"] != "1") return new VoiceResponse().ToResult();
        var caller = numbers.Normalize(form["From"]);
        var stay = new VoiceResponse();
        if (queue is null || !MissedCallFunctions.IsValidQueue(queue) || enteredAt is null)
        {
            var problem = queue is null ? "no ?queue= in the URL" : !MissedCallFunctions.IsValidQueue(queue) ? $"queue {RequestValues.Quote(queue)} is not a valid queue name"
                : $"entered must be the Unix second the caller entered the queue, not {RequestValues.Quote(entered)}";
            intake.Routing.BadUrl(request, problem);
            return await intake.AnswerThenNoteAsync(request, stay.Say("Sorry, we cannot arrange a callback right now. Please stay on the line.").ToResult(),
                NoCallbackNote.Create(now, NoCallbackNotes.QueueWaitRoute, TwilioSids.Read(form, "CallSid", TwilioSids.Call), caller.E164 ?? form["From"].ToString(),
                    MissedCallFunctions.IsValidQueue(queue) ? queue : null, NoCallbackNotes.BadUrl, MissedCallFunctions.BadUrlReason(problem)));
        }
        if (!caller.IsValid)
        {
            MissedCallLog.NoCallback(_logger, PhoneMask.Mask(form["From"]), caller.Problem!);
            return await intake.AnswerThenNoteAsync(request, stay.Say("Sorry, we cannot call you back because your number is not available to us. Please stay on the line.").ToResult(),
                NoCallbackNote.Create(now, NoCallbackNotes.QueueWaitRoute, TwilioSids.Read(form, "CallSid", TwilioSids.Call), form["From"].ToString(), queue,
                    NoCallbackNotes.InvalidNumber, MissedCallFunctions.InvalidNumberReason(caller)));
        }
        var waitedFor = now - enteredAt.Value;
        var callSid = TwilioSids.Read(form, "CallSid", TwilioSids.Call);
        var admission = await intake.AdmitAsync(queue, caller.E164!, callSid ?? caller.E164!, (enteredAt.Value, now), ct);
        if (!admission.Admitted)
            return await intake.AnswerThenNoteAsync(request, stay.Say($"{admission.RefusedSaying} Please stay on the line.").ToResult(),
                NoCallbackNote.Create(now, NoCallbackNotes.QueueWaitRoute, callSid, caller.E164!, queue, admission.RefusedCode!, admission.RefusedReason!));
        // What the caller is told is the promise the queue's stats hold it to (issue 15 §5).
        var minutes = admission.Estimate?.EstimatedAt is { } at ? SpokenMinutes.Until(at, now) : (int?)null;
        var create = new CallbackRequest(caller.E164!, numbers.Normalize(form["To"]).E164 ?? "", queue, callSid,
            CallbackOrigin.QueueRequest, $"pressed 1 in the queue after waiting {Say(waitedFor)}; keeps its place", TimeSpan.Zero, now, RuleKind.ContactCenter,
            Place: enteredAt, PromisedAt: minutes is { } told ? now.AddMinutes(told) : null);
        var made = await intake.RecordAsync(create, client, ct);
        if (made.Result?.NoCallback is { } none)
            return await intake.AnswerThenNoteAsync(request, stay.Say("Sorry, we cannot arrange a callback right now. Please stay on the line.").ToResult(),
                NoCallbackNotes.For(create, none));
        QueueWaitLog.Pressed1(_logger, PhoneMask.Mask(caller.E164), queue, (int)waitedFor.TotalSeconds);
        var when = minutes switch { null => "as soon as an agent is free", 1 => "in about 1 minute", { } m => $"in about {m} minutes" };
        var answer = new VoiceResponse().Say($"Thank you. You keep your place in line, and we will call you back {when}. Goodbye.").Leave().ToResult();
        return await intake.AnswerThenStartAsync(request, answer, made.Result, new SpooledWebhook(create, null), client);
    }

    private static int? Seconds(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string Say(TimeSpan waited) =>
        waited < TimeSpan.FromMinutes(1) ? $"{Math.Max(0, (int)waited.TotalSeconds)} s" : $"{(int)waited.TotalMinutes} min";
}
