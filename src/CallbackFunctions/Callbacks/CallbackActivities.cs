using CallbackFunctions.Domain.Callbacks;
using Microsoft.Azure.Functions.Worker;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// The business steps of a callback's process that need I/O, as activities of its orchestration. Each is idempotent
/// (activities run at least once): the projection is written as a numbered step over the ETag of the step before, holds
/// are re-entrant for their offer, and an agent call is looked up at Twilio before it is ever placed again.
/// </summary>
public sealed class CallbackActivities(CallbackSteps steps, Offers offers, LegChecks legs)
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
    public Task<StepOutcome> Offer([ActivityTrigger] CallbackRun run, CancellationToken ct) => offers.OfferAsync(run, ct);

    [Function(ConfirmAgentCall)]
    public Task<StepOutcome> Confirm([ActivityTrigger] CallbackRun run, CancellationToken ct) => offers.PlaceAsync(run, reconcile: true, ct);

    [Function(AskTwilioAboutCall)]
    public Task<CallbackEvent?> Ask([ActivityTrigger] CallbackRun run, CancellationToken ct) => legs.CheckAsync(run, ct);

    [Function(SaveCallback)]
    public Task<StepOutcome> Save([ActivityTrigger] SaveStep step, CancellationToken ct) => steps.SaveAsync(step.Run, step.Decision, ct);
}
