using CallbackFunctions.Domain.Callbacks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// A callback's process, one Durable orchestration per callback (DESIGN §3). The agent is called first and the
/// customer is dialled from the agent's own call once they press 1 (Twilio's <c>&lt;Dial&gt;</c> in the agent-answer
/// webhook), so no customer ever hears ringing with nobody there. The phases:
/// <list type="number">
/// <item><b>Queued</b>: wait until due, or until cancelled, expired, or woken by a freed agent or line; then offer it to an agent.</item>
/// <item><b>DialingAgent</b>: the agent's phone rings; they accept (1), pass (2), or do not answer (the next agent is tried).</item>
/// <item><b>DialingCustomer</b>: the customer is dialled; answered, not reached (the next attempt is due later), or the agent hangs up.</item>
/// <item><b>Final, agent still on the line</b>: that call's end frees the agent, line and number (where Twilio reports it,
/// which also records the outcome; else here), and the process ends with its outcome recorded.</item>
/// </list>
/// The pure domain decides every transition (<see cref="CallbackEvent.Apply"/>, <see cref="Callback"/>); the activities
/// are the business steps that need I/O (<see cref="CallbackActivities"/>); waiting is one helper,
/// <see cref="Process.NextEventOrWakeUpAsync"/>, which hides the durable timer, early firing, retries after faults and
/// the fresh start of a long history.
/// </summary>
public static class CallbackOrchestration
{
    public const string Name = nameof(CallbackOrchestration);

    /// <summary>The one external event name: its payload says what happened (<see cref="CallbackEvent"/>).</summary>
    public const string EventName = "CallbackEvent";

    /// <summary>Phases before the history is started afresh (unprocessed events are kept), so it stays short.</summary>
    internal const int StepsPerRun = 64;

    /// <summary>How often a final callback whose agent is still on the line asks Twilio whether that call ended.</summary>
    internal static readonly TimeSpan HeldCheckEvery = TimeSpan.FromMinutes(1);

    /// <summary>A step whose activity failed every retry is tried again after this (storage or Twilio down).</summary>
    internal static readonly TimeSpan FaultRetry = TimeSpan.FromSeconds(30);

