using System.Collections.Immutable;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// What a callback's orchestration carries from step to step: the callback as the domain decided it, the projection's
/// ETag and version (so a repeated or late projection write never overwrites a newer one), and the offer whose holds
/// (agent, line, customer number) are still taken.
/// </summary>
public sealed record CallbackRun(Callback State, string ETag, long Version, HeldOffer? Held = null);

/// <summary>An offer whose holds are taken until its agent call ends, whatever the callback does meanwhile.</summary>
public sealed record HeldOffer(int Offer, string AgentId)
{
    public string Holder(string callbackId) => Agent.Holder(callbackId, Offer);
}

/// <summary>The run after an activity carried out a step, and the callbacks it freed something for.</summary>
public sealed record StepOutcome(CallbackRun Run, ImmutableArray<Wake> Wakes);

/// <summary>Tell another callback that something it waits for (an agent, a line) is free.</summary>
public sealed record Wake(string CallbackId, CallbackEvent Event);

/// <summary>Carry out a decision the orchestration made: save the projection, release holds, hang up legs.</summary>
public sealed record SaveStep(CallbackRun Run, Decision Decision);

/// <summary>
/// One Durable orchestration per callback (DESIGN §3). It interprets the domain's decisions: the callback's next
/// wake-up (due attempt, ring watchdog, expiry) is a durable timer raced with the events that can come meanwhile
/// (webhooks, operators, freed agents and lines); each event is applied by the domain with the orchestration's clock;
/// whatever needs I/O is an activity. The orchestration ends when the callback is final and the agent call of its last
/// offer has ended (so the agent, line and number it held are free again).
/// </summary>
public static class CallbackOrchestration
{
    public const string Name = nameof(CallbackOrchestration);

    /// <summary>The one external event name: its payload says what happened (<see cref="CallbackEvent"/>).</summary>
    public const string EventName = "CallbackEvent";

    /// <summary>Steps before the history is started afresh (unprocessed events are kept), so it stays short.</summary>
    internal const int StepsPerRun = 64;

    /// <summary>How often a final callback that still holds an offer asks Twilio whether that agent call ended.</summary>
    internal static readonly TimeSpan HeldCheckEvery = TimeSpan.FromMinutes(1);

    /// <summary>A step whose activity failed every retry is tried again after this (storage or Twilio down).</summary>
    internal static readonly TimeSpan FaultRetry = TimeSpan.FromSeconds(30);

