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
using CallbackFunctions.Slots;
using CallbackFunctions.Domain.Scheduling;
using Microsoft.Azure.Functions.Worker;
using Twilio.TwiML;

namespace CallbackFunctions.MissedCalls;

/// <summary>
/// <c>POST /api/twilio/missed-call</c>, <c>POST /api/twilio/ivr-callback</c> and its call-slot pick
/// <c>POST /api/twilio/ivr-callback-slot</c>, the HTTP functions. All always answer
/// valid TwiML fast: a storage failure spools the webhook locally rather than failing the call or losing the callback.
/// </summary>
public sealed partial class MissedCallFunctions(TwilioWebhook twilio, MissedCallService service, WebhookSpool spool, PhoneNumberNormalizer numbers,
    SlotDesk slotDesk, IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILoggerFactory loggers, CallbackIntake intake)
{
    private Routing Routing => intake.Routing;
    private readonly ILogger _logger = loggers.CreateLogger("CallbackFunctions.MissedCalls");

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\z")]
    private static partial Regex QueueName();

    /// <summary>A queue name (also an agent id): letters, digits, '_', '.', '-'; at most 64.</summary>
    public static bool IsValidQueue(string? queue) => queue is not null && QueueName().IsMatch(queue);

    [ApiOperation("Twilio webhooks", "Enqueue action, Dial action or call status callback of an inbound call: lost makes or refreshes a callback, served cancels the caller's callbacks", Query = ["queue: the queue the caller was lost in (needed unless the setting Callbacks__DefaultQueue names one)",
        "lostIn (scenario|contact-center): which rule applies, when Twilio's parameters do not tell", "agent: the agent who missed the call (an agent id)"],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML ending the call (a status callback's is ignored)"])]
    [Function("MissedCall")]
    public Task<IResult> MissedCall(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/missed-call")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => MissedCallAsync(request, RequestValues.Text(request, "queue") ?? options.CurrentValue.DefaultQueue,
            RequestValues.Text(request, "lostIn"), RequestValues.Text(request, "agent"), client, budget), ct);

    [ApiOperation("Twilio webhooks", "The IVR callback node: schedules a callback, confirms and hangs up", Query = ["queue: the queue to call back for (needed unless the setting Callbacks__DefaultQueue names one)",
        "delayMinutes (integer): when to call back, in minutes; 0 (the default) = as soon as an agent is free",
        "slots (true|false): offer the queue's next three call slots with room to pick from (ivr-callback-slot takes the pick); with none free, the callback is made as without"],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML confirming the callback (or saying why there is none) and hanging up, or offering the call slots"])]
    [Function("IvrCallback")]
    public Task<IResult> IvrCallback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/ivr-callback")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => IvrCallbackAsync(request, RequestValues.Text(request, "queue") ?? options.CurrentValue.DefaultQueue,
            RequestValues.Text(request, "delayMinutes"), RequestValues.Text(request, "slots"), client, budget), ct);

    [ApiOperation("Twilio webhooks", "The caller's pick of a call slot (the Gather action of ivr-callback?slots=true): books a place in the slot, makes the callback due at its start, confirms and hangs up; a slot full by then is said and the others offered again",
        Query = ["queue: the queue whose slot is picked (needed unless the setting Callbacks__DefaultQueue names one)",
            "offered: the slot instances offered, comma-separated in the order of their digits, each the local date and time in the queue's time zone (yyyy-MM-ddTHH:mm); 1 to 9 (required)",
            "repeated (true|false): whether the offer was already repeated after no or a wrong key (then another miss ends the call)"],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML confirming the slot and hanging up, offering the slots again, or saying why there is no callback"])]
    [Function("IvrCallbackSlot")]
    public Task<IResult> IvrCallbackSlot(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/ivr-callback-slot")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => IvrCallbackSlotAsync(request, RequestValues.Text(request, "queue") ?? options.CurrentValue.DefaultQueue,
            RequestValues.Text(request, "offered"), RequestValues.Text(request, "repeated"), client, budget), ct);

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

    private async Task<IResult> IvrCallbackAsync(HttpRequest request, string? queue, string? delayMinutes, string? slots, DurableTaskClient client, CancellationToken ct)
    {
        spool.Remember(client);
        var max = options.CurrentValue.MaxIvrDelayMinutes;
        var delay = 0;
        var badUrl = queue is not null && !IsValidQueue(queue) ? $"queue {RequestValues.Quote(queue)} is not a valid queue name"
            : delayMinutes is not null && (!int.TryParse(delayMinutes, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out delay)
                                            || delay < 0 || delay > max) ? $"delayMinutes must be a whole number from 0 to {max}, not {RequestValues.Quote(delayMinutes)}"
            : slots is not (null or "true" or "false") ? $"slots must be 'true' or 'false', not {RequestValues.Quote(slots)}"
            : null;
        var form = await request.ReadFormAsync(ct);
        var caller = numbers.Normalize(form["From"]);
        var cannot = new VoiceResponse().Say("Sorry, we cannot arrange a callback right now. Goodbye.").Hangup().ToResult();
        if (await RefusedAsync(request, NoCallbackNotes.IvrCallbackRoute, form, caller, queue, badUrl, cannot) is { } refusal) return refusal;
        // issue 15 §6: the queue's maxPending and the number's daily cap (a slot picked later counts as this same request).
        var now = time.GetUtcNow();
        // The estimate is told only for "as soon as possible"; a delay asked for is the promise itself.
        var admission = await intake.AdmitAsync(queue!, caller.E164!, TwilioSids.Read(form, "CallSid", TwilioSids.Call) ?? caller.E164!,
            delay == 0 ? (now, now) : null, ct);
        if (!admission.Admitted)
            return await AnswerThenNoteAsync(request, new VoiceResponse().Say($"{admission.RefusedSaying} Goodbye.").Hangup().ToResult(),
                Note(NoCallbackNotes.IvrCallbackRoute, form, caller, queue, admission.RefusedCode!, admission.RefusedReason!));
        var noSlotFree = false;
        if (slots == "true")
        {
            var menu = await slotDesk.MenuAsync(queue!, caller.E164!, ct);
            if (!menu.IsEmpty) return slotDesk.Offer(queue!, menu, repeated: false).ToResult();
            // A caller who asked to be called back expects a call: with no slot free to pick, as soon as possible (or
            // after delayMinutes), as without slots, and they hear why they had no choice.
            noSlotFree = true;
        }
        // What the caller is told is the promise the queue's stats hold it to: the time asked for, or the estimate (issue 15 §5).
        var minutes = delay > 0 ? delay : admission.Estimate?.EstimatedAt is { } at ? Domain.Queues.SpokenMinutes.Until(at, now) : (int?)null;
        var create = new CallbackRequest(caller.E164!, numbers.Normalize(form["To"]).E164 ?? "", queue!, TwilioSids.Read(form, "CallSid", TwilioSids.Call), CallbackOrigin.IvrRequest,
            delay == 0 ? "callback requested in the IVR" : $"callback requested in the IVR for {delay} minutes later",
            TimeSpan.FromMinutes(delay), now, RuleKind.Scenario, PromisedAt: minutes is { } told ? now.AddMinutes(told) : null);
        var item = new SpooledWebhook(create, null);
        var made = await WithSpoolAsync(item, c => service.RecordAsync(create, c), ct);
        if (made.Result?.NoCallback is { } none) return await AnswerThenNoteAsync(request, cannot, NoCallbackNotes.For(create, none));
        var when = minutes switch { null => "shortly", 1 => "in about a minute", { } m => $"in about {m} minutes" };
        var why = noSlotFree ? "There is no time free to choose from. " : "";
        return await AnswerThenStartAsync(request, new VoiceResponse().Say($"{why}Thank you. We will call you back {when}. Goodbye.").Hangup().ToResult(),
            made.Result, item, client);
    }

    /// <summary>The most slots one offer names: one per key of the keypad.</summary>
    private const int MaxOffered = 9;

    /// <summary>
    /// issue 15 §2: the caller pressed a key (or none) after the slot offer. A valid key books a place in that slot
    /// instance (idempotent per CallSid: a repeated webhook finds its place) and makes the callback due at its start, by
    /// the same path as the IVR callback; a slot full by then is said, and the slots with room offered again (goodbye when
    /// none is left). No key or a wrong one hears the offer once more, then goodbye.
    /// </summary>
    private async Task<IResult> IvrCallbackSlotAsync(HttpRequest request, string? queue, string? offered, string? repeated, DurableTaskClient client, CancellationToken ct)
    {
        spool.Remember(client);
        var offeredSlots = offered?.Split(',').Select(SlotInstance.Parse).ToList();
        var badUrl = queue is not null && !IsValidQueue(queue) ? $"queue {RequestValues.Quote(queue)} is not a valid queue name"
            : offeredSlots is null || offeredSlots.Count > MaxOffered || offeredSlots.Any(s => s is null)
                ? $"offered must list 1 to {MaxOffered} slot times (yyyy-MM-ddTHH:mm, comma-separated), not {RequestValues.Quote(offered)}"
            : repeated is not (null or "true" or "false") ? $"repeated must be 'true' or 'false', not {RequestValues.Quote(repeated)}"
            : null;
        var form = await request.ReadFormAsync(ct);
        var caller = numbers.Normalize(form["From"]);
        var cannot = new VoiceResponse().Say("Sorry, we cannot arrange a callback right now. Goodbye.").Hangup().ToResult();
        if (await RefusedAsync(request, NoCallbackNotes.IvrCallbackSlotRoute, form, caller, queue, badUrl, cannot) is { } refusal) return refusal;
        var digits = form["Digits"].ToString();
        var choice = digits.Length == 1 && digits[0] is >= '1' and <= '9' ? digits[0] - '0' : 0;
        if (choice < 1 || choice > offeredSlots!.Count)
        {
            SlotLog.NoChoice(_logger, PhoneMask.Mask(caller.E164), queue!, repeated == "true");
            if (repeated == "true") return new VoiceResponse().Say("Sorry, we did not get a choice. Goodbye.").Hangup().ToResult();
            var again = await slotDesk.MenuAsync(queue!, caller.E164!, ct);
            var sorry = digits.Length == 0 ? "Sorry, we did not get your choice." : "Sorry, that is not one of the choices.";
            return again.IsEmpty ? new VoiceResponse().Say($"{sorry} There is no time free to choose from any more. Goodbye.").Hangup().ToResult()
                : slotDesk.Offer(queue!, again, repeated: true, before: sorry).ToResult();
        }
        var instance = offeredSlots[choice - 1]!.Value;
        var callSid = TwilioSids.Read(form, "CallSid", TwilioSids.Call);
        var holder = callSid ?? caller.E164!;
        // The capacity guards again (the offer counted this call already; the queue may have filled since).
        var admission = await intake.AdmitAsync(queue!, caller.E164!, holder, null, ct);
        if (!admission.Admitted)
            return await AnswerThenNoteAsync(request, new VoiceResponse().Say($"{admission.RefusedSaying} Goodbye.").Hangup().ToResult(),
                Note(NoCallbackNotes.IvrCallbackSlotRoute, form, caller, queue, admission.RefusedCode!, admission.RefusedReason!));
        var pick = await slotDesk.PickAsync(queue!, instance, caller.E164!, holder, ct);
        SlotLog.Picked(_logger, PhoneMask.Mask(caller.E164), queue!, instance.ToString(), pick.Booking?.ToString() ?? "NotASlot");
        if (!pick.IsTheirs)
        {
            var rest = await slotDesk.MenuAsync(queue!, caller.E164!, ct);
            return rest.IsEmpty ? new VoiceResponse().Say("Sorry, that time is no longer free, and no other time is free to choose from. Goodbye.").Hangup().ToResult()
                : slotDesk.Offer(queue!, rest, repeated == "true", before: "Sorry, that time is no longer free.").ToResult();
        }
        var now = time.GetUtcNow();
        var create = new CallbackRequest(caller.E164!, numbers.Normalize(form["To"]).E164 ?? "", queue!, callSid, CallbackOrigin.IvrRequest,
            $"callback requested in the IVR for the call slot at {instance} ({pick.Zone})", pick.StartsAt > now ? pick.StartsAt - now : TimeSpan.Zero, now, RuleKind.Scenario,
            PromisedAt: pick.StartsAt);
        var item = new SpooledWebhook(create, null);
        var made = await WithSpoolAsync(item, c => service.RecordAsync(create, c), ct);
        if (made.Result?.NoCallback is { } none)
        {
            // The rules refuse the callback: the place goes back to the next caller.
            await slotDesk.ReleaseAsync(queue!, instance, holder, ct);
            return await AnswerThenNoteAsync(request, cannot, NoCallbackNotes.For(create, none));
        }
        return await AnswerThenStartAsync(request, new VoiceResponse().Say($"Thank you. We will call you back at {pick.Spoken}. Goodbye.").Hangup().ToResult(),
            made.Result, item, client);
    }

    /// <summary>
    /// What an IVR route answers, before its own work, when it cannot arrange a callback: its URL is wrong (the operator
    /// sees why), the caller's number is withheld or invalid, or no queue is named. Null when all is well.
    /// </summary>
    private async Task<IResult?> RefusedAsync(HttpRequest request, string route, IFormCollection form, NormalizedNumber caller, string? queue, string? badUrl,
        IResult cannot)
    {
        if (badUrl is not null)
        {
            // The caller asked for a callback the URL cannot arrange: they hear so, the operator sees why.
            Routing.BadUrl(request, badUrl);
            return await AnswerThenNoteAsync(request, cannot, Note(route, form, caller, IsValidQueue(queue) ? queue : null, NoCallbackNotes.BadUrl, BadUrlReason(badUrl)));
        }
        if (!caller.IsValid)
        {
            MissedCallLog.NoCallback(_logger, PhoneMask.Mask(form["From"]), caller.Problem!);
            return await AnswerThenNoteAsync(request, new VoiceResponse().Say("Sorry, we cannot call you back because your number is not available to us.").Hangup().ToResult(),
                Note(route, form, caller, queue, NoCallbackNotes.InvalidNumber, InvalidNumberReason(caller)));
        }
        return Routing.HasQueue(request, queue, caller.E164!) ? null
            : await AnswerThenNoteAsync(request, cannot, Note(route, form, caller, null, NoCallbackNotes.NoQueue, NoQueueReason));
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
