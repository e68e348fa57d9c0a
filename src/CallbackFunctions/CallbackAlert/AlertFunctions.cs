using System.ComponentModel.DataAnnotations;
using CallbackFunctions.AgentCalls;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Http;
using CallbackFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.CallbackAlert;

/// <summary>
/// seed 004 "CallBack Alert Information": what the agent whose phone rings for a callback sees before choosing.
/// </summary>
/// <param name="AgentId">The agent the offer rings.</param>
/// <param name="CallbackId">The callback offered.</param>
/// <param name="Offer">The offer's number: give it back to accept or reject (a later offer of the same callback has another).</param>
/// <param name="Name">The contact's name; null for a caller without a contact, or one made for an unknown caller.</param>
/// <param name="Number">The number the callback dials (the one the customer called from), E.164.</param>
/// <param name="Types">The contact's type labels: "lead", "customer", "previous customer" (several at once), or "unknown"; empty without a contact.</param>
/// <param name="Location">The location of the number the customer dialled (<c>PUT /api/numbers/{number}</c>); null when not set.</param>
/// <param name="AdSource">The ad source of the number the customer dialled; null when not set.</param>
/// <param name="DialledNumber">The number the customer dialled (ours), E.164: the caller ID the customer sees on the callback.</param>
/// <param name="Queue">The callback's queue.</param>
/// <param name="Comment">An agent-scheduled callback's comment; null when none.</param>
/// <param name="Origin">What asked for the callback: MissedCall, IvrRequest, QueueRequest or Scheduled.</param>
/// <param name="Attempt">The customer attempt this offer is for.</param>
/// <param name="OfferedAt">When the agent's phone was called (UTC).</param>
/// <param name="ExpiresAt">When the offer lapses if nobody chooses: the ring time, then the whisper's choice time (UTC).</param>
public sealed record CallbackAlertView(string AgentId, string CallbackId, int Offer, string? Name, string Number, IReadOnlyList<string> Types,
    string? Location, string? AdSource, string DialledNumber, string Queue, string? Comment, CallbackOrigin Origin, int Attempt,
    DateTimeOffset OfferedAt, DateTimeOffset ExpiresAt);

/// <summary>The agent's choice on the alert.</summary>
/// <param name="Offer">The offer the alert shows (<c>offer</c>): a choice on an offer that no longer rings is refused (409).</param>
public sealed record AlertChoiceBody([Required] int? Offer);

/// <summary>What became of the choice.</summary>
/// <param name="CallbackId">The callback.</param>
/// <param name="Offer">The offer chosen on.</param>
/// <param name="Status">The callback's status once its orchestration took the choice: DialingCustomer after an accept (or
/// later: Completed, ...), Queued or already DialingAgent (the next agent) after a reject; DialingAgent with a 202: not taken yet.</param>
/// <param name="Note">What happens next, in words.</param>
public sealed record AlertChoiceResult(string CallbackId, int Offer, CallbackStatus Status, string Note);