    /// <summary>Activities are idempotent, so the framework may retry them; a fault past these tries waits <see cref="FaultRetry"/>.</summary>
    internal static readonly TaskOptions ActivityRetries = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2));

    /// <summary>
    /// A due offer whose timer fired at most this early starts at once: the offer activity waits out the rest itself
    /// (to the millisecond, <see cref="Offers"/>), which costs far less than another timer's round trip through the queues.
    /// </summary>
    internal static readonly TimeSpan OfferWaitsOutEarly = TimeSpan.FromSeconds(1.5);

    [Function(Name)]
    public static Task<CallbackStatus> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RunAsync(context, context.GetInput<CallbackRun>() ?? throw new InvalidOperationException("a callback orchestration needs its CallbackRun"));

    public static Task<CallbackStatus> RunAsync(TaskOrchestrationContext context, CallbackRun run) =>
        new Process(context).RunAsync(run);

    private sealed class Process(TaskOrchestrationContext context)
    {
        private const string LogCategory = "CallbackFunctions.Callbacks.CallbackOrchestration";

        /// <summary>Timers may fire up to a second early (DESIGN §1): a wake-up waits out the rest, at most this many times.</summary>
        private const int MaxEarlyWaits = 3;

        private readonly WakeTimer _timer = new(context);

        /// <summary>The wait for the next event; it outlives a timer that wins, so no event is waited for twice.</summary>
        private Task<CallbackEvent>? _event;

        /// <summary>Set when a step failed past its retries: the next wake-up is then, whatever the callback's own.</summary>
        private DateTimeOffset? _retryAt;

        /// <summary>When a final callback whose agent is still on the line next asks Twilio about that call (kept across events).</summary>
        private DateTimeOffset? _heldCheckAt;

        /// <summary>The last phase ended on a wake-up (not an event).</summary>
        private bool _wokeUp;

        private DateTimeOffset Now => new(context.CurrentUtcDateTime, TimeSpan.Zero);

        public async Task<CallbackStatus> RunAsync(CallbackRun run)
        {
            try
            {
                context.SetCustomStatus(CallbackSnapshot.Of(run));
                for (var step = 0; run.State.IsLive || run.Held is not null || run.Unsaved; step++)
                {
                    if (step == StepsPerRun)
                    {
                        _timer.Cancel();
                        context.ContinueAsNew(run, preserveUnprocessedEvents: true);
                        break;
                    }
                    var (before, beforeRun) = (run.State, run);
                    run = before.Status switch
                    {
                        _ when !before.IsLive && run.Held is not null => await AwaitAgentCallEndAsync(run),
                        _ when !before.IsLive => await RecordOutcomeAsync(run),
                        CallbackStatus.Queued => await WaitUntilDueThenOfferAsync(run),
                        CallbackStatus.DialingAgent => await AwaitAgentAnswerAsync(run),
                        CallbackStatus.DialingCustomer => await AwaitCustomerOutcomeAsync(run),
                        _ => throw new InvalidOperationException($"callback {before.Id}: no phase for {before.Status}"),
                    };
                    // What the API and the webhooks read: free, it rides on the instance row Durable writes with every episode.
                    if (!ReferenceEquals(run, beforeRun)) context.SetCustomStatus(CallbackSnapshot.Of(run));
                    // A wake-up always moves the callback on; if its step left it due, it looks again after a pause, not at once.
                    if (_wokeUp && _retryAt is null && run.State.IsLive && run.State.WakeAt <= Now) _retryAt = Now + FaultRetry;
                    if (run.State.Status != before.Status)
                        CallbackLog.StatusChanged(context.CreateReplaySafeLogger(LogCategory), run.State.Id, before.Status.ToString(), run.State.Status.ToString(), run.State.Timeline[^1].Reason);
                }
                return run.State.Status;
            }
            finally
            {
                // An orchestration with a timer outstanding does not complete: whatever way it ends, none is left.
                _timer.Cancel();
            }
        }

        // ---- the phases ------------------------------------------------------------------------------------------

        /// <summary>Queued: wait until due (or cancelled, or woken by a freed agent or line), then offer it to an agent.</summary>
        private async Task<CallbackRun> WaitUntilDueThenOfferAsync(CallbackRun run)
        {
            if (await NextEventOrWakeUpAsync(run, dueOffer: true) is { } happened) return await ApplyAsync(run, happened);
            // seed 000: no attempt starts after the expiry.
            if (Now >= run.State.ExpiresAt) return await SaveAsync(run, run.State.Expire(Now));
            return await OfferToAgentAsync(run);
        }

        /// <summary>DialingAgent: the agent's phone rings; accepted, passed or not answered (all events); silence is looked into.</summary>
        private async Task<CallbackRun> AwaitAgentAnswerAsync(CallbackRun run)
        {
            if (await NextEventOrWakeUpAsync(run) is { } happened) return await ApplyAsync(run, happened);
            if (run.State.AgentLeg is { CallSid: null } leg)
            {
                // Twilio never confirmed the offer's call (a timeout or 5xx): look it up, and place it only if it is not there.
                return run.State.OfferOverdue(Now)
                    ? await ApplyAsync(run, new AgentCallEnded(leg.Offer, AgentOutcome.Unreachable, "Twilio never confirmed the call"))
                    : await StepAsync(CallbackActivities.ConfirmAgentCall, run, run);
            }
            return await RingWatchdogAsync(run);
        }

        /// <summary>DialingCustomer: the customer is dialled on the agent's call; answered, not reached, or the agent hangs up.</summary>
        private async Task<CallbackRun> AwaitCustomerOutcomeAsync(CallbackRun run)
        {
            if (await NextEventOrWakeUpAsync(run) is { } happened) return await ApplyAsync(run, happened);
            return await RingWatchdogAsync(run);
        }

        /// <summary>Final while the agent is still on the line: that call's end frees the agent, line and number.</summary>
        private async Task<CallbackRun> AwaitAgentCallEndAsync(CallbackRun run)
        {
            if (await NextEventOrWakeUpAsync(run) is { } happened) return await ApplyAsync(run, happened);
            // Its end was never reported: ask Twilio (once a minute).
            return await AskTwilioAboutCallAsync(run) is { } ended ? await ApplyAsync(run, ended) : run;
        }

        /// <summary>
        /// Final, its agent's call over, but its outcome not in the table yet (it was not recorded where that call's end
        /// was reported): record it, then the process ends.
        /// </summary>
        private async Task<CallbackRun> RecordOutcomeAsync(CallbackRun run)
        {
            // After a failed try: wait for the retry (an event meanwhile changes nothing for a final callback).
            if (_retryAt is not null && await NextEventOrWakeUpAsync(run) is { } happened) return await ApplyAsync(run, happened);
            return await StepAsync(CallbackActivities.SaveCallback, run, new SaveStep(run, Decision.Ignore(run.State, "final: its outcome recorded")));
        }

        // ---- the steps -------------------------------------------------------------------------------------------

        /// <summary>Rules, holds, pacing and the agent's call: one activity, which decides with what it reads, and saves.</summary>
        private Task<CallbackRun> OfferToAgentAsync(CallbackRun run) => StepAsync(CallbackActivities.OfferToAgent, run, run);

        /// <summary>A leg we heard nothing of for its ring time and more: Twilio says what became of it, or it is still going.</summary>
        private async Task<CallbackRun> RingWatchdogAsync(CallbackRun run)
        {
            var now = Now;
            if (await AskTwilioAboutCallAsync(run) is { } found)
            {
                run = await ApplyAsync(run, found);
                if (!run.State.IsLive || run.State.WakeAt > now) return run;
            }
            return await SaveAsync(run, run.State.ExtendWatchdog(now));
        }

        /// <summary>The domain decides on what happened; the decision is saved and carried out.</summary>
        private async Task<CallbackRun> ApplyAsync(CallbackRun run, CallbackEvent happened)
        {
            var now = Now;
            var heldBefore = run.Held;
            var decision = happened.Apply(run.State, now);
            // The agent call of the held offer is over: the agent, line and number are free again, whatever the callback
            // does. Freed already where Twilio reported it (and a final outcome recorded there), nothing is left to do
            // for it here; otherwise the decision frees them (a decline does so itself).
            if (happened is AgentCallEnded ended && run.Held is { } held && held.Offer == ended.Offer)
            {
                var holder = held.Holder(run.State.Id);
                if (ended.Released)
                {
                    decision = decision with { Commands = [.. decision.Commands.Where(c => c is not ReleaseAgent r || r.Holder != holder)] };
                    run = run with { Held = null, Unsaved = run.Unsaved && !(ended.FinalSaved && !run.State.IsLive) };
                }
                else if (!decision.Commands.OfType<ReleaseAgent>().Any())
                    decision = decision with { Commands = decision.Commands.Add(new ReleaseAgent(held.AgentId, holder, decision.Callback.CooldownAfterOffer(held.Offer))) };
            }
            if (!decision.Changed && decision.Commands.IsEmpty)
            {
                CallbackLog.Ignored(context.CreateReplaySafeLogger(LogCategory), run.State.Id, decision.IgnoredBecause!);
                return run;
            }
            var saved = await SaveAsync(run, decision);
            // Its own last agent call held the customer's number or a line: now free, a due callback waiting its turn
            // is offered at once rather than at its next look.
            if (heldBefore is not null && saved.Held is null && saved.State is { Status: CallbackStatus.Queued } waiting
                && waiting.DueAt <= now && waiting.WakeAt > now && _retryAt is null)
                return await OfferToAgentAsync(saved);
            return saved;
        }

        /// <summary>
        /// Saves a decision and carries out its commands. While the agent is on the line, a change that needs no I/O of
        /// its own (accepted, answered, a watchdog moved on) is not written yet: the end of that call is written anyway
        /// (it frees what the offer held) and carries it, and meanwhile the custom status shows it.
        /// </summary>
        private Task<CallbackRun> SaveAsync(CallbackRun run, Decision decision) =>
            decision.Commands.IsEmpty && (run.Held is not null || OfferFollows(run.State, decision.Callback))
                ? Task.FromResult(decision.Changed ? run with { State = decision.Callback, Unsaved = true } : run)
                : StepAsync(CallbackActivities.SaveCallback, run, new SaveStep(run, decision));

        /// <summary>
        /// Queued and due now, waiting for nothing new (the next agent after a decline): the offer that follows at once
        /// writes it, so it needs no write of its own.
        /// </summary>
        private bool OfferFollows(Callback before, Callback after) =>
            after is { Status: CallbackStatus.Queued, WakeAt: { } wakeAt } && wakeAt <= Now && after.DueAt <= Now
            && after.WaitingForAgent == before.WaitingForAgent && after.WaitingForLine == before.WaitingForLine;

        private async Task<CallbackEvent?> AskTwilioAboutCallAsync(CallbackRun run)
        {
            try
            {
                return await context.CallActivityAsync<CallbackEvent?>(CallbackActivities.AskTwilioAboutCall, run, ActivityRetries);
            }
            catch (TaskFailedException e)
            {
                CallbackLog.StepFailed(context.CreateReplaySafeLogger(LogCategory), run.State.Id, CallbackActivities.AskTwilioAboutCall, e.Message);
                return null;
            }
        }

        /// <summary>
        /// Runs one step's activity and tells the callbacks it freed an agent or a line for. A step that fails past its
        /// retries changes nothing: it is tried again after <see cref="FaultRetry"/> (its activity is idempotent).
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

        // ---- waiting ---------------------------------------------------------------------------------------------

        /// <summary>
        /// The next event (returned), or the phase's wake-up (null): the callback's <see cref="Callback.WakeAt"/> (due
        /// time, ring watchdog, expiry), a retry after a fault, or a final callback's look at its agent's call. Events
        /// that came meanwhile go first; a wake-up already due needs no timer. One durable timer is kept (see
        /// <see cref="WakeTimer"/>); one that fires early is waited out, except by a due offer, which waits out up to
        /// <see cref="OfferWaitsOutEarly"/> itself. A watchdog's nudge to an overdue callback is a wake-up (to any other, an event the domain ignores).
        /// </summary>
        private async Task<CallbackEvent?> NextEventOrWakeUpAsync(CallbackRun run, bool dueOffer = false)
        {
            _wokeUp = false;
            var callback = run.State;
            var wakeAt = _retryAt ?? (callback.IsLive ? callback.WakeAt!.Value : _heldCheckAt ??= Now + HeldCheckEvery);
            // Each look ends in an event, the wake-up, or a timer that fired before it: one kept from a sooner wake-up
            // (then the right one is armed), or one early (waited out, at most MaxEarlyWaits times).
            for (var look = 0; look < MaxEarlyWaits + 2; look++)
            {
                _event ??= context.WaitForExternalEvent<CallbackEvent>(EventName);
                if (!_event.IsCompleted && wakeAt <= Now) break;
                if (_event.IsCompleted || await Task.WhenAny(_event, _timer.FiringBy(wakeAt)) == _event)
                {
                    var happened = await _event;
                    _event = null;
                    // The stuck-callback watchdog's nudge: an overdue callback is looked at as if its timer had just fired.
                    if (happened is Nudged && callback.IsLive && callback.WakeAt <= Now) break;
                    return happened;
                }
                if (_timer.Fired() < wakeAt) continue;
                var startsAtOnce = dueOffer && _retryAt is null && wakeAt == callback.DueAt && callback.DueAt < callback.ExpiresAt
                    && wakeAt - Now <= OfferWaitsOutEarly;
                if (Now >= wakeAt || startsAtOnce) break;
            }
            _retryAt = null;
            _heldCheckAt = null;
            _wokeUp = true;
            return null;
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
