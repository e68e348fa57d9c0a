using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Rules;
using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.MissedCalls;

/// <summary>
/// A lost call, an IVR or queue request, or an agent's schedule, normalised, ready to become a callback or merge into the
/// caller's live one (also what the spool keeps). <see cref="Place"/>: the caller's place in line when it is not the due
/// time (the moment they entered the queue). <see cref="RequestId"/>: names a request that has no CallSid (an API
/// request), so the same request lands on the same callback.
/// </summary>
public sealed record CallbackRequest(
    string Caller,
    string CallerId,
    string Queue,
    string? CallSid,
    CallbackOrigin Origin,
    string Reason,
    TimeSpan? FirstDelay,
    DateTimeOffset ReceivedAt,
    RuleKind LostIn = RuleKind.ContactCenter,
    string? LostAtAgent = null,
    DateTimeOffset? Place = null,
    string? Comment = null,
    ScheduledPlan? Scheduled = null,
    string? PreferredAgent = null,
    TimeSpan? PreferredAgentWait = null,
    string? TimeZone = null,
    string? RequestId = null,
    DateTimeOffset? PromisedAt = null)
{
    /// <summary>The id a callback made from this request has (a repeat lands on it).</summary>
    public string CallbackId => IdFor(CallSid ?? RequestId, Queue, Origin);

    /// <summary>The id of the callback a request of <paramref name="origin"/> for this call (or API request) and queue makes.</summary>
    public static string IdFor(string? callSidOrRequestId, string queue, CallbackOrigin origin) => CallbackIds.For(callSidOrRequestId, queue, origin switch
    {
        CallbackOrigin.MissedCall => "missed",
        CallbackOrigin.IvrRequest => "ivr",
        CallbackOrigin.QueueRequest => "queue",
        _ => "scheduled",
    });
}

