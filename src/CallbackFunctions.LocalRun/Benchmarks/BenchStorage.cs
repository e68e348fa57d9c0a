using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// The benchmark's own storage clients, on the app's tables and on Durable's task hub (instances and history tables,
/// control and work-item queues). They are not the app's clients, and every call marks its flow as the benchmark's
/// (<see cref="StorageRequestLog.MarkOurs"/>), so none of it is counted as the app's. Durable is read here directly, not
/// through the Durable client: the client's requests would be made by the sidecar, in the app's process, and counted.
/// </summary>
public sealed class BenchStorage
{
    private readonly TableClient _callbacks;
    private readonly TableClient _agents;
    private readonly TableClient _holds;
    private readonly TableClient _instances;
    private readonly TableClient _history;
    private readonly TableClient _partitions;
    private readonly QueueServiceClient _queues;
    private readonly StorageNames _names;

    public BenchStorage(LocalStack stack)
    {
        var account = stack.Service<StorageAccount>();
        _names = StorageNames.Of(stack);
        var tables = new TableServiceClient(stack.StorageConnectionString);
        _callbacks = tables.GetTableClient(account.Options.CallbacksTable);
        _agents = tables.GetTableClient(account.Options.AgentsTable);
        _holds = tables.GetTableClient(account.Holds.Name);
        _instances = tables.GetTableClient(_names.InstancesTable);
        _history = tables.GetTableClient(_names.HistoryTable);
        _partitions = tables.GetTableClient(_names.TaskHub + "Partitions");
        _queues = new QueueServiceClient(stack.StorageConnectionString);
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

    /// <summary>One callback's status in its projection (a point read), or null when it is not there.</summary>
    public async Task<CallbackStatus?> StatusOfAsync(string id, CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        var response = await _callbacks.GetEntityIfExistsAsync<TableEntity>(id, "callback", ["Status"], ct);
        return response.HasValue && Enum.TryParse<CallbackStatus>(response.Value!.GetString("Status"), out var status) ? status : null;
    }

    /// <summary>
    /// Who holds each partition of the task hub (its control queue's name to the worker's name), from the backend's
    /// partitions table (table partition management: one row per partition, <c>CurrentOwner</c>).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> PartitionOwnersAsync(CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        var result = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        await foreach (var e in _partitions.QueryAsync<TableEntity>(cancellationToken: ct))
            result[e.RowKey] = e.GetString("CurrentOwner") is { Length: > 0 } owner ? owner : null;
        return result;
    }

