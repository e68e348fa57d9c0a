using CallbackFunctions.Settings;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// Purges the Durable histories of callbacks that finished more than <c>Callbacks__HistoryRetention</c> ago (7 days by
/// default): their inputs and events hold phone numbers. The callback's projection (its status and timeline) stays.
/// </summary>
public sealed class HistoryPurge(IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILogger<HistoryPurge> logger)
{
    public const string Name = "PurgeHistories";

    private static readonly OrchestrationRuntimeStatus[] Finished =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    [Function(Name)]
    public async Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        var before = time.GetUtcNow() - options.CurrentValue.HistoryRetention;
        // One by one, each checked finished: a purge by filter is not honoured the same by every backend (the Durable Task
        // sidecar drops the status filter), and purging a live callback's history would lose it.
        var query = new OrchestrationQuery { CreatedTo = before, Statuses = Finished, PageSize = 100 };
        var purged = 0;
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(ct))
        {
            if (!Finished.Contains(instance.RuntimeStatus) || instance.LastUpdatedAt > before) continue;
            purged += (await client.PurgeInstanceAsync(instance.InstanceId, cancellation: ct)).PurgedInstanceCount;
        }
        if (purged > 0) CallbackLog.Purged(logger, purged, before);
    }
}
