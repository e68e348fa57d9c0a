using Microsoft.DurableTask.Client;
using System.Diagnostics;
using Azure.Data.Tables;
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
    private readonly TableClient _holds;
    private readonly DurableTaskClient _durable;

    public BenchStorage(LocalStack stack)
    {
        var account = stack.Service<StorageAccount>();
        var tables = new TableServiceClient(stack.StorageConnectionString);
        _callbacks = tables.GetTableClient(account.Options.CallbacksTable);
        _agents = tables.GetTableClient(account.Options.AgentsTable);
        _holds = tables.GetTableClient(account.Holds.Name);
        _durable = stack.Service<DurableTaskClient>();
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
        var done = 0;
        while (true)
        {
            try
            {
                var statuses = await StatusesAsync(queue, ct);
                done = ids.Count(id => statuses.TryGetValue(id, out var s) && s.IsTerminal());
            }
            catch (Exception e) when (IsStorageTrouble(e, ct))
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

    /// <summary>Waits until no agent is held (all released after their calls) or the limit passes; returns how many still are.</summary>
    public async Task<int> WaitForAgentsFreeAsync(TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var held = -1;
        while (true)
        {
            try { held = await HeldAgentsAsync(ct); }
            catch (Exception e) when (IsStorageTrouble(e, ct)) { }
            if (held == 0 || clock.Elapsed > limit) return held;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
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

    /// <summary>Waits until no line is held or the limit passes; returns how many still are.</summary>
    public async Task<int> WaitForLinesFreeAsync(TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var held = -1;
        while (true)
        {
            try { held = await HeldLinesAsync(ct); }
            catch (Exception e) when (IsStorageTrouble(e, ct)) { }
            if (held == 0 || clock.Elapsed > limit) return held;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    /// <summary>Callback orchestrations still running (or not yet started).</summary>
    public async Task<int> RunningOrchestrationsAsync(CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending], PageSize = 1000 };
        var count = 0;
        await foreach (var _ in _durable.GetAllInstancesAsync(query).WithCancellation(ct)) count++;
        return count;
    }

    /// <summary>Waits until no callback orchestration runs or the limit passes.</summary>
    public async Task<int> WaitForOrchestrationsDoneAsync(TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var count = -1;
        while (true)
        {
            try { count = await RunningOrchestrationsAsync(ct); }
            catch (Exception e) when (IsStorageTrouble(e, ct)) { }
            if (count == 0 || clock.Elapsed > limit) return count;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    public static bool IsStorageTrouble(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested && e is Azure.RequestFailedException or AggregateException or HttpRequestException or TaskCanceledException;
}
