using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Agents;

/// <summary>
/// seed 000: when an agent becomes available, the dial-backs waiting in their queues are offered before anything else,
/// earliest place first (issue 15 §1), callbacks waiting for that very agent before all. A freed agent wakes the head of
/// the line and, a moment later, one behind it (in case the head cannot take a call just now: its number or a line
/// busy); everyone else waits for the next freed agent or their own look
/// (<c>NoAgentRetry</c>), never for a herd of offers that all but one lose.
/// </summary>
public sealed class WaitingCallbacks(WaitingIndex waiting, CallbackRuns runs, TimeProvider time)
{
    public const int WakesPerFreedAgent = 2;

    public async Task OfferToAsync(Agent agent, DurableTaskClient client, CancellationToken ct)
    {
        var woken = await waiting.ClaimHeadAsync(agent, WakesPerFreedAgent, time.GetUtcNow(), ct);
        await Task.WhenAll(woken.Select((id, behind) => runs.SendAsync(client, id, new AgentFreed(behind), ct)));
    }
}
