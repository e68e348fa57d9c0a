using System.Globalization;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;
using CallbackFunctions.Twilio;
using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Twilio.TwiML;

namespace CallbackFunctions.AgentCalls;

/// <summary>
/// The agent leg and the customer leg: <c>agent-answer</c> (whisper + choice, then <c>&lt;Dial&gt;</c> the customer),
/// <c>agent-status</c> (the agent call's status callback) and <c>dial-result</c> (the customer leg's Dial action and
/// Number status callback). Each names its callback and offer or attempt in the query, so a repeated or late webhook
/// finds the leg it belongs to and the lifecycle ignores it if it is stale.
/// </summary>
public sealed class AgentCallFunctions(TwilioWebhook twilio, CallbackRuns runs, CallbackSteps steps, CallbackReader callbacks, WebhookUrls urls,
    CallFeatureReader features, Numbers.DialledNumbers numbers, Agents.AgentDirectory agents, Queues.QueueCooldowns cooldowns, TimeProvider time, ILoggerFactory loggers)
{
    [ApiOperation("Twilio webhooks", "TwiML of the agent leg: whisper, 1 to connect, 2 to pass; then the customer <Dial>", Query = [WebhookUrls.Parameters.Callback, WebhookUrls.Parameters.Offer],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML: the whisper and its <Gather>, or a goodbye when the offer is stale"])]
    [Function("AgentAnswer")]
    public Task<IResult> AgentAnswer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/agent-answer")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => Callback(request, out var id) is { } problem ? Task.FromResult(problem)
            : RequestValues.TryRequiredNumber(request, "offer", out var offer, out problem) && TryWaited(request, out var waited, out problem)
                ? AgentAnswerAsync(request, id, offer, waited, client, budget)
                : Task.FromResult(problem!), ct);

    [ApiOperation("Twilio webhooks", "Status callback of the agent leg", Query = [WebhookUrls.Parameters.Callback, WebhookUrls.Parameters.Offer], Responses = ["204: Told to the callback", "400: A parameter the route cannot use, or an unknown CallStatus"])]
    [Function("AgentStatus")]
    public Task<IResult> AgentStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/agent-status")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => Callback(request, out var id) is { } problem ? Task.FromResult(problem)
            : RequestValues.TryRequiredNumber(request, "offer", out var offer, out problem)
                ? AgentStatusAsync(request, id, offer, client, budget)
                : Task.FromResult(problem!), ct);

    [ApiOperation("Twilio webhooks", "Dial action and Number status callback of the customer leg", Query = [WebhookUrls.Parameters.Callback, WebhookUrls.Parameters.Attempt, "detection (boolean): true when answering-machine detection decides"],
        AnswerMediaType = VoiceTwiml.MediaType, Responses = ["200: TwiML after the <Dial> (its action)", "204: Told to the callback (a status callback)"])]
    [Function("DialResult")]
    public Task<IResult> DialResult(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/dial-result")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        twilio.RunAsync(request, budget => Callback(request, out var id) is { } problem ? Task.FromResult(problem)
            : RequestValues.TryRequiredNumber(request, "attempt", out var attempt, out problem) && RequestValues.TryFlag(request, "detection", out var detection, out problem)
                ? DialResultAsync(request, id, attempt, detection, client, budget)
                : Task.FromResult(problem!), ct);

    /// <summary>The callback a leg's webhook names in its query (we put it there when we placed the call).</summary>
    internal static IResult? Callback(HttpRequest request, out string callbackId)
    {
        callbackId = RequestValues.Text(request, "callbackId") ?? "";
        if (callbackId.Length == 0) return Results.Problem("query parameter 'callbackId' is required", statusCode: StatusCodes.Status400BadRequest);
        return Storage.TableKeys.IsKey(callbackId) ? null
            : Results.Problem($"query parameter 'callbackId' {RequestValues.Quote(callbackId)} is not a callback id", statusCode: StatusCodes.Status400BadRequest);
    }

    /// <summary>How long the agent has to press a key (or accept in the console) after the whisper.</summary>
    public const int ChoiceTimeoutSeconds = 8;

    /// <summary>
    /// The choice is waited for in short spells, each ending in a fresh look at the callback: an accept made in the
    /// console (<c>POST /api/agents/{id}/alert/accept</c>) is connected within one spell, by this call's own next
    /// document. Only this call's documents ever dial the customer, one after another, so a key press and a console
    /// accept racing make one customer call.
    /// </summary>
    public const int ChoiceSpellSeconds = 2;

    /// <summary>The <c>waited</c> query parameter: how many spells of waiting for a choice have passed (absent: none).</summary>
    private static bool TryWaited(HttpRequest request, out int waited, out IResult? problem)
    {
        waited = 0;
        problem = null;
        if (RequestValues.Text(request, "waited") is null) return true;
        if (RequestValues.TryRequiredNumber(request, "waited", out waited, out problem) && waited is >= 1 and <= ChoiceTimeoutSeconds / ChoiceSpellSeconds) return true;
        problem ??= Results.Problem($"query parameter 'waited' must be between 1 and {ChoiceTimeoutSeconds / ChoiceSpellSeconds}", statusCode: StatusCodes.Status400BadRequest);
        return false;
    }

    /// <summary>The agent leg's TwiML: the whisper and the choice, what the choice leads to, or the goodbye for a stale offer.</summary>
    private async Task<IResult> AgentAnswerAsync(HttpRequest request, string callbackId, int offer, int waited, DurableTaskClient client, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        string? digits = form["Digits"];
        // The agent's choice goes to the callback's orchestration; what it will decide (on the callback as this offer's
        // call finds it) says which TwiML the agent gets now.
        var decision = digits switch
        {
            "1" => await runs.TellAgentChoiceAsync(client, callbackId, offer, new AgentAccepted(offer), ct),
            "2" => await runs.TellAgentChoiceAsync(client, callbackId, offer, new AgentPassed(offer), ct),
            _ => null,
        };
        // seed 004: a reject starts the agent's cooldown now, not only when their call's end releases them.
        if (digits == "2" && decision?.Callback is { AgentLeg: { } rejected } passed && rejected.Offer == offer && passed.RejectedBy.Contains(rejected.AgentId))
            await agents.StartRejectCooldownAsync(rejected.AgentId, Domain.Agents.Agent.Holder(callbackId, offer), await cooldowns.ForAsync(passed.Queue, ct), ct);
        // As the orchestration shows it: an accept in the console, made while the phone rang or during the whisper, is there.
        var callback = decision?.Callback ?? await callbacks.ForOfferAsync(client, callbackId, offer, ct);
        if (callback is null || callback.AgentLeg?.Offer != offer || !callback.IsLive)
            return new VoiceResponse().Say("This callback is no longer needed. Thank you.").Hangup().ToResult();
        if (callback.Status == CallbackStatus.DialingCustomer)
        {
            // Accepted (now, or on a delivery Twilio retried): connect the customer, from the number they called.
            // The rule's recording, recording notice and answering-machine detection apply to this leg (seed 001, 004).
            var dial = CustomerDial.For(callback, await features.ForAsync(callback, ct), urls);
            return new VoiceResponse()
                .Say("Connecting you to the customer.")
                .Append(VoiceTwiml.DialNumber(callback.Caller, callback.CallerId, (int)callback.Policy.CustomerRingTimeout.TotalSeconds,
                    dial.Results, dial.Results, dial.Extras))
                .ToResult();
        }
        if (callback.Status != CallbackStatus.DialingAgent)
            return new VoiceResponse().Say("You passed this callback. Thank you.").Hangup().ToResult();
        if (waited * ChoiceSpellSeconds >= ChoiceTimeoutSeconds)
            return new VoiceResponse().Say("No choice received. Goodbye.").Hangup().ToResult();
        var choice = VoiceTwiml.GatherDigit(urls.AgentAnswer(callback.Id, offer), ChoiceSpellSeconds);
        // seed 001 "voice prompt for agent": the rule's prompt plays first, so the agent knows it is an automatic callback;
        // the whisper once, then quiet spells until the choice (a key, or the console's accept) or the timeout.
        if (waited == 0)
        {
            var settings = await features.ForAsync(callback, ct);
            // seed 004's alert, spoken: the dialled number's location and ad source come from our numbers (one read).
            var dialled = settings.Whisper.Location ? await numbers.FindAsync(callback.CallerId, ct) : null;
            choice.AppendPrompt(settings.AgentPrompt).Say(CallbackAlert.AgentWhisper.Text(callback, time.GetUtcNow(), dialled, settings.Whisper));
        }
        return new VoiceResponse()
            .Append(choice)
            .Redirect(urls.AgentAnswerWait(callback.Id, offer, waited + 1), global::Twilio.Http.HttpMethod.Post)
            .ToResult();
    }

    private async Task<IResult> AgentStatusAsync(HttpRequest request, string callbackId, int offer, DurableTaskClient client, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var status = TwilioCallStatusParser.Parse(form["CallStatus"]);
        if (status is null)
        {
            TwilioLog.UnknownValue(loggers.CreateLogger("CallbackFunctions.AgentCalls"), request.Path, "CallStatus", form["CallStatus"]);
            return Results.Problem("unknown CallStatus", statusCode: 400);
        }
        // The agent's call is over: the agent, line and number are free again whatever the callback does. Freed here, the
        // orchestration is told so and needs no activity for it; if freeing fails, it frees them itself.
        if (LegStatus.ForAgentLeg(offer, status.Value) is not AgentCallEnded ended) return Results.NoContent();
        // Twilio waits for nothing but the status: it has it now, and the rest goes on in this invocation.
        await Results.NoContent().ExecuteAsync(request.HttpContext);
        await request.HttpContext.Response.CompleteAsync();
        if (!runs.WasTold(callbackId, ended))
        {
            using var budget = new CancellationTokenSource(TwilioWebhook.WorkBudget, time);
            try
            {
                var (freed, wakes) = await steps.EndAgentCallAsync(client, ended, callbackId, budget.Token);
                ended = freed;
                foreach (var wake in wakes) await runs.SendAsync(client, wake.CallbackId, wake.Event, budget.Token);
            }
            catch (Exception e) when (TransientFaults.IsTransient(e))
            {
                CallbackLog.NotFreedAtCallEnd(loggers.CreateLogger("CallbackFunctions.AgentCalls"), callbackId, offer, e.GetType().Name);
            }
        }
        await runs.SendOrSpoolAsync(client, callbackId, ended);
        return Results.Empty;
    }

    /// <summary>How long the Dial action waits for the machine verdict (told just before, by customer-notice) to be saved.</summary>
    private static readonly TimeSpan VerdictWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// With answering-machine detection, whether the customer was reached is the verdict's to say (customer-notice tells
    /// the orchestration just before the leg ends): the callback once it shows the verdict, or null if it does not in time.
    /// </summary>
    private Task<Callback?> VerdictSavedAsync(DurableTaskClient client, string callbackId, int attempt, CancellationToken ct) =>
        runs.AwaitAsync(client, callbackId, c => c is not { Status: CallbackStatus.DialingCustomer, CustomerLeg: { AnsweredAt: null } leg } || leg.Attempt != attempt,
            VerdictWait, ct);

    private async Task<IResult> DialResultAsync(HttpRequest request, string callbackId, int attempt, bool? detection, DurableTaskClient client,
        CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var isDialAction = form.ContainsKey("DialCallStatus");
        var status = isDialAction ? LegStatus.FromDialCallStatus(form["DialCallStatus"]) : TwilioCallStatusParser.Parse(form["CallStatus"]);
        var customerSid = TwilioSids.Read(form, isDialAction ? "DialCallSid" : "CallSid", TwilioSids.Call);
        if (status is null)
        {
            TwilioLog.UnknownValue(loggers.CreateLogger("CallbackFunctions.AgentCalls"), request.Path, isDialAction ? "DialCallStatus" : "CallStatus",
                isDialAction ? form["DialCallStatus"] : form["CallStatus"]);
            return isDialAction ? new VoiceResponse().Hangup().ToResult() : Results.Problem("unknown CallStatus", statusCode: 400);
        }
        // With answering-machine detection the verdict (customer-notice) says whether the customer was reached, and a
        // machine may count as not answered: the leg's own "answered" arrives before the verdict and must not pre-empt
        // it. Its end is judged as usual: a leg the verdict judged not reached stays so (the domain keeps the outcome).
        var verdictDecides = detection == true && status == TwilioCallStatus.InProgress;
        var connected = LegStatus.Seconds(isDialAction ? form["DialCallDuration"] : form["CallDuration"]);
        Decision? decision = null;
        if (!verdictDecides && LegStatus.ForCustomerLeg(attempt, status.Value, customerSid, connected) is { } result)
        {
            // The Dial action's TwiML depends on what the callback makes of the result; a status callback's does not.
            if (isDialAction) decision = await runs.TellAsync(client, callbackId, result, ct);
            else await runs.SendOrSpoolAsync(client, callbackId, result);
        }
        if (!isDialAction) return Results.NoContent();
        var reached = detection == true
            ? (await VerdictSavedAsync(client, callbackId, attempt, ct) ?? decision?.Callback)?.Status == CallbackStatus.Completed
            : status == TwilioCallStatus.Completed;
        return reached
            ? new VoiceResponse().Hangup().ToResult()
            : new VoiceResponse().Say("The customer could not be reached. We will try again later. Goodbye.").Hangup().ToResult();
    }
}
