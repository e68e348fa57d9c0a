using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// The benchmark's own storage clients, on the app's tables and timer queue. They are not the app's clients, so what
/// they do is never in the app's <see cref="StorageOperationCounter"/>.
/// </summary>
public sealed class BenchStorage
{
    private readonly TableClient _callbacks;
    private readonly TableClient _agents;
    private readonly QueueClient _timers;

    public BenchStorage(LocalStack stack)
    {
        var account = stack.Service<StorageAccount>();
        var tables = new TableServiceClient(stack.StorageConnectionString);
        _callbacks = tables.GetTableClient(account.Options.CallbacksTable);
        _agents = tables.GetTableClient(account.Options.AgentsTable);
        _timers = new QueueClient(stack.StorageConnectionString, account.Options.TimerQueue,
            new QueueClientOptions(QueueClientOptions.ServiceVersion.V2025_11_05));
    }

    /// <summary>Id and status of every callback of a queue.</summary>
    public async Task<Dictionary<string, CallbackStatus>> StatusesAsync(string queue, CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        var result = new Dictionary<string, CallbackStatus>(StringComparer.Ordinal);
        await foreach (var e in _callbacks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Queue eq {queue}"), 1000, ["PartitionKey", "Status"], ct))
            if (Enum.TryParse<CallbackStatus>(e.GetString("Status"), out var status)) result[e.PartitionKey] = status;
        return result;
    }

    /// <summary>Polls until every one of <paramref name="ids"/> is terminal or the limit passes; returns how many are.</summary>
    public async Task<int> WaitForTerminalAsync(string queue, IReadOnlyCollection<string> ids, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var statuses = await StatusesAsync(queue, ct);
            var done = ids.Count(id => statuses.TryGetValue(id, out var s) && s.IsTerminal());
            if (done == ids.Count || clock.Elapsed > limit) return done;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>Agents currently held by an offer.</summary>
    public async Task<int> HeldAgentsAsync(CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        var held = 0;
        await foreach (var e in _agents.QueryAsync<TableEntity>(maxPerPage: 1000, select: ["RowKey", "HeldBy"], cancellationToken: ct))
            if (!string.IsNullOrEmpty(e.GetString("HeldBy"))) held++;
        return held;
    }

    /// <summary>Waits until no agent is held (all released after their calls) or the limit passes; returns how many still are.</summary>
    public async Task<int> WaitForAgentsFreeAsync(TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var held = await HeldAgentsAsync(ct);
            if (held == 0 || clock.Elapsed > limit) return held;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    /// <summary>Messages in the timer queue, visible or not (Azurite counts both).</summary>
    public async Task<int> TimerMessagesAsync(CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        return (await _timers.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
    }

    /// <summary>Waits until the timer queue holds no message at all (stale watchdogs included) or the limit passes.</summary>
    public async Task<int> WaitForTimerQueueEmptyAsync(TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var count = await TimerMessagesAsync(ct);
            if (count == 0 || clock.Elapsed > limit) return count;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }
}
