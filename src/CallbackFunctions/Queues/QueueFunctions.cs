using CallbackFunctions.Agents;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;

using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Queues;

/// <summary>A queue some agent serves.</summary>
/// <param name="Name">The queue's name, lower case.</param>
/// <param name="Agents">The ids of the agents serving it.</param>
public sealed record QueueView(string Name, IReadOnlyList<string> Agents);

/// <summary>What deleting a queue changed.</summary>
/// <param name="Name">The queue deleted.</param>
/// <param name="AgentsUpdated">Agents it was taken off (an agent edited meanwhile keeps it: delete again).</param>
/// <param name="CallbacksCancelled">Its live callbacks cancelled.</param>
public sealed record QueueDeleted(string Name, int AgentsUpdated, int CallbacksCancelled);

/// <summary><c>/api/queues</c>: the queues the agents serve; deleting one takes it off every agent and ends its callbacks.</summary>
public sealed class QueueFunctions(AgentRepository agents, AgentDirectory directory, CallbackRepository callbacks, CallbackRuns runs)
{
    [ApiOperation("Queues", "Queues and the agents serving each.", Answer = typeof(List<QueueView>), Responses = ["200: Every queue some agent serves, by name"])]
    [Function("ListQueues")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "queues")] HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok((await agents.ListAsync(ct))
            .SelectMany(a => a.Value.Queues.Select(q => (Queue: q.ToLowerInvariant(), Agent: a.Value.Id)))
            .GroupBy(x => x.Queue)
            .Select(g => new QueueView(g.Key, [.. g.Select(x => x.Agent).Order(StringComparer.Ordinal)]))
            .OrderBy(q => q.Name, StringComparer.Ordinal).ToList());

    [ApiOperation("Queues", "Delete a queue: off every agent; its pending callbacks end.", Path = ["name: the queue: letters, digits, `_`, `.`, `-`; at most 64"],
        Answer = typeof(QueueDeleted), Responses = ["200: What changed", "400: Not a queue name"])]
    [Function("DeleteQueue")]
    public async Task<IResult> Delete([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "queues/{name}")] HttpRequest request, string name,
        [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        if (!MissedCallFunctions.IsValidQueue(name)) return TypedResults.Problem(title: "Not a queue name", detail: $"{RequestValues.Quote(name)} is not a valid queue name.", statusCode: 400);
        var updated = 0;
        foreach (var stored in await agents.ListAsync(ct))
        {
            if (!stored.Value.Serves(name)) continue;
            var agent = stored.Value with { Queues = [.. stored.Value.Queues.Where(q => !string.Equals(q, name, StringComparison.OrdinalIgnoreCase))] };
            // A concurrent edit of this agent wins; the queue deletion can simply be repeated.
            if (await agents.TryReplaceAsync(agent, stored.ETag, ct) is not null) updated++;
        }
        directory.Invalidate();
        var live = new List<string>();
        await foreach (var callback in callbacks.QueryLiveInQueueAsync(name, ct)) live.Add(callback.Id);
        var cancelled = await runs.CancelAllAsync(client, live, CancelReason.TargetDeleted, ct);
        return TypedResults.Ok(new QueueDeleted(name, updated, cancelled));
    }
}
