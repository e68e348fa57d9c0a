using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// How the edges (webhooks, the management API, the watchdog) talk to callbacks: start a callback's orchestration, and
/// tell it what happened. Every change goes through the orchestration; the edges read what it shows (<see cref="CallbackReader"/>).
/// </summary>
public sealed class CallbackRuns(CallbackReader reader, Spool.WebhookSpool spool, TimeProvider time, ILogger<CallbackRuns> logger)
{
    /// <summary>Every status an instance can have: a start of an id that exists, in whatever state, is refused.</summary>
    private static readonly OrchestrationRuntimeStatus[] AnyStatus = Enum.GetValues<OrchestrationRuntimeStatus>();

    /// <summary>
    /// Starts the orchestration of a callback whose projection is stored. Its id is the callback's, so a repeated
    /// webhook (or a replay from the spool) finds it running: that is a normal outcome, not a race.
    /// </summary>
    public async Task StartAsync(DurableTaskClient client, CallbackRun run, CancellationToken ct)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(CallbackOrchestration.Name, run,
                new StartOrchestrationOptions(run.State.Id).WithDedupeStatuses(AnyStatus), ct);
            CallbackLog.Started(logger, run.State.Id);
        }
        catch (Exception e) when (IsAlreadyStarted(e))
        {
            CallbackLog.AlreadyStarted(logger, run.State.Id);
        }
    }

    /// <summary>
    /// Tells a callback's orchestration that <paramref name="happened"/>, and returns what the domain decides on it from
    /// the callback as it is shown now (null: no such callback). The orchestration decides for real, on its own state,
    /// which may be a step ahead: the preview is for answering at once (TwiML, an API response), never for storing.
    /// </summary>
    /// <remarks>A leg's report that this instance told (or found moot) already, or is looking at right now, is its repeat: null, nothing read.</remarks>
    public async Task<Decision?> TellAsync(DurableTaskClient client, string callbackId, CallbackEvent happened, CancellationToken ct)
    {
        if (!Claim(callbackId, happened, out var repeat)) return null;
        Decision? preview;
        try
        {
            preview = await PreviewAsync(client, callbackId, happened, ct);
        }
        catch
        {
            Unclaim(repeat);
            throw;
        }
        if (preview is null)
        {
            Unclaim(repeat);
            return null;
        }
        if (IsMoot(happened, preview)) CallbackLog.MootNotTold(logger, callbackId, happened.GetType().Name, preview.Callback.Status.ToString());
        else await RaiseClaimedAsync(client, callbackId, happened, repeat, ct);
        return preview;
    }

    /// <summary>Tells the agent's choice on offer <paramref name="offer"/> (1 or 2), previewed as their call finds the callback (<see cref="CallbackReader.ForOfferAsync"/>).</summary>
    public async Task<Decision?> TellAgentChoiceAsync(DurableTaskClient client, string callbackId, int offer, CallbackEvent choice, CancellationToken ct)
    {
        if (await reader.ForOfferAsync(client, callbackId, offer, ct) is not { } current) return null;
        await SendAsync(client, callbackId, choice, ct);
        return choice.Apply(current, time.GetUtcNow());
    }

    /// <summary>
    /// Twilio's news of a leg that changes nothing for a callback already final: final is final in the domain, and the
    /// orchestration holds the same final state the projection shows (it saved it), so it would ignore the event, after
    /// a whole step of its own (a control-queue message, a history read and write, an instance update). A call that
    /// lasts longer than it takes to save its answer ends this way. The exception is an agent call's end: the
    /// orchestration's process ends with it, so it is always told.
    /// </summary>
    public static bool IsMoot(CallbackEvent happened, Decision preview) =>
        happened is not AgentCallEnded && !preview.Callback.IsLive && !preview.Changed && preview.Commands.IsEmpty;

    /// <summary>What the domain decides on <paramref name="happened"/> from the callback as it is shown now (null: no such callback).</summary>
    public async Task<Decision?> PreviewAsync(DurableTaskClient client, string callbackId, CallbackEvent happened, CancellationToken ct) =>
        await reader.ShownAsync(client, callbackId, ct) is { } current ? happened.Apply(current, time.GetUtcNow()) : null;

    /// <summary>Tells a callback's orchestration that <paramref name="happened"/>; one that has ended ignores it.</summary>
    public async Task SendAsync(DurableTaskClient client, string callbackId, CallbackEvent happened, CancellationToken ct)
    {
        // Twilio reports a leg's end twice when the Dial action and the leg's status callback both come: the second
        // says nothing new, and telling it costs a whole orchestration step. Only a repeat of one told here is skipped
        // (another instance may tell it again: the orchestration ignores it); one that failed to be told is not.
        if (Claim(callbackId, happened, out var repeat)) await RaiseClaimedAsync(client, callbackId, happened, repeat, ct);
    }

    /// <summary>
    /// Claims a leg's report for this instance (<paramref name="repeat"/> null: not a leg's report, nothing to claim);
    /// false, and logged, when it was claimed already: it is a repeat.
    /// </summary>
    private bool Claim(string callbackId, CallbackEvent happened, out string? repeat)
    {
        repeat = RepeatKey(callbackId, happened);
        if (repeat is null) return true;
        if (!_told.TryAdd(repeat, time.GetUtcNow()))
        {
            CallbackLog.RepeatNotTold(logger, callbackId, happened.GetType().Name);
            return false;
        }
        if (_told.Count > ToldKept) Forget();
        return true;
    }

    /// <summary>A claimed report that was not told after all: its repeat (or a replay) may tell it.</summary>
    private void Unclaim(string? repeat)
    {
        if (repeat is not null) _told.TryRemove(repeat, out _);
    }

    private async Task RaiseClaimedAsync(DurableTaskClient client, string callbackId, CallbackEvent happened, string? repeat, CancellationToken ct)
    {
        try
        {
            await client.RaiseEventAsync(callbackId, CallbackOrchestration.EventName, happened, ct);
        }
        catch
        {
            Unclaim(repeat);
            throw;
        }
        CallbackLog.Told(logger, callbackId, happened.GetType().Name);
    }

    /// <summary>
    /// Tells a command to an orchestration that may have been started a moment ago. Durable discards an event that reaches
    /// an instance before its first episode has run (DurableTask.AzureStorage drops the messages of an instance that has
    /// no history yet, and puts a start message back for 2 s when it sees it before the instance's row), so the event is
    /// raised only once the instance is no longer <c>Pending</c>. Whoever makes a callback reads the caller's marks after
    /// starting it, and whoever leaves a mark tells the callbacks it finds after leaving it: together with this wait, one
    /// of the two always reaches a running orchestration, whatever the order they run in. One instance read per command.
    /// </summary>
    public async Task TellOnceStartedAsync(DurableTaskClient client, string callbackId, CallbackEvent command, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + StartWait;
        var pause = TimeSpan.FromMilliseconds(20);
        while (await client.GetInstanceAsync(callbackId, getInputsAndOutputs: false, ct) is { RuntimeStatus: OrchestrationRuntimeStatus.Pending })
        {
            if (time.GetUtcNow() >= deadline)
            {
                // Told all the same: its offer reads the caller's marks before dialling anyone.
                CallbackLog.StillPending(logger, callbackId, command.GetType().Name, StartWait);
                break;
            }
            await Task.Delay(pause, time, ct);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
        }
        await SendAsync(client, callbackId, command, ct);
    }

    /// <summary>How long a command waits for a new orchestration's first episode (the backend's own deferral is 2 s, doubled per try).</summary>
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(30);

    /// <summary>Whether this instance told (or found moot) <paramref name="happened"/> lately: a repeat of a leg's report.</summary>
    public bool WasTold(string callbackId, CallbackEvent happened) => RepeatKey(callbackId, happened) is { } key && _told.ContainsKey(key);

    /// <summary>Leg outcomes told from this instance lately (a leg's end, its answer), so a repeat is not told again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _told = new(StringComparer.Ordinal);
    private const int ToldKept = 10_000;
    private static readonly TimeSpan ToldFor = TimeSpan.FromMinutes(10);

    private static string? RepeatKey(string callbackId, CallbackEvent happened) => happened switch
    {
        CustomerAnswered a => $"{callbackId}|customer-answered|{a.Attempt}",
        CustomerLegEnded e => $"{callbackId}|customer-ended|{e.Attempt}",
        CustomerNotReached n => $"{callbackId}|customer-ended|{n.Attempt}",
        AgentCallEnded e => $"{callbackId}|agent-ended|{e.Offer}",
        _ => null,
    };

    private void Forget()
    {
        var before = time.GetUtcNow() - ToldFor;
        foreach (var (key, at) in _told)
            if (at < before) _told.TryRemove(key, out _);
    }

    /// <summary>
    /// Tells the orchestration what a Twilio status callback reported. Twilio never sends a status callback twice, so
    /// the event must not be lost: it is told whether or not Twilio still waits for the answer (the request's own
    /// cancellation does not stop it), and if Durable's storage is unreachable it is spooled and told on replay.
    /// </summary>
    public async Task SendOrSpoolAsync(DurableTaskClient client, string callbackId, CallbackEvent happened)
    {
        spool.Remember(client);
        using var budget = new CancellationTokenSource(SendBudget);
        // Claimed before it is looked at: the leg's other report of its end, arriving meanwhile, is skipped without a read.
        if (!Claim(callbackId, happened, out var repeat)) return;
        // Only a leg's end is worth a look first: it is what comes after the callback completed. An "answered" comes
        // while the callback is live (a read for nothing, on every call).
        if (happened is CustomerLegEnded or CustomerNotReached && await PreviewOrNullAsync(client, callbackId, happened, budget.Token) is { } preview
            && IsMoot(happened, preview))
        {
            CallbackLog.MootNotTold(logger, callbackId, happened.GetType().Name, preview.Callback.Status.ToString());
            return;
        }
        try
        {
            await RaiseClaimedAsync(client, callbackId, happened, repeat, budget.Token);
        }
        catch (Exception e) when (TransientFaults.IsTransient(e))
        {
            await spool.SaveAsync(new Spool.SpooledWebhook(null, null, callbackId, happened), CancellationToken.None);
            CallbackLog.TellSpooled(logger, callbackId, happened.GetType().Name, e.GetType().Name, spool.Count);
        }
    }

    /// <summary>The preview, or null when the projection cannot be read now (the event is then told, as if it mattered).</summary>
    private async Task<Decision?> PreviewOrNullAsync(DurableTaskClient client, string callbackId, CallbackEvent happened, CancellationToken ct)
    {
        try
        {
            return await PreviewAsync(client, callbackId, happened, ct);
        }
        catch (Exception e) when (TransientFaults.IsTransient(e))
        {
            return null;
        }
    }

    /// <summary>How long a status callback tries to tell its orchestration before spooling the event instead.</summary>
    private static readonly TimeSpan SendBudget = TimeSpan.FromSeconds(10);

    /// <summary>How long an operator's command waits to see its effect before answering with what it expects.</summary>
    public static readonly TimeSpan CommandWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Waits until the callback shows a change after <paramref name="before"/> (a command's effect always adds a
    /// timeline entry); the callback then, or null when it has not changed within <paramref name="limit"/>.
    /// </summary>
    public Task<Callback?> AwaitChangeAsync(DurableTaskClient client, Callback before, TimeSpan limit, CancellationToken ct) =>
        AwaitAsync(client, before.Id, c => c.Timeline.Length > before.Timeline.Length || c.Status != before.Status, limit, ct);

    /// <summary>Waits until the callback satisfies <paramref name="done"/>; the callback then, or null when it has not within <paramref name="limit"/>.</summary>
    public async Task<Callback?> AwaitAsync(DurableTaskClient client, string callbackId, Func<Callback, bool> done, TimeSpan limit, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + limit;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await reader.GetAsync(client, callbackId, ct) is { } callback && done(callback)) return callback;
            if (time.GetUtcNow() >= deadline) return null;
            await Task.Delay(pause, time, ct);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>
    /// Cancels several callbacks (an operator's command: a rule switched off, the account frozen, a queue deleted, a
    /// manual dial) and waits, within <see cref="CommandWait"/> in all, until each shows it. Returns how many were told.
    /// </summary>
    public async Task<int> CancelAllAsync(DurableTaskClient client, IReadOnlyCollection<string> callbackIds, CancelReason reason, CancellationToken ct)
    {
        var told = new List<Callback>();
        foreach (var id in callbackIds)
        {
            if (await reader.GetAsync(client, id, ct) is not { IsLive: true } callback) continue;
            await TellOnceStartedAsync(client, id, new CancelRequested(reason), ct);
            told.Add(callback);
        }
        var deadline = time.GetUtcNow() + CommandWait;
        foreach (var callback in told)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero) break;
            await AwaitChangeAsync(client, callback, left, ct);
        }
        return told.Count;
    }

    // The Functions host reports an existing instance as a gRPC AlreadyExists; the Durable Task sidecar passes the
    // backend's own exception through.
    private static bool IsAlreadyStarted(Exception e) =>
        e is RpcException { StatusCode: StatusCode.AlreadyExists }
        || e.GetType().Name == "OrchestrationAlreadyExistsException"
        || e.InnerException is { } inner && IsAlreadyStarted(inner);
}
