using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Agents;

/// <summary>seed 000: when an agent becomes available, the dial-backs waiting in their queues are offered before anything else.</summary>
public sealed class WaitingCallbacks(WaitingIndex waiting, CallbackRuns runs)
{
    public async Task OfferToAsync(Agent agent, DurableTaskClient client, CancellationToken ct)
    {
        foreach (var callbackId in await waiting.ListAsync([.. agent.Queues], ct))
            await runs.SendAsync(client, callbackId, new AgentFreed(), ct);
    }
}