/// <summary>
/// The agent's callback alert (issue 16 §3): <c>GET /api/agents/{id}/alert</c>, and accept or reject from the console as
/// by pressing 1 or 2. Both ways go through the callback's orchestration, and only the agent's own call dials the customer
/// (<see cref="AgentCallFunctions.ChoiceSpellSeconds"/>), so a console accept racing a key press makes one customer call.
/// </summary>
public sealed class AlertFunctions(AgentRepository agents, CallbackReader callbacks, CallbackRuns runs, CallbackSteps steps, Numbers.DialledNumbers numbers,
    Agents.AgentDirectory directory, Queues.QueueCooldowns cooldowns,
    ILogger<AlertFunctions> logger)
{
    private const string Taking = "202: Passed on, but the callback has not taken it within 10 s (its orchestration is behind): the callback shows what became of it";
    private const string IdDoc = "id: the agent's id: letters, digits, `_`, `.`, `-`; at most 64";

    [ApiOperation("Agents", "The callback offer ringing this agent now: who they are about to call and why (seed 004's callback alert).", Path = [IdDoc],
        Answer = typeof(CallbackAlertView), Responses = ["200: The offer ringing the agent", "404: No such agent, or no callback rings them now"])]
    [Function("GetCallbackAlert")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/agents/{id}/alert")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        var (problem, callback, offer) = await RingingAsync(id, null, client, ct);
        if (problem is not null) return problem;
        var leg = callback!.AgentLeg!;
        var dialled = await numbers.FindAsync(callback.CallerId, ct);
        var contact = callback.Contact;
        return ETags.Conditional(request, TypedResults.Ok(new CallbackAlertView(leg.AgentId, callback.Id, offer, contact?.Name, callback.Caller, contact?.Labels ?? [],
            dialled?.Location, dialled?.AdSource, callback.CallerId, callback.Queue, callback.Comment, callback.Origin, callback.Attempt, leg.RequestedAt,
            leg.RequestedAt + callback.Policy.AgentRingTimeout + TimeSpan.FromSeconds(AgentCallFunctions.ChoiceTimeoutSeconds))));
    }

    [ApiOperation("Agents", "Accept the offer ringing the agent, as pressing 1 does: the customer is dialled on the agent's call (at once when it is answered, within 2 s after the whisper when it is).",
        Path = [IdDoc], Body = typeof(AlertChoiceBody), Answer = typeof(AlertChoiceResult),
        Responses = ["200: Accepted, as the callback took it (again, if it was already: one customer call either way)", Taking, "400: A bad body", "404: No such agent",
            "409: That offer no longer rings the agent, or another choice on it (a key press, a reject) was taken first"])]
    [Function("AcceptCallbackAlert")]
    public Task<IResult> Accept([HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/agents/{id}/alert/accept")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<AlertChoiceBody>(request, body => ChooseAsync(id, body, accept: true, client, ct), ct);

    [ApiOperation("Agents", "Reject the offer ringing the agent, as pressing 2 does: the agent's call ends, the callback goes to the next eligible free agent and never back to this one; the queue's rejectCooldown starts.",
        Path = [IdDoc], Body = typeof(AlertChoiceBody), Answer = typeof(AlertChoiceResult),
        Responses = ["200: Rejected, as the callback took it (again, if it was already)", Taking, "400: A bad body", "404: No such agent",
            "409: That offer no longer rings the agent, or another choice on it (a key press, an accept) was taken first"])]
    [Function("RejectCallbackAlert")]
    public Task<IResult> Reject([HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/agents/{id}/alert/reject")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<AlertChoiceBody>(request, body => ChooseAsync(id, body, accept: false, client, ct), ct);

    /// <summary>How long a choice made in the console waits for the callback's orchestration to take it.</summary>
    public static readonly TimeSpan ChoiceTakenWithin = TimeSpan.FromSeconds(10);

    private async Task<IResult> ChooseAsync(string id, AlertChoiceBody body, bool accept, DurableTaskClient client, CancellationToken ct)
    {
        if (body.Offer is not { } offer || offer < 1)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["offer"] = ["the offer the alert shows: a whole number from 1"] });
        var (problem, callback, _) = await RingingAsync(id, offer, client, ct);
        if (problem is not null) return problem;
        var choice = accept ? "accept" : "reject";
        // Chosen here first when the offer still rang as read (a repeat finds it chosen): only then is the choice logged.
        var first = callback!.OfferRings(offer);
        await runs.SendAsync(client, callback.Id, accept ? new AgentAccepted(offer) : new AgentPassed(offer), ct);
        // The answer is what the orchestration decided, not what the callback read a moment ago foretold: another choice
        // (a key press, a second tab) or the end of the agent's call may have been taken first.
        if (await runs.AwaitAsync(client, callback.Id, c => !c.OfferRings(offer), ChoiceTakenWithin, ct) is not { } after)
        {
            AlertLog.NotTakenYet(logger, id, choice, callback.Id, offer);
            return TypedResults.Accepted($"/api/callbacks/{callback.Id}", new AlertChoiceResult(callback.Id, offer, CallbackStatus.DialingAgent,
                $"passed on, not taken yet: GET /api/callbacks/{callback.Id} shows what became of it"));
        }
        if (accept && after.AcceptedOn(offer, id))
        {
            if (first) AlertLog.Accepted(logger, id, callback.Id, offer);
            return TypedResults.Ok(new AlertChoiceResult(callback.Id, offer, after.Status,
                "accepted: the customer is dialled on your call (at once if you answer now; within 2 s after the whisper)"));
        }
        if (!accept && after.RejectedBy.Contains(id))
        {
            if (first) AlertLog.Rejected(logger, id, callback.Id, offer);
            // Both once per offer: the cooldown starts once, and hanging up an ended call changes nothing.
            await directory.StartRejectCooldownAsync(id, Agent.Holder(callback.Id, offer), await cooldowns.ForAsync(callback.Queue, ct), ct);
            // seed 004: "This will close the alert and send the callback to the next available Agent": the agent's call ends now.
            if (((after.AgentLeg?.Offer == offer ? after.AgentLeg.CallSid : null) ?? callback.AgentLeg?.CallSid) is { } sid) await steps.HangUpQuietlyAsync(sid, ct);
            return TypedResults.Ok(new AlertChoiceResult(callback.Id, offer, after.Status, "rejected: it goes to the next eligible agent, never back to you"));
        }
        return Refused(id, choice, callback.Id, offer, after.AcceptedOn(offer, id) ? "you accepted it"
            : after.RejectedBy.Contains(id) ? "you rejected it"
            : $"it no longer rings you (the callback is {after.Status})");
    }

    private ProblemHttpResult Refused(string agentId, string choice, string callbackId, int offer, string reason)
    {
        AlertLog.Refused(logger, agentId, choice, callbackId, offer, reason);
        return Conflict($"The {choice} of offer {offer} was refused: {reason}.");
    }

    /// <summary>
    /// The callback whose offer rings agent <paramref name="agentId"/> now (the offer holding them; <paramref name="offer"/>,
    /// when given, must be it), or the problem to answer.
    /// </summary>
    private async Task<(IResult? Problem, Callback? Callback, int Offer)> RingingAsync(string agentId, int? offer, DurableTaskClient client, CancellationToken ct)
    {
        if (await agents.GetAsync(agentId, ct) is not { } stored)
            return (TypedResults.Problem(title: "Agent not found", detail: $"There is no agent {RequestValues.Quote(agentId)}.", statusCode: StatusCodes.Status404NotFound), null, 0);
        var holder = stored.Value.HeldBy;
        var slash = holder?.LastIndexOf('/') ?? -1;
        if (holder is null || slash <= 0 || !int.TryParse(holder[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var held))
            return (NoAlert(agentId, offer), null, 0);
        if (offer is { } wanted && wanted != held)
            return (Conflict($"Offer {wanted} no longer rings agent {agentId} (offer {held} of callback {holder[..slash]} does)."), null, 0);
        var callback = await callbacks.ForOfferAsync(client, holder[..slash], held, ct);
        // Held from the offer until their call ends: ringing only while the callback is still dialling them.
        var ringing = callback is { Status: CallbackStatus.DialingAgent, AgentLeg: { } leg } && leg.Offer == held && leg.AgentId == agentId;
        // A choice already made on this offer answers again the same (an accept twice, a reject twice): the caller decides.
        var chosen = offer is not null && callback is { AgentLeg: { } mine } && mine.Offer == held && mine.AgentId == agentId;
        return ringing || chosen ? (null, callback, held) : (NoAlert(agentId, offer), null, 0);
    }

    private static IResult NoAlert(string agentId, int? offer) => offer is null
        ? TypedResults.Problem(title: "No callback alert", detail: $"No callback offer rings agent {RequestValues.Quote(agentId)} now.", statusCode: StatusCodes.Status404NotFound)
        : Conflict($"Offer {offer} no longer rings agent {RequestValues.Quote(agentId)}.");

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(title: "Not ringing", detail: detail, statusCode: StatusCodes.Status409Conflict);
}
