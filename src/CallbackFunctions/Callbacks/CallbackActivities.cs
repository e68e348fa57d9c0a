using CallbackFunctions.Domain.Callbacks;
using Microsoft.Azure.Functions.Worker;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// The activities of the callback orchestration. Each does the I/O of one step and is idempotent (activities run at
/// least once): the projection is written as a numbered step over the ETag of the step before, holds are re-entrant
/// for their offer, and an agent call is looked up at Twilio before it is ever placed again.
/// </summary>
public sealed class CallbackActivities(CallbackSteps steps, Offers offers, LegChecks legs)
{
    /// <summary>Carry out a decision the orchestration made: save the projection, release holds, hang up legs.</summary>
    public const string SaveCallback = nameof(SaveCallback);

    /// <summary>A due callback: rules and account, then the customer's number, a line, an agent, pacing, and the agent's call.</summary>
    public const string OfferCallback = nameof(OfferCallback);

    /// <summary>An offer whose agent call was never confirmed: look it up at Twilio, place it only if it is not there.</summary>
    public const string PlaceAgentCall = nameof(PlaceAgentCall);

    /// <summary>Ask Twilio what became of a leg we heard nothing of; null while it is still going.</summary>
    public const string CheckLeg = nameof(CheckLeg);

    [Function(SaveCallback)]
    public Task<StepOutcome> Save([ActivityTrigger] SaveStep step, CancellationToken ct) => steps.SaveAsync(step.Run, step.Decision, ct);

    [Function(OfferCallback)]
    public Task<StepOutcome> Offer([ActivityTrigger] CallbackRun run, CancellationToken ct) => offers.OfferAsync(run, ct);

    [Function(PlaceAgentCall)]
    public Task<StepOutcome> Place([ActivityTrigger] CallbackRun run, CancellationToken ct) => offers.PlaceAsync(run, reconcile: true, ct);

    [Function(CheckLeg)]
    public Task<CallbackEvent?> Check([ActivityTrigger] CallbackRun run, CancellationToken ct) => legs.CheckAsync(run, ct);
}
