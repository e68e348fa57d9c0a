using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Scheduling;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Callbacks;

/// <summary>A callback, as the list shows it.</summary>
/// <param name="Id">The callback's id: <c>cb-</c> and 20 hex digits, derived from the lost call (a repeated webhook lands on the same callback).</param>
/// <param name="Status">Where the callback stands.</param>
/// <param name="Caller">The customer's number, E.164.</param>
/// <param name="Queue">The queue whose agents call back.</param>
/// <param name="CallerId">The number our calls present as caller ID (E.164): the one the customer called, or the rule's <c>callerId</c>.</param>
/// <param name="Origin">What made the callback.</param>
/// <param name="Attempt">The current (or last) customer attempt, from 1; 0 before the first.</param>
/// <param name="MaxAttempts">How many customer attempts the rule allows in all (its intervals and per-outcome retries).</param>
/// <param name="DueAt">When the current or next attempt is due (UTC); null once the callback has ended.</param>
/// <param name="ExpiresAt">When the callback expires if not completed by then (UTC); no attempt starts and no customer is dialled after it.</param>
/// <param name="CreatedAt">When the callback was made (UTC).</param>
/// <param name="OriginalCallSid">The Twilio CallSid of the lost inbound call (<c>CA</c> and 32 hex digits), when known.</param>
/// <param name="WaitingForAgent">True while it is due but no agent of its queue is free: it is offered the moment one is.</param>
/// <param name="BoundAgent">The agent it is bound to, or null: any agent of its queue. With <c>preferredAgent</c> true, the agent
/// an agent-scheduled callback prefers (it falls back to the queue when they are away or stay busy); else the only agent offered it.</param>
/// <param name="PreferredAgent">True when <c>boundAgent</c> is a preferred agent the callback falls back from.</param>
/// <param name="Place">Its place in its queue's line (UTC): due callbacks of a queue are offered earliest place first. A caller who
/// waited in the queue (pressed 1, or hung up there) keeps the moment they entered it; any other callback's is when it became due.</param>
/// <param name="Comment">The note an agent left with a scheduled callback (spoken to the agent before they press 1), or null.</param>
/// <param name="RetriesLeft">An agent-scheduled callback's retries left (each due the queue's <c>retryAfter</c> after a customer not reached); null for other callbacks.</param>
/// <param name="Contact">The contact the caller's number belongs to (<c>/api/contacts</c>), as the callback knows it; null when none, or once
/// the contact was deleted (the callback goes on with the number only).</param>
public sealed record CallbackSummary(string Id, CallbackStatus Status, string Caller, string Queue, string CallerId, CallbackOrigin Origin,
    int Attempt, int MaxAttempts, DateTimeOffset? DueAt, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, string? OriginalCallSid, bool WaitingForAgent,
    string? BoundAgent, bool PreferredAgent, DateTimeOffset Place, string? Comment, int? RetriesLeft, CallbackContact? Contact)
{
    public static CallbackSummary From(Callback c) => new(c.Id, c.Status, c.Caller, c.Queue, c.CallerId, c.Origin, c.Attempt, c.MaxAttempts,
        c.IsLive ? c.DueAt : null, c.ExpiresAt, c.CreatedAt, c.OriginalCallSid, c.WaitingForAgent, c.BoundAgent,
        c.BoundAgent is not null && c.PreferredAgentWait is not null, c.Place, c.Comment, c.Scheduled?.RetriesLeft, CallbackContact.From(c.Contact));
}

/// <summary>A callback's contact (issue 16): who they are, and who may call them back.</summary>
/// <param name="Id">The contact's id (<c>/api/contacts/{id}</c>).</param>
/// <param name="Name">Their name; null when none (a contact made for an unknown caller).</param>
/// <param name="Types">Their types: lead, customer, previousCustomer (several at once), or unknown.</param>
/// <param name="Campaign">Their campaign: only agents with it take the callback; null for none.</param>
/// <param name="OwnershipCode">Their ownership code: only agents with it take the callback (a private contact); null for a common one.</param>
public sealed record CallbackContact(string Id, string? Name, IReadOnlyList<string> Types, string? Campaign, string? OwnershipCode)
{
    public static CallbackContact? From(Domain.Contacts.ContactRef? contact) => contact is null ? null
        : new(contact.Id, contact.Name, [.. contact.Types.Select(Domain.Contacts.ContactTypes.ApiName)], contact.Campaign, contact.OwnershipCode);
}

