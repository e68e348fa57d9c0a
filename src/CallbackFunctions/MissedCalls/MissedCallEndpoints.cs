using System.Text.RegularExpressions;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Rules;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Settings;
using CallbackFunctions.Telephony;
using CallbackFunctions.Twilio;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Twilio.TwiML;

namespace CallbackFunctions.MissedCalls;

/// <summary>
/// <c>POST /api/twilio/missed-call</c> and <c>POST /api/twilio/ivr-callback</c>. Both always answer valid TwiML fast: a
/// storage failure spools the webhook locally rather than failing the call or losing the callback.
/// </summary>
public static partial class MissedCallEndpoints
{
    public const string DefaultQueue = "default";
    private static readonly TimeSpan StorageBudget = TimeSpan.FromSeconds(8); // Twilio gives a webhook 15 s in all

    public static RouteGroupBuilder MapMissedCalls(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/missed-call", MissedCall).WithSummary("Enqueue action, Dial action or call status callback of an inbound call");
        twilio.MapPost("/ivr-callback", IvrCallback).WithSummary("The IVR callback node: schedules a callback, confirms and hangs up");
        return twilio;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex QueueName();

    public static bool IsValidQueue(string? queue) => queue is not null && QueueName().IsMatch(queue);

    private static async Task<IResult> MissedCall(HttpRequest request, string? queue, string? lostIn, string? agent, DurableTaskClient client,
        MissedCallService service, WebhookSpool spool, PhoneNumberNormalizer numbers, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        spool.Remember(client);
        var logger = loggers.CreateLogger("CallbackFunctions.MissedCalls");
        queue ??= DefaultQueue;
        if (!IsValidQueue(queue)) return Results.Problem($"queue '{queue}' is not a valid queue name", statusCode: 400);
        var lostInOverride = lostIn is null ? null : RuleKindNames.Parse(lostIn);
        if (lostIn is not null && lostInOverride is null) return Results.Problem("lostIn must be 'scenario' or 'contact-center'", statusCode: 400);
        if (agent is not null && !IsValidQueue(agent)) return Results.Problem($"agent '{agent}' is not a valid agent id", statusCode: 400);
        var form = await request.ReadFormAsync(ct);
        var (outcome, reason, unknown) = InboundOutcomeReader.Read(form["QueueResult"], form["DialCallStatus"], form["CallStatus"]);
        if (unknown is not null) MissedCallLog.Unrecognised(logger, unknown);
        var caller = numbers.Normalize(form["From"]);
        switch (outcome)
        {
            case InboundOutcome.Lost when !caller.IsValid:
                MissedCallLog.NoCallback(logger, PhoneMask.Mask(form["From"]), caller.Problem!);
                return new VoiceResponse().Say("Sorry, we could not take your call.").Hangup().ToResult();
            case InboundOutcome.Lost:
                var calledNumber = numbers.Normalize(form["To"]);
                // seed 001: where the call was lost picks the rule: at a queue or an agent (Enqueue/Dial results), or
                // in the IVR (a call that just ended unanswered); the IVR designer may say so with ?lostIn=.
                var kind = lostInOverride ?? (string.IsNullOrEmpty(form["QueueResult"]) && string.IsNullOrEmpty(form["DialCallStatus"])
                    ? RuleKind.Scenario : RuleKind.ContactCenter);
                var create = new CallbackRequest(caller.E164!, calledNumber.E164 ?? "", queue, form["CallSid"], CallbackOrigin.MissedCall,
                    $"missed call: {reason}", null, time.GetUtcNow(), kind, agent);
                var made = await WithSpoolAsync(spool, logger, new SpooledWebhook(create, null), c => service.CreateAsync(create, client, c), ct);
                return (made.Spooled || made.Result is not null
                    ? new VoiceResponse().Say("Sorry we missed your call. We will call you back shortly.")
                    : new VoiceResponse().Say("Sorry we missed your call. Goodbye.")).Hangup().ToResult();
            case InboundOutcome.Served when caller.IsValid:
                await WithSpoolAsync(spool, logger, new SpooledWebhook(null, caller.E164), async c =>
                {
                    var count = await service.CancelForCallerAsync(caller.E164!, CancelReason.Served, client, c);
                    MissedCallLog.Served(logger, PhoneMask.Mask(caller.E164), count);
                    return count;
                }, ct);
                return new VoiceResponse().Hangup().ToResult();
            default:
                return new VoiceResponse().Hangup().ToResult();
        }
    }

    private static async Task<IResult> IvrCallback(HttpRequest request, string? queue, int? delayMinutes, DurableTaskClient client,
        MissedCallService service, WebhookSpool spool, PhoneNumberNormalizer numbers, IOptionsMonitor<CallbackOptions> options, TimeProvider time,
        ILoggerFactory loggers, CancellationToken ct)
    {
        spool.Remember(client);
        var logger = loggers.CreateLogger("CallbackFunctions.MissedCalls");
        queue ??= DefaultQueue;
        if (!IsValidQueue(queue)) return Results.Problem($"queue '{queue}' is not a valid queue name", statusCode: 400);
        var delay = delayMinutes ?? 0;
        var max = options.CurrentValue.MaxIvrDelayMinutes;
        if (delay < 0 || delay > max) return Results.Problem($"delayMinutes must be between 0 and {max}", statusCode: 400);
        var form = await request.ReadFormAsync(ct);
        var caller = numbers.Normalize(form["From"]);
        if (!caller.IsValid)
        {
            MissedCallLog.NoCallback(logger, PhoneMask.Mask(form["From"]), caller.Problem!);
            return new VoiceResponse().Say("Sorry, we cannot call you back because your number is not available to us.").Hangup().ToResult();
        }
        var create = new CallbackRequest(caller.E164!, numbers.Normalize(form["To"]).E164 ?? "", queue, form["CallSid"], CallbackOrigin.IvrRequest,
            delay == 0 ? "callback requested in the IVR" : $"callback requested in the IVR for {delay} minutes later",
            TimeSpan.FromMinutes(delay), time.GetUtcNow(), RuleKind.Scenario);
        var made = await WithSpoolAsync(spool, logger, new SpooledWebhook(create, null), c => service.CreateAsync(create, client, c), ct);
        if (!made.Spooled && made.Result is null)
            return new VoiceResponse().Say("Sorry, we cannot arrange a callback right now. Goodbye.").Hangup().ToResult();
        var when = delay == 0 ? "shortly" : delay == 1 ? "in about a minute" : $"in about {delay} minutes";
        return new VoiceResponse().Say($"Thank you. We will call you back {when}. Goodbye.").Hangup().ToResult();
    }

    /// <summary>Runs the storage work within Twilio's budget; if storage fails or is too slow, spools it instead.</summary>
    private static async Task<(T? Result, bool Spooled)> WithSpoolAsync<T>(WebhookSpool spool, ILogger logger, SpooledWebhook item,
        Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        if (!spool.TryAdmit())
        {
            await spool.SaveAsync(item, CancellationToken.None);
            MissedCallLog.Shed(logger, spool.Count);
            return (default, true);
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(StorageBudget);
        try
        {
            return (await work(budget.Token), false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is Azure.RequestFailedException or HttpRequestException or OperationCanceledException or AggregateException or IOException)
        {
            await spool.SaveAsync(item, CancellationToken.None);
            MissedCallLog.Spooled(logger, e.GetType().Name, spool.Count);
            return (default, true);
        }
        finally
        {
            spool.Leave();
        }
    }
}