    /// <summary>Activities are idempotent, so the framework may retry them; a fault past these tries waits <see cref="FaultRetry"/>.</summary>
    internal static readonly TaskOptions ActivityRetries = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2));

    /// <summary>Timers may fire up to a second early (DESIGN §1): a wake-up waits out the rest, at most this many times.</summary>
    private const int MaxEarlyWaits = 3;

    /// <summary>
    /// A due offer whose timer fired at most this early starts at once: the offer activity waits out the rest itself
    /// (to the millisecond, <see cref="Offers"/>), which costs far less than another timer's round trip through the queues.
    /// </summary>
    internal static readonly TimeSpan OfferWaitsOutEarly = TimeSpan.FromSeconds(1.5);

    [Function(Name)]
    public static Task<CallbackStatus> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RunAsync(context, context.GetInput<CallbackRun>() ?? throw new InvalidOperationException("a callback orchestration needs its CallbackRun"));

    public static Task<CallbackStatus> RunAsync(TaskOrchestrationContext context, CallbackRun run) =>
        new Runner(context).RunAsync(run);

    private sealed class Runner(TaskOrchestrationContext context)
    {
        private const string LogCategory = "CallbackFunctions.Callbacks.CallbackOrchestration";

        private DateTimeOffset Now => new(context.CurrentUtcDateTime, TimeSpan.Zero);

        /// <summary>Set when a step failed past its retries: the next look is then, whatever the callback's own wake-up.</summary>
        private DateTimeOffset? _retryAt;

        /// <summary>When a final callback still holding an offer next asks Twilio about that agent call (kept across events).</summary>
        private DateTimeOffset? _heldCheckAt;

        public async Task<CallbackStatus> RunAsync(CallbackRun run)
        {
            var timer = new WakeTimer(context);
            try
            {
                return await LoopAsync(run, timer);
            }
            finally
            {
                // An orchestration with a timer outstanding does not complete: whatever way it ends, none is left.
                timer.Cancel();
            }
        }

        private async Task<CallbackStatus> LoopAsync(CallbackRun run, WakeTimer timer)
        {
            Task<CallbackEvent>? next = null;
            var early = 0;
            for (var step = 0; ; step++)
            {
                if (WakeAt(run) is not { } wakeAt) return run.State.Status;
                if (step == StepsPerRun)
                {
                    timer.Cancel();
                    context.ContinueAsNew(run, preserveUnprocessedEvents: true);
                    return run.State.Status;
                }
                // The event wait outlives a timer that wins, so no event is waited for twice.
                next ??= context.WaitForExternalEvent<CallbackEvent>(EventName);
                var fires = timer.FiringBy(wakeAt);
                var before = run.State;
                if (await Task.WhenAny(next, fires) == next)
                {
                    var happened = await next;
                    next = null;
                    run = await OnEventAsync(run, happened);
                }
                else
                {
                    var armedFor = timer.Fired();
                    // A timer kept from an earlier, sooner wake-up: now arm the one this wake-up needs.
                    if (armedFor < wakeAt) continue;
                    if (Now < wakeAt && !StartsAtOnce(run, wakeAt) && ++early <= MaxEarlyWaits) continue;
                    early = 0;
                    _retryAt = null;
                    _heldCheckAt = null;
                    run = await OnWakeUpAsync(run);
                    // A wake-up always moves the callback on; if a step left it due, look again after a pause, not at once.
                    if (_retryAt is null && run.State.IsLive && run.State.WakeAt <= Now) _retryAt = Now + FaultRetry;
                }
                if (run.State.Status != before.Status)
                    CallbackLog.StatusChanged(context.CreateReplaySafeLogger(LogCategory), run.State.Id, before.Status.ToString(), run.State.Status.ToString(), run.State.Timeline[^1].Reason);
            }
        }

        /// <summary>The next moment to look: a retry after a fault, the callback's wake-up, or (final, offer still held) a check of the agent call.</summary>
        private DateTimeOffset? WakeAt(CallbackRun run) =>
            !run.State.IsLive && run.Held is null ? null
            : _retryAt ?? (run.State.IsLive ? run.State.WakeAt : _heldCheckAt ??= Now + HeldCheckEvery);

        /// <summary>An early timer of a due offer (not of a retry after a fault, nor of a watchdog): see <see cref="OfferWaitsOutEarly"/>.</summary>
        private bool StartsAtOnce(CallbackRun run, DateTimeOffset wakeAt) =>
            _retryAt is null && run.State is { Status: CallbackStatus.Queued } queued && wakeAt == queued.DueAt && queued.DueAt < queued.ExpiresAt
            && wakeAt - Now <= OfferWaitsOutEarly;

        private async Task<CallbackRun> OnEventAsync(CallbackRun run, CallbackEvent happened)
        {
            var now = Now;
            // The stuck-callback watchdog: an overdue callback is looked at as if its timer had just fired.
            if (happened is Nudged)
                return run.State.IsLive && run.State.WakeAt <= now ? await OnWakeUpAsync(run) : run;
            var decision = happened.Apply(run.State, now);
            // The agent call of the held offer is over: the agent, line and number are free again, whatever the
            // callback does (unless the decision frees them already, as a decline does).
            if (happened is AgentCallEnded ended && run.Held is { } held && held.Offer == ended.Offer && !decision.Commands.OfType<ReleaseAgent>().Any())
                decision = decision with { Commands = decision.Commands.Add(new ReleaseAgent(held.AgentId, held.Holder(run.State.Id))) };
            if (!decision.Changed && decision.Commands.IsEmpty)
            {
                CallbackLog.Ignored(context.CreateReplaySafeLogger(LogCategory), run.State.Id, decision.IgnoredBecause!);
                return run;
            }
            var saved = await SaveAsync(run, decision);
            // Its own last offer's holds are free now: a due callback that waits its turn (its previous agent call
            // still held the customer's number or a line) looks again at once rather than at its next retry.
            if (run.Held is not null && saved.Held is null && saved.State is { Status: CallbackStatus.Queued } waiting
                && waiting.DueAt <= now && waiting.WakeAt > now && _retryAt is null)
                return await OnWakeUpAsync(saved);
            return saved;
        }

        private async Task<CallbackRun> OnWakeUpAsync(CallbackRun run)
        {
            var callback = run.State;
            var now = Now;
            if (!callback.IsLive)
            {
                // Final, but its last offer's agent call was never reported over: ask Twilio.
                return await CheckLegAsync(run) is { } ended ? await OnEventAsync(run, ended) : run;
            }
            switch (callback.Status)
            {
                case CallbackStatus.Queued when now >= callback.ExpiresAt:
                    return await SaveAsync(run, callback.Expire(now));
                case CallbackStatus.Queued:
                    // Rules, holds, pacing and the agent call: one activity, which decides with what it reads, and saves.
                    return await StepAsync(CallbackActivities.OfferCallback, run, run);
                case CallbackStatus.DialingAgent when callback.AgentLeg is { CallSid: null } leg:
                    // The offer's call was never confirmed (a timeout or 5xx at Twilio): look it up, place it if absent.
                    return callback.OfferOverdue(now)
                        ? await OnEventAsync(run, new AgentCallEnded(leg.Offer, AgentOutcome.Unreachable, "Twilio never confirmed the call"))
                        : await StepAsync(CallbackActivities.PlaceAgentCall, run, run);
                default:
                    // A ring watchdog: a leg we heard nothing of. Twilio says what became of it, or it is still going.
                    if (await CheckLegAsync(run) is { } found)
                    {
                        run = await OnEventAsync(run, found);
                        if (!run.State.IsLive || run.State.WakeAt > now) return run;
                    }
                    return await SaveAsync(run, run.State.ExtendWatchdog(now));
            }
        }

        private async Task<CallbackEvent?> CheckLegAsync(CallbackRun run)
        {
            try
            {
                return await context.CallActivityAsync<CallbackEvent?>(CallbackActivities.CheckLeg, run, ActivityRetries);
            }
            catch (TaskFailedException e)
            {
                CallbackLog.StepFailed(context.CreateReplaySafeLogger(LogCategory), run.State.Id, CallbackActivities.CheckLeg, e.Message);
                return null;
            }
        }

        private Task<CallbackRun> SaveAsync(CallbackRun run, Decision decision) =>
            StepAsync(CallbackActivities.SaveCallback, run, new SaveStep(run, decision));

        /// <summary>
        /// Runs one step's activity and tells the callbacks it freed something for. A step that fails past its retries
        /// changes nothing here: it is tried again after <see cref="FaultRetry"/> (its activity is idempotent).
        /// </summary>
        private async Task<CallbackRun> StepAsync(string activity, CallbackRun run, object input)
        {
            try
            {
                var outcome = await context.CallActivityAsync<StepOutcome>(activity, input, ActivityRetries);
                foreach (var wake in outcome.Wakes) context.SendEvent(wake.CallbackId, EventName, wake.Event);
                return outcome.Run;
            }
            catch (TaskFailedException e)
            {
                CallbackLog.StepFailed(context.CreateReplaySafeLogger(LogCategory), run.State.Id, activity, e.Message);
                _retryAt = Now + FaultRetry;
                return run;
            }
        }
    }

    /// <summary>
    /// The one durable timer a callback keeps. Every timer costs a message through the control queue (and, if it fires
    /// while the orchestration runs, a whole replay), cancelled or not: a wake-up that moves later keeps the timer it
    /// has and looks again when that fires; only a wake-up that moves sooner arms a new one.
    /// </summary>
    private sealed class WakeTimer(TaskOrchestrationContext context)
    {
        private Task? _task;
        private CancellationTokenSource? _cancel;
        private DateTimeOffset _at;

        /// <summary>A timer firing no later than <paramref name="wakeAt"/>: the one outstanding, or a new one.</summary>
        public Task FiringBy(DateTimeOffset wakeAt)
        {
            if (_task is not null && _at <= wakeAt) return _task;
            Cancel();
            _cancel = new CancellationTokenSource();
            _at = wakeAt;
            _task = context.CreateTimer(wakeAt.UtcDateTime, _cancel.Token);
            return _task;
        }

        /// <summary>The timer fired: forget it; returns the moment it was armed for.</summary>
        public DateTimeOffset Fired()
        {
            _task = null;
            _cancel?.Dispose();
            _cancel = null;
            return _at;
        }

        public void Cancel()
        {
            _cancel?.Cancel();
            _cancel?.Dispose();
            _cancel = null;
            _task = null;
        }
    }
}