/// <summary>
/// Turns lost calls into callbacks and served calls into cancellations, keeping one live callback per caller and
/// queue (seed 000: only the last missed call stays queued; earlier ones are cancelled). A callback is its projection
/// (written here, at version 0) plus its orchestration (started here); everything after is the orchestration's.
/// </summary>
public sealed class MissedCallService(
    CallbackRuns runs,
    CallbackRepository callbacks,
    LiveCallbackIndex live,
    RuleBook rules,
    TimeZones zones,
    IOptionsMonitor<CallbackOptions> options,
    IOptionsMonitor<TwilioOptions> twilio,
    NoCallbackNotes notes,
    Contacts.CallerContacts contacts,
    TimeProvider time,
    ILogger<MissedCallService> logger)
{
    /// <summary>
    /// Makes the callback the rules call for; null when they call for none (the reason is logged and noted for the API).
    /// What a spooled webhook's replay does: nobody waits for an answer.
    /// </summary>
    public async Task<Callback?> CreateAsync(CallbackRequest request, DurableTaskClient client, CancellationToken ct)
    {
        var recorded = await RecordAsync(request, ct);
        if (recorded.NoCallback is { } none) await notes.WriteAsync(NoCallbackNotes.For(request, none));
        await FinishAsync(recorded, client, ct);
        return recorded.Callback;
    }

    /// <summary>
    /// What a request became: the callback stored (null when the rules call for none, and then why), and, when it is
    /// live, the run <see cref="StartAsync"/> must still start; or the caller's live callback in the queue it merges into
    /// (<see cref="MergeInto"/>, told by <see cref="FinishAsync"/>). Storing is what a webhook waits for before it
    /// answers: from then on the callback exists, and the watchdog finishes what a crash may leave undone.
    /// </summary>
    /// <remarks><see cref="HoldsLiveSlot"/>: the caller's live slot in the queue points at <see cref="ToStart"/> already (taken before it was stored).</remarks>
    public sealed record Recorded(Callback? Callback, CallbackRun? ToStart, RuleDecision.NoCallback? NoCallback = null, TriggerReceived? MergeInto = null,
        bool HoldsLiveSlot = false)
    {
        /// <summary>Whether there is anything left to do after the answer.</summary>
        public bool HasWork => ToStart is not null || MergeInto is not null;
    }

    /// <summary>
    /// Stores the callback the rules call for, or finds the caller's live callback in the queue that this request merges
    /// into (issue 15 §4). Idempotent: a repeated webhook finds the one it stored, or is merged once.
    /// </summary>
    public async Task<Recorded> RecordAsync(CallbackRequest request, CancellationToken ct)
    {
        var set = await rules.CurrentAsync(ct);
        var rule = set[request.LostIn];
        var isRequest = request.Origin != CallbackOrigin.MissedCall;
        var decision = RuleDecision.For(rule, set.Account, request.Queue, request.CallerId, twilio.CurrentValue.Owns(request.CallerId),
            request.TimeZone ?? zones.ForNumber(request.Caller), zones.Find, request.ReceivedAt, isRequest, request.LostAtAgent);
        if (decision is RuleDecision.NoCallback none)
        {
            MissedCallLog.NoCallback(logger, PhoneMask.Mask(request.Caller), none.Reason);
            return new Recorded(null, null, none);
        }
        var (queue, callerId, zone, boundAgent) = decision switch
        {
            RuleDecision.Make make => (make.Queue, make.CallerId, make.TimeZone, request.PreferredAgent ?? make.BoundAgent),
            RuleDecision.FailedAtOnce failed => (failed.Queue, failed.CallerId, (string?)null, (string?)null),
            _ => throw new InvalidOperationException(decision.ToString()),
        };
        var id = request.CallbackId;
        var policy = rule.ApplyTo(options.CurrentValue.ToPolicy());
        // issue 16: whose callback it is, by the number they called from (one read, once the account keeps contacts; an
        // unknown caller may get one).
        var contact = decision is RuleDecision.Make && set.Account.LooksUpContacts
            ? await contacts.ForCallerAsync(request.Caller, id, set.Account.UnknownCallers, ct) : null;
        // An agent's schedule is an explicit time: the rule's opening hours and switch do not move or stop it.
        var ruleKind = request.Origin == CallbackOrigin.Scheduled ? (RuleKind?)null : rule.Kind;
        var created = Callback.Create(
            new NewCallback(id, queue, request.Caller, callerId, request.Origin, request.CallSid, request.Reason, request.FirstDelay,
                ruleKind, ruleKind is null ? null : rule.Version, zone, boundAgent, request.Place, request.Comment, request.Scheduled,
                request.PreferredAgent is null ? null : request.PreferredAgentWait, request.PromisedAt, contact),
            policy, request.ReceivedAt).Callback;
        if (decision is RuleDecision.FailedAtOnce failedAtOnce)
        {
            // Failed before it started: a projection to show, nothing to run.
            var failed = created.Fail(failedAtOnce.Reason, request.ReceivedAt).Callback;
            await callbacks.TryCreateAsync(failed, ct);
            return new Recorded(failed, null);
        }
        // One live callback per person and queue: the caller's place in the queue is taken first (one insert, for a
        // caller with none), or a request for someone who has a live one merges into it (issue 15 §4).
        var holdsSlot = await live.TrySetAsync(created.Caller, created.Queue, created.Id, null, ct);
        if (!holdsSlot && await LiveOtherThanAsync(created, ct) is { } liveOne)
        {
            MissedCallLog.Merged(logger, PhoneMask.Mask(created.Caller), created.Queue, liveOne.Id);
            // The contact (found now, perhaps made since the live one began) shows a dial-back pending for the live one.
            if (contact is not null) await contacts.FollowAsync(liveOne with { Contact = contact }, ct);
            return new Recorded(liveOne, null, MergeInto: TriggerOf(created));
        }
        CallbackRun run;
        if (await callbacks.TryCreateAsync(created, ct) is { } etag)
        {
            CallbackLog.Created(logger, id, PhoneMask.Mask(created.Caller), created.Queue, created.DueAt);
            run = new CallbackRun(created, etag.ToString(), 0);
        }
        else
        {
            // A repeated webhook: the callback exists. Finish whatever the first delivery may not have.
            var existing = await callbacks.GetRunAsync(id, ct);
            if (existing is null || !existing.State.IsLive) return new Recorded(existing?.State ?? created, null);
            run = existing;
        }
        // seed 000: the contact shows DialbackQueued while a callback for them is live (idempotent for a repeat).
        await contacts.FollowAsync(run.State, ct);
        return new Recorded(run.State, run, HoldsLiveSlot: holdsSlot);
    }

    /// <summary>
    /// Whether this inbound call asked for a callback while it waited in <paramref name="queue"/> (pressed 1): its
    /// <c>&lt;Enqueue action&gt;</c> then says <c>leave</c>, which is no lost call.
    /// </summary>
    public async Task<bool> PressedOneAsync(string? callSid, string queue, CancellationToken ct) =>
        callSid is not null && await callbacks.GetAsync(CallbackRequest.IdFor(callSid, queue, CallbackOrigin.QueueRequest), ct) is not null;

    /// <summary>What the webhook (or the API) does after its answer: start the new callback, or tell the live one of the request.</summary>
    public async Task FinishAsync(Recorded recorded, DurableTaskClient client, CancellationToken ct)
    {
        if (recorded.ToStart is { } run) await StartAsync(run, client, ct, recorded.HoldsLiveSlot);
        else if (recorded is { MergeInto: { } merge, Callback: { } into }) await runs.TellOnceStartedAsync(client, into.Id, merge, ct);
    }

    /// <summary>The caller's live callback in the queue, when it is another than <paramref name="created"/>.</summary>
    private async Task<Callback?> LiveOtherThanAsync(Callback created, CancellationToken ct)
    {
        var row = await live.GetAsync(created.Caller, created.Queue, ct);
        if (row is null || row.Value == created.Id) return null;
        return await callbacks.GetAsync(row.Value, ct) is { Value: { IsLive: true } other } ? other : null;
    }

    /// <summary>A request (as the callback it would make) as one more trigger of a live callback: what it asks for, and what an agent's schedule brings.</summary>
    private static TriggerReceived TriggerOf(Callback made) =>
        new(made.Triggers[0], made.Timeline[0].Reason, made.Comment, made.Scheduled,
            made.PreferredAgentWait is null ? null : made.BoundAgent, made.PreferredAgentWait, made.PromisedAt, made.Contact);

    /// <summary>
    /// Makes a stored live callback the caller's live one in its queue and starts its orchestration; idempotent. Another
    /// live one that took that place first (a request at the same moment) takes this one's trigger, and this one ends merged.
    /// </summary>
    /// <remarks>
    /// A served call may come at any moment of this: before the callback has its live slot (the served call does not find
    /// it), or while its orchestration has not yet run its first episode (Durable would drop an event raised then). So the
    /// caller's served mark is read once the orchestration is started, and every cancel goes through
    /// <see cref="CallbackRuns.TellOnceStartedAsync"/>: the served call writes its mark before it lists the caller's
    /// callbacks, this reads the mark after taking the slot and starting, so one of the two always sees the other, and
    /// whichever tells does so to a running orchestration (a cancel told twice is ignored the second time).
    /// </remarks>
    public async Task StartAsync(CallbackRun run, DurableTaskClient client, CancellationToken ct, bool holdsLiveSlot = false)
    {
        var holder = holdsLiveSlot ? null : await TakeLiveSlotAsync(run.State, ct);
        await runs.StartAsync(client, run, ct);
        if (holder is not null)
        {
            // Two requests at once: the one holding the place keeps it and takes this one's trigger; this one ends merged.
            await runs.TellOnceStartedAsync(client, holder.Id, TriggerOf(run.State), ct);
            await runs.TellOnceStartedAsync(client, run.State.Id, new CancelRequested(CancelReason.Merged), ct);
            return;
        }
        var (_, servedAt, how) = await live.ReadAsync(run.State.Caller, run.State.Queue, ct);
        if (servedAt >= run.State.CreatedAt)
            await runs.TellOnceStartedAsync(client, run.State.Id, new CancelRequested(Enum.TryParse<CancelReason>(how, out var reason) ? reason : CancelReason.Served), ct);
    }

    /// <summary>Starts a stored callback whose orchestration never started (a crash after it was stored), if it is live.</summary>
    public async Task StartStoredAsync(string callbackId, DurableTaskClient client, CancellationToken ct)
    {
        if (await callbacks.GetRunAsync(callbackId, ct) is { State.IsLive: true } run) await StartAsync(run, client, ct);
    }

    /// <summary>
    /// Makes this callback the caller's live one in its queue; when another live one holds that place already (asked
    /// for at the same moment), returns it: this one's request merges into it (issue 15 §4).
    /// </summary>
    private async Task<Callback?> TakeLiveSlotAsync(Callback callback, CancellationToken ct)
    {
        // Most callers have no live callback in the queue: an insert takes the slot in one request.
        if (await live.TrySetAsync(callback.Caller, callback.Queue, callback.Id, null, ct)) return null;
        for (var round = 0; round < 8; round++)
        {
            var row = await live.GetAsync(callback.Caller, callback.Queue, ct);
            if (row?.Value == callback.Id) return null;
            if (row is not null && await callbacks.GetAsync(row.Value, ct) is { Value: { IsLive: true } other }) return other;
            if (await live.TrySetAsync(callback.Caller, callback.Queue, callback.Id, row?.ETag, ct)) return null;
        }
        throw new InvalidOperationException($"callback {callback.Id}: could not take the live slot");
    }

    /// <summary>
    /// The caller called again and was served, or an agent dialled them by hand: every live callback of theirs is
    /// cancelled (seed 002, 003). A webhook only tells them (Twilio is waiting); an operator's command waits to see it.
    /// </summary>
    public async Task<int> CancelForCallerAsync(string caller, CancelReason reason, DurableTaskClient client, CancellationToken ct, bool waitForEffect = false)
    {
        // First the mark every offer looks at: a callback whose orchestration has not started yet misses the event
        // below, but never dials past the mark.
        await live.MarkServedAsync(caller, time.GetUtcNow(), reason.ToString(), ct);
        var theirs = (await live.ListForCallerAsync(caller, ct)).Select(l => l.CallbackId).ToList();
        if (waitForEffect) return await runs.CancelAllAsync(client, theirs, reason, ct);
        foreach (var callbackId in theirs) await runs.TellOnceStartedAsync(client, callbackId, new CancelRequested(reason), ct);
        return theirs.Count;
    }
}
