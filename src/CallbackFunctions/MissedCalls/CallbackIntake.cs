using CallbackFunctions.Storage;
using CallbackFunctions.Spool;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.MissedCalls;

/// <summary>
/// What every route that asks for a callback does around its own decision (the lost-call, IVR and queue webhooks):
/// the storage work within Twilio's budget or spooled, Twilio's answer first, then the rest (the callback's start, the
/// trigger merged into the caller's live callback, a no-callback note) in the same invocation.
/// </summary>
public sealed class CallbackIntake(MissedCallService service, WebhookSpool spool, Agents.AgentDirectory agents, NoCallbackNotes notes,
    Twilio.TwilioWebhook twilio, SeenCallRepository seen, Telephony.PhoneNumberNormalizer numbers, QueueSettingsRepository queueSettings,
    Queues.QueueEstimator estimator, RequestCountRepository requestCounts, Microsoft.Extensions.Options.IOptionsMonitor<Settings.CallbackOptions> options,
    TimeProvider time, ILoggerFactory loggers)
{
    /// <summary>
    /// A caller's request (IVR, call slot, press 1) admitted, with the estimate of when it will be called (null while no
    /// agent serves the queue); or refused, with the note's code, the operator's reason and what the caller hears.
    /// </summary>
    public sealed record Admission(Domain.Queues.QueueEstimate? Estimate, string? RefusedCode = null, string? RefusedReason = null, string? RefusedSaying = null)
    {
        public bool Admitted => RefusedCode is null;
    }

    /// <summary>Whether the queue (its <paramref name="settings"/> as just read) is at its <c>maxPending</c> live callbacks, so it offers no more now.</summary>
    public async Task<bool> QueueFullAsync(string queue, Domain.Queues.QueueSettings settings, CancellationToken ct) =>
        settings.MaxPending is { } max && (await estimator.LineAsync(queue, ct)).Live >= max;

    /// <summary>
    /// issue 15 §6, the capacity guards, for a caller's own request: a queue at its <c>maxPending</c> takes none, and a
    /// number takes at most <c>Callbacks__MaxRequestsPerNumberPerDay</c> a day (a request Twilio repeats counts once).
    /// Admitted with <paramref name="estimateFor"/> (the request's place and due time), it comes with the estimate of when
    /// it will be called (issue 15 §5), which the caller is told; without, the queue's line is read only for <c>maxPending</c>.
    /// </summary>
    public async Task<Admission> AdmitAsync(string queue, string caller, string requestId, (DateTimeOffset Place, DateTimeOffset DueAt)? estimateFor,
        CancellationToken ct)
    {
        var max = (await queueSettings.GetAsync(queue, ct))?.Value.MaxPending;
        (Domain.Queues.QueueEstimate? Estimate, int Live) found = estimateFor is { } request ? await estimator.ForRequestAsync(queue, request.Place, request.DueAt, ct)
            : (null, max is null ? 0 : (await estimator.LineAsync(queue, ct)).Live);
        var (estimate, live) = found;
        if (live >= max)
            return new Admission(null, NoCallbackNotes.QueueFull, $"queue '{queue}' has {live} live callbacks, its maxPending is {max}",
                "Sorry, we cannot take more callback requests right now.");
        var cap = options.CurrentValue.MaxRequestsPerNumberPerDay;
        if (cap > 0 && !(await requestCounts.TryCountAsync(caller, requestId, cap, time.GetUtcNow(), ct)).Admitted)
            return new Admission(null, NoCallbackNotes.DailyCap, $"this number asked for {cap} callbacks today already (Callbacks__MaxRequestsPerNumberPerDay)",
                "Sorry, you have asked to be called back too many times today.");
        return new Admission(estimate?.EstimatedAt is null ? null : estimate);
    }

    private static readonly TimeSpan StorageBudget = TimeSpan.FromSeconds(8); // Twilio gives a webhook 15 s in all

    private readonly ILogger _logger = loggers.CreateLogger("CallbackFunctions.MissedCalls");

    public Routing Routing => new(twilio, agents);

    /// <summary>Records the request (<see cref="MissedCallService.RecordAsync"/>) within Twilio's budget, or spools it.</summary>
    public Task<(MissedCallService.Recorded? Result, bool Spooled)> RecordAsync(CallbackRequest create, DurableTaskClient client, CancellationToken ct)
    {
        spool.Remember(client);
        return WithSpoolAsync(new SpooledWebhook(create, null), c => service.RecordAsync(create, c), ct);
    }

    /// <summary>
    /// The callback is stored: Twilio gets its answer now (the response is completed), and the rest (the caller's live
    /// slot, the orchestration's start) is done after it, in the same invocation, so the caller never waits for Durable.
    /// If that rest fails, the webhook is spooled and replayed (idempotent); if the process dies first, the watchdog
    /// starts the stored callback when it comes due.
    /// </summary>
    public async Task<IResult> AnswerThenStartAsync(HttpRequest request, IResult answer, MissedCallService.Recorded? recorded, SpooledWebhook item, DurableTaskClient client)
    {
        if (recorded is not { HasWork: true, Callback: { } callback }) return answer;
        await answer.ExecuteAsync(request.HttpContext);
        await request.HttpContext.Response.CompleteAsync();
        using var budget = new CancellationTokenSource(StorageBudget);
        try
        {
            await service.FinishAsync(recorded, client, budget.Token);
        }
        catch (Exception e) when (TransientFaults.IsTransient(e))
        {
            await spool.SaveAsync(item, CancellationToken.None);
            MissedCallLog.Spooled(_logger, e.GetType().Name, spool.Count);
            return Results.Empty;
        }
        // After the answer: a queue nobody serves is worth a warning and a note, never a caller's wait (nor an error of its own).
        try
        {
            if (!await Routing.CheckServedAsync(request, callback.Queue, budget.Token))
                await notes.WriteAsync(NoCallbackNotes.Unserved(callback));
        }
        catch (Exception e) when (TransientFaults.IsTransient(e))
        {
            MissedCallLog.ServedCheckSkipped(_logger, callback.Queue, e.GetType().Name);
        }
        return Results.Empty;
    }

    /// <summary>
    /// No callback: Twilio gets its answer now (the response is completed), then why is noted for the API and the
    /// console, so a slow or failing note never holds up or changes what the caller hears.
    /// </summary>
    public async Task<IResult> AnswerThenNoteAsync(HttpRequest request, IResult answer, NoCallbackNote note)
    {
        await answer.ExecuteAsync(request.HttpContext);
        await request.HttpContext.Response.CompleteAsync();
        await notes.WriteAsync(note);
        using var budget = new CancellationTokenSource(StorageBudget);
        await RememberCallAsync(request, note.Queue, budget.Token);
        return Results.Empty;
    }

    /// <summary>Twilio gets its answer now; then the inbound call is remembered (<see cref="RememberCallAsync"/>).</summary>
    public async Task<IResult> AnswerThenRememberAsync(HttpRequest request, IResult answer, string queue)
    {
        await answer.ExecuteAsync(request.HttpContext);
        await request.HttpContext.Response.CompleteAsync();
        using var budget = new CancellationTokenSource(StorageBudget);
        await RememberCallAsync(request, queue, budget.Token);
        return Results.Empty;
    }

    /// <summary>
    /// Remembers the inbound call of this webhook (its CallSid, caller and queue), so an agent can schedule a callback
    /// for it by CallSid (<c>POST /api/callbacks</c> <c>fromCallSid</c>): a call that made no callback, or one still
    /// waiting in a queue (a call that made a callback is found by that callback). Best effort, after Twilio has its
    /// answer: a failure is logged and changes nothing else.
    /// </summary>
    private async Task RememberCallAsync(HttpRequest request, string? queue, CancellationToken ct)
    {
        if (!request.HasFormContentType || Twilio.TwilioSids.Read(request.Form, "CallSid", Twilio.TwilioSids.Call) is not { } callSid) return;
        var from = request.Form["From"].ToString();
        var caller = numbers.Normalize(from);
        try
        {
            await seen.SaveAsync(new SeenCall(callSid, from, caller.E164, caller.Problem, queue, numbers.Normalize(request.Form["To"]).E164, time.GetUtcNow()), ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            MissedCallLog.SeenCallNotSaved(_logger, callSid, e.GetType().Name);
        }
    }

    /// <summary>Runs the storage work within Twilio's budget; if storage fails or is too slow, spools it instead.</summary>
    public async Task<(T? Result, bool Spooled)> WithSpoolAsync<T>(SpooledWebhook item, Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        if (!spool.TryAdmit())
        {
            await spool.SaveAsync(item, CancellationToken.None);
            MissedCallLog.Shed(_logger, spool.Count);
            return (default, true);
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(StorageBudget);
        try
        {
            return (await work(budget.Token), false);
        }
        catch (Exception e) when (TransientFaults.IsTransient(e, ct))
        {
            await spool.SaveAsync(item, CancellationToken.None);
            MissedCallLog.Spooled(_logger, e.GetType().Name, spool.Count);
            return (default, true);
        }
        finally
        {
            spool.Leave();
        }
    }
}
