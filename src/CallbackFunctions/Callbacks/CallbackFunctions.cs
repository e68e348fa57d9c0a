using System.Buffers.Text;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Callbacks;

public sealed record CallbackSummary(string Id, CallbackStatus Status, string Caller, string Queue, string CallerId, CallbackOrigin Origin,
    int Attempt, int MaxAttempts, DateTimeOffset? DueAt, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, string? OriginalCallSid, bool WaitingForAgent)
{
    public static CallbackSummary From(Callback c) => new(c.Id, c.Status, c.Caller, c.Queue, c.CallerId, c.Origin, c.Attempt, c.Policy.MaxAttempts,
        c.IsLive ? c.DueAt : null, c.ExpiresAt, c.CreatedAt, c.OriginalCallSid, c.WaitingForAgent);
}

public sealed record TimelineEntry(DateTimeOffset At, CallbackStatus? From, CallbackStatus To, string Reason, IReadOnlyDictionary<string, string> CallSids);

/// <summary>One callback: the same fields as a list item, at the top level (DESIGN §4), and its timeline.</summary>
public sealed record CallbackDetail(string Id, CallbackStatus Status, string Caller, string Queue, string CallerId, CallbackOrigin Origin,
    int Attempt, int MaxAttempts, DateTimeOffset? DueAt, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, string? OriginalCallSid, bool WaitingForAgent,
    IReadOnlyList<TimelineEntry> Timeline)
{
    public static CallbackDetail From(Callback c)
    {
        var s = CallbackSummary.From(c);
        return new(s.Id, s.Status, s.Caller, s.Queue, s.CallerId, s.Origin, s.Attempt, s.MaxAttempts, s.DueAt, s.ExpiresAt, s.CreatedAt, s.OriginalCallSid,
            s.WaitingForAgent, [.. c.Timeline.Select(e => new TimelineEntry(e.At, e.From, e.To, e.Reason, e.CallSids))]);
    }
}

public sealed record CallbackPage(IReadOnlyList<CallbackSummary> Items, string? ContinuationToken);
public sealed record ManualDialBody(string? Number);
public sealed record ManualDialResult(string Number, int Cancelled);

/// <summary><c>/api/callbacks</c>: list and inspect callbacks, cancel one, call one now, record a manual dial.</summary>
public sealed class CallbackFunctions(CallbackReader callbacks, CallbackRuns runs, MissedCallService service, PhoneNumberNormalizer numbers, TimeProvider time)
{
    [ApiOperation("Callbacks", "List callbacks, filtered by status, caller or queue; paged.", Query = ["status: Queued, DialingAgent, DialingCustomer, Completed, Cancelled, Expired or Failed", "caller: the customer's number", "queue: the queue", "pageSize: 1 to 1000 (50)", "continuationToken: from the previous page"], Answer = typeof(CallbackPage))]
    [Function("ListCallbacks")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "callbacks")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.TryNumber(request, "pageSize", out var pageSize, out var problem)
            ? await ListAsync(RequestValues.Text(request, "status"), RequestValues.Text(request, "caller"), RequestValues.Text(request, "queue"),
                pageSize, RequestValues.Text(request, "continuationToken"), client, ct)
            : problem!;

