using CallbackFunctions.Agents;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Queues;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Domain.Scheduling;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Http;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Twilio;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.ScheduledCallbacks;

/// <summary>A callback an agent or operator schedules for a person (seed 002: callbacks instigated by agents).</summary>
/// <param name="Phone">The number to call back, in any format a phone number takes. Needed unless <c>fromCallSid</c> names a call whose caller it takes.</param>
/// <param name="FromCallSid">An inbound call the app has seen (<c>CA</c> and 32 hex digits): its caller and queue are the defaults.</param>
/// <param name="Queue">The queue whose agents call back. Needed unless <c>fromCallSid</c> names a call seen in a queue.</param>
/// <param name="At">When: an instant with its offset (<c>2026-12-07T14:30:00+01:00</c>, <c>...Z</c>), or a local date and time without one
/// (<c>2026-12-07T14:30</c>), read in the queue's time zone (its setting <c>timeZone</c>; UTC without one). Not in the past; at most 90 days ahead.</param>
/// <param name="In">When, from now: days, hours and minutes, each 0 or more, at least one above 0, at most 90 days in all. Exactly one of <c>at</c> and <c>in</c>.</param>
/// <param name="AgentId">The agent to take it (the preferred agent: it falls back to the queue's agents when they are away, or busy past the
/// queue's <c>preferredAgentWait</c>); they must serve the queue. An agent scheduling for themselves names themselves. Without it, any agent of the queue.</param>
/// <param name="Comment">A note for the agent, spoken to them before they press 1 and shown by the API: at most 300 characters.</param>
/// <param name="Retries">How many more times to try when the customer is not reached, each the queue's <c>retryAfter</c> later, with the same agent: 0 to 10 (2).</param>
public sealed record ScheduleCallbackBody(string? Phone = null, string? FromCallSid = null, string? Queue = null, string? At = null, RelativeTime? In = null,
    string? AgentId = null, string? Comment = null, int? Retries = null);