/// <summary>One request that asked for the callback (one live callback per person and queue: later ones merge into it).</summary>
/// <param name="Kind">What asked: a lost call, an IVR request, a caller who pressed 1 in the queue, or an agent's schedule.</param>
/// <param name="ReceivedAt">When it came (UTC).</param>
/// <param name="Place">The place in line it asked for (UTC): the callback keeps the earliest.</param>
/// <param name="DueAt">The due time it asked for (UTC): the callback keeps the earliest, unless an agent set one on purpose.</param>
/// <param name="CallSid">The inbound call that asked (<c>CA</c> and 32 hex digits), or null for a request made through the API.</param>
public sealed record TriggerEntry(TriggerKind Kind, DateTimeOffset ReceivedAt, DateTimeOffset Place, DateTimeOffset DueAt, string? CallSid);

/// <summary>One entry of a callback's timeline: a status change, or an event within a status (then <c>from</c> equals <c>to</c>).</summary>
/// <param name="At">When it happened (UTC).</param>
/// <param name="From">The status before; null for the first entry.</param>
/// <param name="To">The status after.</param>
/// <param name="Reason">What happened, in words (e.g. <c>attempt 1: offered to agent Alice (offer 1, contact-center rule v0)</c>).</param>
/// <param name="CallSids">The Twilio calls involved, by role: <c>original</c> (the lost inbound call), <c>agent</c>, <c>customer</c>.</param>
public sealed record TimelineEntry(DateTimeOffset At, CallbackStatus? From, CallbackStatus To, string Reason, IReadOnlyDictionary<string, string> CallSids);

/// <summary>One callback: the same fields as a list item, at the top level (DESIGN §4), and its timeline.</summary>
/// <param name="Id"><inheritdoc cref="CallbackSummary.Id" /></param>
/// <param name="Status"><inheritdoc cref="CallbackSummary.Status" /></param>
/// <param name="Caller"><inheritdoc cref="CallbackSummary.Caller" /></param>
/// <param name="Queue"><inheritdoc cref="CallbackSummary.Queue" /></param>
/// <param name="CallerId"><inheritdoc cref="CallbackSummary.CallerId" /></param>
/// <param name="Origin"><inheritdoc cref="CallbackSummary.Origin" /></param>
/// <param name="Attempt"><inheritdoc cref="CallbackSummary.Attempt" /></param>
/// <param name="MaxAttempts"><inheritdoc cref="CallbackSummary.MaxAttempts" /></param>
/// <param name="DueAt"><inheritdoc cref="CallbackSummary.DueAt" /></param>
/// <param name="ExpiresAt"><inheritdoc cref="CallbackSummary.ExpiresAt" /></param>
/// <param name="CreatedAt"><inheritdoc cref="CallbackSummary.CreatedAt" /></param>
/// <param name="OriginalCallSid"><inheritdoc cref="CallbackSummary.OriginalCallSid" /></param>
/// <param name="WaitingForAgent"><inheritdoc cref="CallbackSummary.WaitingForAgent" /></param>
/// <param name="BoundAgent"><inheritdoc cref="CallbackSummary.BoundAgent" /></param>
/// <param name="PreferredAgent"><inheritdoc cref="CallbackSummary.PreferredAgent" /></param>
/// <param name="Place"><inheritdoc cref="CallbackSummary.Place" /></param>
/// <param name="Comment"><inheritdoc cref="CallbackSummary.Comment" /></param>
/// <param name="RetriesLeft"><inheritdoc cref="CallbackSummary.RetriesLeft" /></param>
/// <param name="Contact"><inheritdoc cref="CallbackSummary.Contact" /></param>
/// <param name="Position">A <c>Queued</c> callback's position in its queue's line (1 = next; ahead means an earlier place, due yet or
/// not); null otherwise (and in the answers of commands).</param>
/// <param name="EstimatedAt">When a <c>Queued</c> callback should be called (UTC), from the callbacks ahead, the available agents serving the
/// queue and the queue's recent time from offer to the agent call's end; never before it is due. Null while no agent serves the queue, and
/// for any other status.</param>
/// <param name="PromisedAt">What the customer was told (or an agent agreed): the estimate spoken at the IVR or in the queue, a slot's start, an
/// agent's time (UTC); null when nobody was promised anything (a lost call). The queue's stats measure how well it is kept.</param>
/// <param name="CustomerCalledAt">When the customer was first dialled (UTC), or null.</param>
/// <param name="ConnectedAt">When the customer was reached (UTC), or null.</param>
/// <param name="RejectedBy">The agents who rejected it (pressed 2, or the alert's reject): it is never offered to them again.</param>
/// <param name="Triggers">Every request that asked for it, oldest first.</param>
/// <param name="Timeline">Every change, oldest first.</param>
public sealed record CallbackDetail(string Id, CallbackStatus Status, string Caller, string Queue, string CallerId, CallbackOrigin Origin,
    int Attempt, int MaxAttempts, DateTimeOffset? DueAt, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, string? OriginalCallSid, bool WaitingForAgent,
    string? BoundAgent, bool PreferredAgent, DateTimeOffset Place, string? Comment, int? RetriesLeft, CallbackContact? Contact, int? Position, DateTimeOffset? EstimatedAt,
    DateTimeOffset? PromisedAt, DateTimeOffset? CustomerCalledAt, DateTimeOffset? ConnectedAt, IReadOnlyList<string> RejectedBy, IReadOnlyList<TriggerEntry> Triggers,
    IReadOnlyList<TimelineEntry> Timeline)
{
    public static CallbackDetail From(Callback c, Domain.Queues.QueueEstimate? estimate = null)
    {
        var s = CallbackSummary.From(c);
        return new(s.Id, s.Status, s.Caller, s.Queue, s.CallerId, s.Origin, s.Attempt, s.MaxAttempts, s.DueAt, s.ExpiresAt, s.CreatedAt, s.OriginalCallSid,
            s.WaitingForAgent, s.BoundAgent, s.PreferredAgent, s.Place, s.Comment, s.RetriesLeft, s.Contact, estimate?.Position, estimate?.EstimatedAt,
            c.PromisedAt, c.CustomerCalledAt, c.ConnectedAt, c.RejectedBy,
            [.. c.Triggers.Select(t => new TriggerEntry(t.Kind, t.ReceivedAt, t.Place, t.DueAt, Twilio.TwilioSids.IsSid(t.Source, Twilio.TwilioSids.Call) ? t.Source : null))],
            [.. c.Timeline.Select(e => new TimelineEntry(e.At, e.From, e.To, e.Reason, e.CallSids))]);
    }
}