    /// <summary>Polls until every one of <paramref name="ids"/> is terminal or the limit passes; returns how many are.</summary>
    public async Task<int> WaitForTerminalAsync(string queue, IReadOnlyCollection<string> ids, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var done = 0;
        while (true)
        {
            try
            {
                var statuses = await StatusesAsync(queue, ct);
                done = ids.Count(id => statuses.TryGetValue(id, out var s) && s.IsTerminal());
            }
            catch (Exception e) when (TransientFaults.IsTransient(e, ct))
            {
                // Azurite overloaded by the app: look again.
            }
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

    /// <summary>The account's lines (seed 001: at most 15 calls at once) held right now.</summary>
    public async Task<int> HeldLinesAsync(CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        var held = 0;
        await foreach (var e in _holds.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"line"}"), cancellationToken: ct))
            if (!string.IsNullOrEmpty(e.GetString("HeldBy"))) held++;
        return held;
    }

    /// <summary>Orchestration instances in the task hub by runtime status (Pending, Running, Completed, ...), from the instances table.</summary>
    public async Task<Dictionary<string, int>> InstanceStatusesAsync(CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var e in _instances.QueryAsync<TableEntity>(maxPerPage: 1000, select: ["PartitionKey", "RuntimeStatus"], cancellationToken: ct))
        {
            var status = e.GetString("RuntimeStatus") ?? "?";
            result[status] = result.GetValueOrDefault(status) + 1;
        }
        return result;
    }

    /// <summary>Instances not yet finished (Pending or Running).</summary>
    public async Task<int> UnfinishedInstancesAsync(CancellationToken ct)
    {
        var statuses = await InstanceStatusesAsync(ct);
        return statuses.GetValueOrDefault("Pending") + statuses.GetValueOrDefault("Running");
    }

    /// <summary>Instances started but not yet run once (their ExecutionStarted still in the control queue).</summary>
    public async Task<int> PendingInstancesAsync(CancellationToken ct) => (await InstanceStatusesAsync(ct)).GetValueOrDefault("Pending");

    /// <summary>
    /// Messages in Durable's control queues and work-item queue, visible or not (Azurite counts both): timers not yet
    /// due, events and activity results not yet taken.
    /// </summary>
    public async Task<(int Control, int WorkItems)> DurableQueueMessagesAsync(CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        var control = 0;
        var workItems = 0;
        await foreach (var queue in _queues.GetQueuesAsync(prefix: _names.TaskHub.ToLowerInvariant() + "-", cancellationToken: ct))
        {
            var count = (await _queues.GetQueueClient(queue.Name).GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
            if (queue.Name.StartsWith(_names.ControlQueuePrefix, StringComparison.Ordinal)) control += count;
            else if (queue.Name == _names.WorkItemQueue) workItems += count;
        }
        return (control, workItems);
    }

    /// <summary>Waits until Durable's queues hold no message at all, or the limit passes; returns how many are left.</summary>
    public Task<int> WaitForDurableQueuesEmptyAsync(TimeSpan limit, CancellationToken ct) =>
        WaitForZeroAsync(async c => { var (control, items) = await DurableQueueMessagesAsync(c); return control + items; }, limit, ct);

    /// <summary>
    /// Samples Durable's queues once a second while it is on (the benchmark's own requests): the work-item queue's count
    /// is activities waiting or running (none is delayed), so a count well over the worker's concurrency is a backlog.
    /// </summary>
    public QueueSampler SampleQueues() => new(this);

    public sealed class QueueSampler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<(double At, int Control, int WorkItems)> _samples = [];

        public QueueSampler(BenchStorage storage) => _loop = Task.Run(() => RunAsync(storage));

        private async Task RunAsync(BenchStorage storage)
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var (control, items) = await storage.DurableQueueMessagesAsync(_stop.Token);
                    lock (_samples) _samples.Add((_clock.Elapsed.TotalSeconds, control, items));
                    await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (TransientFaults.IsTransient(e, _stop.Token))
                {
                    // overloaded: sample again
                }
            }
        }

        /// <summary>e.g. "work-item queue up to 180 messages (at +12 s), control queues up to 1,040 (timers not yet due count too)".</summary>
        public string Summary()
        {
            List<(double At, int Control, int WorkItems)> samples;
            lock (_samples) samples = [.. _samples];
            if (samples.Count == 0) return "Durable's queues: no samples";
            var items = samples.MaxBy(s => s.WorkItems);
            var control = samples.MaxBy(s => s.Control);
            return $"Durable's queues, sampled each second ({samples.Count} samples): work-item queue (activities waiting or running) up to {items.WorkItems} " +
                   $"at +{items.At:0} s, mean {samples.Average(s => s.WorkItems):0}; control queue up to {control.Control} at +{control.At:0} s (timers not yet due count too)";
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    /// <summary>One row of an orchestration's history: its event, when the row was written, and the timer's due moment.</summary>
    public sealed record HistoryRow(string EventType, string? Name, DateTimeOffset? Written, DateTime? FireAt);

    /// <summary>The history rows of one orchestration instance (partition = instance id), in order.</summary>
    public async Task<IReadOnlyList<HistoryRow>> HistoryAsync(string instanceId, CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        var rows = new List<HistoryRow>();
        await foreach (var e in _history.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}"),
                           select: ["RowKey", "EventType", "Name", "FireAt", "Timestamp"], cancellationToken: ct))
        {
            if (e.GetString("EventType") is not { } type) continue;
            rows.Add(new HistoryRow(type, e.GetString("Name"), e.Timestamp, e.GetDateTime("FireAt")));
        }
        return rows;
    }

    private static async Task<int> WaitForZeroAsync(Func<CancellationToken, Task<int>> count, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var left = -1;
        while (true)
        {
            try { left = await count(ct); }
            catch (Exception e) when (TransientFaults.IsTransient(e, ct)) { }
            if (left == 0 || clock.Elapsed > limit) return left;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }
}