/// <summary><c>POST /api/callbacks</c>: an agent or operator schedules a callback for a person.</summary>
public sealed class ScheduleFunctions(MissedCallService service, CallbackReader reader, CallbackRuns runs, SeenCallRepository seen, AgentRepository agents,
    CallbackRepository callbacks, QueueSettingsRepository settings, PhoneNumberNormalizer numbers, TimeZones zones, IOptionsMonitor<Settings.TwilioOptions> twilio,
    IOptionsMonitor<Settings.CallbackOptions> options, TimeProvider time)
{
    public const int MaxComment = 300;
    public const int MaxRetries = 10;
    public const int DefaultRetries = 2;

    [ApiOperation("Callbacks", "Schedule a callback for a person: at a time or in a while, for the queue's agents or a preferred agent, with a comment and retries. " +
        "A person with a live callback in the queue keeps that one: this request merges into it (the agent's time wins).", Body = typeof(ScheduleCallbackBody), Answer = typeof(CallbackDetail),
        Responses = ["201: The callback made (Location: /api/callbacks/{id})", "200: The person's live callback in the queue, this request merged into it",
            "400: The body is wrong (every field error at once)",
            "422: The request cannot be honoured: the call's number is withheld or invalid, the call was never seen, no such agent, the agent does not serve the queue, or the rules allow no callback (the detail says which)"])]
    [Function("ScheduleCallback")]
    public Task<IResult> Schedule([HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/callbacks")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<ScheduleCallbackBody>(request, body => ScheduleAsync(body, client, ct), ct);

    private async Task<IResult> ScheduleAsync(ScheduleCallbackBody body, DurableTaskClient client, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        NormalizedNumber? phone = null;
        if (body.Phone is not null)
        {
            phone = numbers.Normalize(body.Phone);
            if (!phone.IsValid) errors["phone"] = [$"not a valid phone number ({phone.Problem})"];
        }
        if (body.FromCallSid is not null && !TwilioSids.IsSid(body.FromCallSid, TwilioSids.Call)) errors["fromCallSid"] = ["a Twilio CallSid: CA and 32 hex digits"];
        if (body.Phone is null && body.FromCallSid is null) errors["phone"] = ["give phone, or fromCallSid naming the call whose caller to call back"];
        if (body.Queue is not null && !MissedCallFunctions.IsValidQueue(body.Queue)) errors["queue"] = ["not a valid queue name"];
        if ((body.At is null) == (body.In is null)) errors["at"] = ["give exactly one of at (a time) and in (from now)"];
        if (body.AgentId is not null && !MissedCallFunctions.IsValidQueue(body.AgentId)) errors["agentId"] = ["not a valid agent id"];
        if (body.Comment is { Length: > MaxComment }) errors["comment"] = [$"at most {MaxComment} characters"];
        if (body.Retries is < 0 or > MaxRetries) errors["retries"] = [$"between 0 and {MaxRetries}"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        // The call it names: its caller and queue are the defaults.
        string? caller = phone?.E164;
        var queue = body.Queue;
        // Our calls present the number the customer called, else our first number, else the rule's caller ID.
        var callerId = twilio.CurrentValue.FirstOwnedNumber;
        if (body.FromCallSid is { } callSid)
        {
            if (await FindCallAsync(callSid, ct) is not { } call)
                return Unprocessable($"No inbound call {callSid} was seen by this app (it knows the calls of its queue, IVR and lost-call webhooks).");
            if (caller is null)
            {
                if (call.Caller is null)
                    return Unprocessable($"Call {callSid} has no number to call back: {call.Problem ?? "the caller's number is withheld"}.");
                caller = call.Caller;
            }
            queue ??= call.Queue;
            callerId = call.Called ?? callerId;
        }
        if (queue is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["queue"] = ["required (the call named gives none)"] });

        var queueSettings = (await settings.GetAsync(queue, ct))?.Value ?? QueueSettings.Default;
        if (body.AgentId is { } agentId)
        {
            if (await agents.GetAsync(agentId, ct) is not { } agent) return Unprocessable($"There is no agent {RequestValues.Quote(agentId)}.");
            if (!agent.Value.Serves(queue)) return Unprocessable($"Agent {RequestValues.Quote(agentId)} does not serve queue {RequestValues.Quote(queue)}: an agent may only name a queue they serve.");
        }
        var now = time.GetUtcNow();
        var zone = zones.Find(queueSettings.TimeZone) ?? TimeZoneInfo.Utc;
        var when = body.In is { } delay ? ScheduledTime.In(delay, now) : ScheduledTime.At(body.At, zone, now);
        if (when is ScheduledTime.Refused refused)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [body.In is null ? "at" : "in"] = [.. refused.Problems] });
        var due = ((ScheduledTime.Accepted)when).DueAt;

        var retries = body.Retries ?? DefaultRetries;
        var who = body.AgentId is null ? $"for any agent of {queue}" : $"for agent {body.AgentId}";
        var from = body.FromCallSid is null ? "" : $", from call {body.FromCallSid}";
        // Each schedule is a request of its own (an agent may schedule the same person twice): its id is not the call's.
        var request = new CallbackRequest(caller!, callerId ?? "", queue, null, CallbackOrigin.Scheduled,
            $"scheduled {who} at {due:u} ({retries} {(retries == 1 ? "retry" : "retries")}{from})", due - now, now, RuleKind.ContactCenter,
            Comment: string.IsNullOrWhiteSpace(body.Comment) ? null : body.Comment.Trim(),
            Scheduled: new ScheduledPlan(retries, retries, queueSettings.RetryAfter, body.AgentId),
            PreferredAgent: body.AgentId, PreferredAgentWait: body.AgentId is null ? null : queueSettings.PreferredAgentWait,
            TimeZone: queueSettings.TimeZone ?? zones.ForNumber(caller!), RequestId: Guid.NewGuid().ToString("N"), PromisedAt: due);
        var recorded = await service.RecordAsync(request, ct);
        if (recorded.NoCallback is { } none) return Unprocessable($"The rules allow no callback: {none.Reason}.");
        if (recorded.Callback is not { } made) throw new InvalidOperationException("a scheduled callback was neither made nor refused");
        if (!made.IsLive) return Unprocessable($"The callback cannot start: {made.Timeline[^1].Reason}.");
        await service.FinishAsync(recorded, client, ct);
        if (recorded.MergeInto is { } merge)
        {
            var merged = await runs.AwaitAsync(client, made.Id, c => c.Triggers.Any(t => t.SameRequestAs(merge.Trigger)) || !c.IsLive, CallbackRuns.CommandWait, ct)
                ?? merge.Apply(made, now).Callback;
            return TypedResults.Ok(CallbackDetail.From(merged));
        }
        var current = await reader.GetAsync(client, made.Id, ct) ?? made;
        return TypedResults.Created($"/api/callbacks/{made.Id}", CallbackDetail.From(current));
    }

    /// <summary>
    /// The inbound call: as remembered (a call that made no callback, or one that waited in a queue), or as the callback it
    /// made shows it (its id derives from the CallSid, the queue and the kind: every queue an agent serves is tried).
    /// </summary>
    private async Task<SeenCall?> FindCallAsync(string callSid, CancellationToken ct)
    {
        if (await seen.GetAsync(callSid, ct) is { } remembered) return remembered;
        var queues = (await agents.ListAsync(ct)).SelectMany(a => a.Value.Queues).Append(options.CurrentValue.DefaultQueue)
            .OfType<string>().Select(q => q.ToLowerInvariant()).Distinct().ToList();
        var ids = queues.SelectMany(q => new[] { CallbackOrigin.MissedCall, CallbackOrigin.IvrRequest, CallbackOrigin.QueueRequest }
            .Select(o => CallbackRequest.IdFor(callSid, q, o))).ToList();
        foreach (var chunk in ids.Chunk(16))
        {
            var found = (await Task.WhenAll(chunk.Select(id => callbacks.GetAsync(id, ct)))).FirstOrDefault(f => f is not null)?.Value;
            if (found is not null)
                return new SeenCall(callSid, found.Caller, found.Caller, null, found.Queue, found.CallerId, found.CreatedAt);
        }
        return null;
    }

    private static ProblemHttpResult Unprocessable(string detail) =>
        TypedResults.Problem(title: "The callback cannot be scheduled", detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity);
}