/// <summary>A page of callbacks.</summary>
/// <param name="Items">The callbacks on this page (at most <c>pageSize</c>).</param>
/// <param name="ContinuationToken">Pass it as <c>continuationToken</c>, with the same filters, for the next page; null on the last page.</param>
public sealed record CallbackPage(IReadOnlyList<CallbackSummary> Items, string? ContinuationToken);

/// <summary>When a queued callback is to be made instead: exactly one of <c>at</c> and <c>in</c>.</summary>
/// <param name="At">An instant with its offset (<c>2026-12-07T14:30:00+01:00</c>, <c>...Z</c>), or a local date and time without one
/// (<c>2026-12-07T14:30</c>), read in the callback's time zone (UTC when it has none). Not in the past; at most 90 days ahead.</param>
/// <param name="In">From now: days, hours and minutes, each 0 or more, at least one above 0, at most 90 days in all.</param>
public sealed record MoveBody(string? At = null, RelativeTime? In = null);

/// <summary>A number an agent dialled by hand.</summary>
/// <param name="Number">The number the agent dialled, in any format a phone number takes.</param>
public sealed record ManualDialBody([Required] string? Number);

/// <summary>The callbacks a manual dial cancelled.</summary>
/// <param name="Number">The number, E.164.</param>
/// <param name="Cancelled">How many of its callbacks were cancelled (in every queue).</param>
public sealed record ManualDialResult(string Number, int Cancelled);