    [ApiOperation("Callbacks", "One callback: the list fields and its timeline.", Answer = typeof(CallbackDetail))]
    [Function("GetCallback")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "callbacks/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        await callbacks.GetAsync(client, id, ct) is { } callback ? TypedResults.Ok(CallbackDetail.From(callback)) : NotFound(id);

    [ApiOperation("Callbacks", "Cancel a live callback.", Answer = typeof(CallbackDetail))]
    [Function("CancelCallback")]
    public Task<IResult> Cancel([HttpTrigger(AuthorizationLevel.Function, "post", Route = "callbacks/{id}/cancel")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        CommandAsync(id, new CancelRequested(CancelReason.Operator), client, ct);

    [ApiOperation("Callbacks", "Make a queued callback due now.", Answer = typeof(CallbackDetail))]
    [Function("CallCallbackNow")]
    public Task<IResult> CallNow([HttpTrigger(AuthorizationLevel.Function, "post", Route = "callbacks/{id}/call-now")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        CommandAsync(id, new CallNowRequested(), client, ct);

    [ApiOperation("Callbacks", "An agent dialled a customer by hand: cancel that number's callbacks.", Body = typeof(ManualDialBody), Answer = typeof(ManualDialResult))]
    [Function("ManualDial")]
    public Task<IResult> ManualDial([HttpTrigger(AuthorizationLevel.Function, "post", Route = "callbacks/manual-dial")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<ManualDialBody>(request, body => ManualDialAsync(body, client, ct), ct);

    private async Task<IResult> ListAsync(string? status, string? caller, string? queue, int? pageSize, string? continuationToken,
        DurableTaskClient client, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        CallbackStatus? statusFilter = null;
        if (status is not null)
        {
            if (Enum.TryParse<CallbackStatus>(status, ignoreCase: true, out var parsed) && !int.TryParse(status, out _)) statusFilter = parsed;
            else errors["status"] = [$"one of {string.Join(", ", Enum.GetNames<CallbackStatus>())}"];
        }
        string? callerFilter = null;
        if (caller is not null)
        {
            var n = numbers.Normalize(caller);
            if (n.IsValid) callerFilter = n.E164;
            else errors["caller"] = [$"not a valid phone number ({n.Problem})"];
        }
        if (queue is not null && !MissedCallFunctions.IsValidQueue(queue)) errors["queue"] = ["not a valid queue name"];
        var size = pageSize ?? 50;
        if (size is < 1 or > 1000) errors["pageSize"] = ["between 1 and 1000"];
        // A page token names the query it continues: one from another query, or one we never gave out, is refused
        // (the storage's own token would be taken as a starting key and answer an empty page as if that were the end).
        var query = $"{statusFilter}|{callerFilter}|{queue?.ToLowerInvariant()}";
        string? storageToken = null;
        if (continuationToken is not null && !PageToken.TryRead(continuationToken, query, out storageToken))
            errors["continuationToken"] = ["not a token this API gave out for this query (status, caller and queue as on the page before)"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        try
        {
            var (items, token) = await callbacks.ListAsync(client, statusFilter, callerFilter, queue, size, storageToken, ct);
            return TypedResults.Ok(new CallbackPage([.. items.Select(CallbackSummary.From)], token is null ? null : PageToken.Write(token, query)));
        }
        catch (Azure.RequestFailedException e) when (e.Status == 400)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["continuationToken"] = ["not a token this API gave out"] });
        }
    }

    /// <summary>An opaque page token: the storage's continuation and the query it belongs to, base64url-encoded JSON.</summary>
    private static class PageToken
    {
        private sealed record Content(string Query, string Storage);

        public static string Write(string storageToken, string query) =>
            Base64Url.EncodeToString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Content(query, storageToken)));

        public static bool TryRead(string token, string query, out string? storageToken)
        {
            storageToken = null;
            try
            {
                var content = System.Text.Json.JsonSerializer.Deserialize<Content>(Base64Url.DecodeFromChars(token));
                if (content is null || content.Query != query || string.IsNullOrEmpty(content.Storage)) return false;
                storageToken = content.Storage;
                return true;
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
            {
                return false;
            }
        }
    }

    private async Task<IResult> ManualDialAsync(ManualDialBody body, DurableTaskClient client, CancellationToken ct)
    {
        var n = numbers.Normalize(body.Number);
        if (!n.IsValid) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["number"] = [$"a valid phone number is required ({n.Problem})"] });
        var cancelled = await service.CancelForCallerAsync(n.E164!, CancelReason.ManualDial, client, ct, waitForEffect: true);
        return TypedResults.Ok(new ManualDialResult(n.E164!, cancelled));
    }

    /// <summary>
    /// An operator's command: refused (409, with the reason) when the callback's state does not allow it, else sent to
    /// its orchestration. The answer shows the callback once the orchestration has saved the command's effect (202 with
    /// the expected state if that takes longer than <see cref="CallbackRuns.CommandWait"/>).
    /// </summary>
    private async Task<IResult> CommandAsync(string id, CallbackEvent command, DurableTaskClient client, CancellationToken ct)
    {
        if (await callbacks.GetAsync(client, id, ct) is not { } callback) return NotFound(id);
        var decision = command.Apply(callback, time.GetUtcNow());
        if (!decision.Changed)
            return TypedResults.Problem(title: "Not possible in the callback's current state", detail: decision.IgnoredBecause, statusCode: StatusCodes.Status409Conflict);
        // A callback made a moment ago may not have run yet: a command raised before its first episode would be dropped.
        await runs.TellOnceStartedAsync(client, id, command, ct);
        return await runs.AwaitChangeAsync(client, callback, CallbackRuns.CommandWait, ct) is { } applied
            ? TypedResults.Ok(CallbackDetail.From(applied))
            : TypedResults.Accepted($"/api/callbacks/{id}", CallbackDetail.From(decision.Callback));
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Callback not found", detail: $"There is no callback {RequestValues.Quote(id)}.", statusCode: StatusCodes.Status404NotFound);
}
