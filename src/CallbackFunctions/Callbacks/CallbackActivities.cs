using CallbackFunctions.Domain.Callbacks;
using Microsoft.Azure.Functions.Worker;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// The business steps of a callback's process that need I/O, as activities of its orchestration. Each is idempotent
/// (activities run at least once): the projection is written as a numbered step over the ETag of the step before, holds
/// are re-entrant for their offer, and an agent call is looked up at Twilio before it is ever placed again.
/// </summary>
public sealed class CallbackActivities(CallbackSteps steps, Offers offers, LegChecks legs, ILogger<CallbackActivities> logger)
{
    /// <summary>A due callback is offered to an agent: rules and account, the customer's number, a line, the free agent who waited longest, pacing, and the agent's call.</summary>
    public const string OfferToAgent = nameof(OfferToAgent);

    /// <summary>An offer whose agent call Twilio never confirmed: look it up at Twilio, place it only if it is not there.</summary>
    public const string ConfirmAgentCall = nameof(ConfirmAgentCall);

    /// <summary>Ask Twilio what became of a call we heard nothing of; null while it is still going.</summary>
    public const string AskTwilioAboutCall = nameof(AskTwilioAboutCall);

    /// <summary>Save the callback as the domain decided it, free what its offer held, hang up calls nobody needs.</summary>
    public const string SaveCallback = nameof(SaveCallback);

    [Function(OfferToAgent)]
    public Task<StepOutcome> Offer([ActivityTrigger] CallbackRun run, CancellationToken ct) => Logged(OfferToAgent, run.State.Id, () => offers.OfferAsync(run, ct), ct);

    [Function(ConfirmAgentCall)]
    public Task<StepOutcome> Confirm([ActivityTrigger] CallbackRun run, CancellationToken ct) =>
        Logged(ConfirmAgentCall, run.State.Id, () => offers.PlaceAsync(run, reconcile: true, ct), ct);

    [Function(AskTwilioAboutCall)]
    public Task<CallbackEvent?> Ask([ActivityTrigger] CallbackRun run, CancellationToken ct) => Logged(AskTwilioAboutCall, run.State.Id, () => legs.CheckAsync(run, ct), ct);

    [Function(SaveCallback)]
    public Task<StepOutcome> Save([ActivityTrigger] SaveStep step, CancellationToken ct) => Logged(SaveCallback, step.Run.State.Id, () => steps.SaveAsync(step.Run, step.Decision, ct), ct);

    /// <summary>
    /// A step that fails is run again by the orchestration's retry policy, silently unless said here: one warning per
    /// failed try, so an operator sees what a callback's late or repeated step was about (after the last try, the
    /// orchestration's own error, 1013).
    /// </summary>
    private async Task<T> Logged<T>(string activity, string callbackId, Func<Task<T>> step, CancellationToken ct)
    {
        try
        {
            return await step();
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            CallbackLog.StepTryFailed(logger, callbackId, activity, e.GetType().Name, e.Message);
            throw;
        }
    }
}