/// <summary><c>/api/callbacks</c>: list and inspect callbacks, cancel one, call one now, record a manual dial.</summary>
public sealed class CallbackFunctions(CallbackReader callbacks, CallbackRuns runs, MissedCallService service, PhoneNumberNormalizer numbers, TimeZones zones,
    Queues.QueueEstimator estimator, TimeProvider time)
{
    /// <summary>The answers of a command (<see cref="CommandAsync"/>), for the OpenAPI document.</summary>
    private static class Command
    {
        public const string Cancelled = "200: The callback, cancelled";
        public const string CalledNow = "200: The callback, due now";
        public const string Moved = "200: The callback, moved";
        public const string Deleted = "200: The callback, cancelled as deleted";
        public const string Accepted = "202: Sent, not saved within 10 s: the callback as it is expected to be";
        public const string NotFound = "404: No such callback";
        public const string Refused = "409: Not possible in the callback's current state (the detail says why)";
    }

    [ApiOperation("Callbacks", "List callbacks, filtered by status, caller or queue; paged.", Query = ["status (CallbackStatus): only callbacks in this status",
        "caller: only this customer's (any format a phone takes; compared in E.164)", "queue: only this queue's", "pageSize (integer): 1 to 1000 (50)",
        "continuationToken: the one the page before gave, with the same status, caller and queue"], Answer = typeof(CallbackPage),
        Responses = ["200: A page of callbacks, newest first"])]
    [Function("ListCallbacks")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/callbacks")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        ETags.Conditional(request, RequestValues.TryNumber(request, "pageSize", out var pageSize, out var problem)
            ? await ListAsync(RequestValues.Text(request, "status"), RequestValues.Text(request, "caller"), RequestValues.Text(request, "queue"),
                pageSize, RequestValues.Text(request, "continuationToken"), client, ct)
            : problem!);

    [ApiOperation("Callbacks", "One callback: the list fields and its timeline.", Path = ["id: the callback's id (`cb-` and 20 hex digits)"], Answer = typeof(CallbackDetail),
        Responses = ["200: The callback", "404: No such callback"])]
    [Function("GetCallback")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/callbacks/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        ETags.Conditional(request, await callbacks.GetAsync(client, id, ct) is { } callback
            ? TypedResults.Ok(CallbackDetail.From(callback, await estimator.ForAsync(callback, ct))) : NotFound(id));

    [ApiOperation("Callbacks", "Cancel a live callback.", Path = ["id: the callback's id (`cb-` and 20 hex digits)"], Answer = typeof(CallbackDetail), Responses = [Command.Cancelled, Command.Accepted, Command.NotFound, Command.Refused])]
    [Function("CancelCallback")]
    public Task<IResult> Cancel([HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/callbacks/{id}/cancel")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        CommandAsync(id, new CancelRequested(CancelReason.Operator), client, ct);

    [ApiOperation("Callbacks", "Make a queued callback due now.", Path = ["id: the callback's id (`cb-` and 20 hex digits)"], Answer = typeof(CallbackDetail), Responses = [Command.CalledNow, Command.Accepted, Command.NotFound, Command.Refused])]
    [Function("CallCallbackNow")]
    public Task<IResult> CallNow([HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/callbacks/{id}/call-now")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        CommandAsync(id, new CallNowRequested(), client, ct);

    [ApiOperation("Callbacks", "Move a queued callback to another time (its expiry moves along).", Path = ["id: the callback's id (`cb-` and 20 hex digits)"], Body = typeof(MoveBody),
        Answer = typeof(CallbackDetail), Responses = [Command.Moved, Command.Accepted, "400: Neither or both of at and in, or a time refused (every reason at once)", Command.NotFound, Command.Refused])]
    [Function("MoveCallback")]
    public Task<IResult> Move([HttpTrigger(AuthorizationLevel.Function, "patch", Route = "api/callbacks/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<MoveBody>(request, body => MoveAsync(id, body, client, ct), ct);

    [ApiOperation("Callbacks", "Delete a pending callback: it ends Cancelled, its timeline saying it was deleted.", Path = ["id: the callback's id (`cb-` and 20 hex digits)"],
        Answer = typeof(CallbackDetail), Responses = [Command.Deleted, Command.Accepted, Command.NotFound, Command.Refused])]
    [Function("DeleteCallback")]
    public Task<IResult> Delete([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "api/callbacks/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        CommandAsync(id, new CancelRequested(CancelReason.Deleted), client, ct);

    private async Task<IResult> MoveAsync(string id, MoveBody body, DurableTaskClient client, CancellationToken ct)
    {
        if ((body.At is null) == (body.In is null))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["at"] = ["give exactly one of at (a time) and in (from now)"] });
        if (await callbacks.GetAsync(client, id, ct) is not { } callback) return NotFound(id);
        var now = time.GetUtcNow();
        var zone = zones.Find(callback.TimeZone) ?? TimeZoneInfo.Utc;
        return (body.In is { } delay ? ScheduledTime.In(delay, now) : ScheduledTime.At(body.At, zone, now)) switch
        {
            ScheduledTime.Accepted accepted => await TellAsync(callback, new MoveRequested(accepted.DueAt), client, ct),
            ScheduledTime.Refused refused => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [body.In is null ? "at" : "in"] = [.. refused.Problems] }),
            var other => throw new InvalidOperationException(other.ToString()),
        };
    }

    [ApiOperation("Callbacks", "An agent dialled a customer by hand: cancel that number's callbacks.", Body = typeof(ManualDialBody), Answer = typeof(ManualDialResult),
        Responses = ["200: The number, and how many callbacks were cancelled", "400: Not a valid phone number"])]
    [Function("ManualDial")]
    public Task<IResult> ManualDial([HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/callbacks/manual-dial")] HttpRequest request,
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
    private async Task<IResult> CommandAsync(string id, CallbackEvent command, DurableTaskClient client, CancellationToken ct) =>
        await callbacks.GetAsync(client, id, ct) is { } callback ? await TellAsync(callback, command, client, ct) : NotFound(id);

    /// <summary>Tells <paramref name="callback"/> (as just read) the command, if its state allows it, and answers it as it then stands.</summary>
    private async Task<IResult> TellAsync(Callback callback, CallbackEvent command, DurableTaskClient client, CancellationToken ct)
    {
        var id = callback.Id;
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
