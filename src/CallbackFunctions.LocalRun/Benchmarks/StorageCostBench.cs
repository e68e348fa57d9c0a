using System.Diagnostics;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Storage requests the app makes per callback, counted by its <see cref="StorageOperationCounter"/> over K callbacks
/// driven from a missed-call webhook (a simulated caller hangs up in the queue) to Completed; and Azurite's raw rate of
/// single-entity operations with the same SDK, to turn that into callbacks per second.
/// </summary>
public sealed class StorageCostBench(LocalStack stack, BenchStorage storage)
{
    public const string Queue = "ops";

    public sealed record Cost(int Callbacks, int Found, int Completed, int OneAttempt, long Tables, long Queues, TimeSpan Window, double IdleOpsPerSecond,
        int QueueLeft, int AgentsHeld, int AgentsHeldBefore, TimeSpan QuietAfterCompletion, string? FirstOdd,
        IReadOnlyList<(string Kind, int Count)> Breakdown, int BreakdownTotal, int Waited)
    {
        public long Total => Tables + Queues;
        public double PerCallback => (double)Total / Callbacks;
    }

    public sealed record Raw(int Upserts, TimeSpan UpsertTime, int Reads, TimeSpan ReadTime, int Concurrency)
    {
        public double UpsertsPerSecond => Upserts / UpsertTime.TotalSeconds;
        public double ReadsPerSecond => Reads / ReadTime.TotalSeconds;
        public double OpsPerSecond => (Upserts + Reads) / (UpsertTime + ReadTime).TotalSeconds;
    }

    /// <summary>The app's request rate while nothing happens (poller polls, sweeper, agent snapshot), over <paramref name="window"/>.</summary>
    public async Task<double> IdleRateAsync(TimeSpan window, CancellationToken ct)
    {
        var counter = stack.StorageCounter;
        var before = counter.Total;
        var clock = Stopwatch.StartNew();
        await Task.Delay(window, ct);
        return (counter.Total - before) / clock.Elapsed.TotalSeconds;
    }

    public async Task<Cost> MeasureAsync(IReadOnlyList<string> callers, double idleRate, CancellationToken ct)
    {
        var counter = stack.StorageCounter;
        var sim = stack.Simulator;
        var heldBefore = await storage.HeldAgentsAsync(ct);
        var action = new Uri(stack.AppUrl, $"api/twilio/missed-call?queue={Queue}").AbsoluteUri;
        using var requests = new StorageRequestLog(stack.Azurite?.TablePort ?? -1, stack.Azurite?.QueuePort ?? -1);
        var tables0 = counter.Tables.Count;
        var queues0 = counter.Queues.Count;
        var clock = Stopwatch.StartNew();

        // K callers ring our number and hang up in the queue, 5 a second (well below what the 15 lines carry, so that
        // callbacks rarely wait for a line and the count is of plain attempts); the simulator posts the Enqueue action.
        for (var i = 0; i < callers.Count; i++)
        {
            var wait = TimeSpan.FromMilliseconds(200 * i) - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            await sim.PlaceInboundCallAsync(new InboundCallRequest
            {
                From = callers[i],
                To = LocalStack.SupportNumber,
                Twiml = $"<Response><Enqueue action=\"{action}\">{Queue}</Enqueue></Response>",
                QueueOutcome = QueueOutcome.Hangup,
                WaitSeconds = 0,
            }, ct);
        }

        // Every one to Completed (polled with the benchmark's own client: not counted).
        var deadline = Stopwatch.StartNew();
        Dictionary<string, CallbackStatus> statuses = [];
        while (true)
        {
            try { statuses = await storage.StatusesAsync(Queue, ct); }
            catch (Exception e) when (BenchStorage.IsStorageTrouble(e, ct)) { }
            if (statuses.Count >= callers.Count && statuses.Values.All(s => s.IsTerminal())) break;
            if (deadline.Elapsed > TimeSpan.FromSeconds(45)) break;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
        var completedAt = clock.Elapsed;

        // Stale wake-ups (the ring watchdogs of each offer and customer leg) surface seconds later and are read and
        // deleted: they belong to these callbacks. So the count runs on until the timer queue holds no message at all
        // (Azurite counts invisible ones too), no agent is held and no simulated call is live.
        var quiet = Stopwatch.StartNew();
        var left = 0;
        var held = 0;
        while (quiet.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                left = await storage.RunningOrchestrationsAsync(ct);
                held = await storage.HeldAgentsAsync(ct);
            }
            catch (Exception e) when (BenchStorage.IsStorageTrouble(e, ct))
            {
                left = -1;
            }
            if (left == 0 && held <= heldBefore && sim.Stats.CurrentCalls == 0) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
        var tables = counter.Tables.Count - tables0;
        var queues = counter.Queues.Count - queues0;
        var window = clock.Elapsed;
        var breakdown = requests.Kinds;
        var breakdownTotal = requests.Total;

        // Now (outside the counted window) check through the app's repository that each took exactly one attempt.
        var repository = stack.Service<CallbackRepository>();
        var oneAttempt = 0;
        var completed = 0;
        var waited = 0;
        string? odd = null;
        foreach (var id in statuses.Keys)
        {
            Domain.Callbacks.Callback? callback;
            try { callback = (await repository.GetAsync(id, ct))?.Value; }
            catch (Exception e) when (BenchStorage.IsStorageTrouble(e, ct)) { callback = null; }
            if (callback?.Status == CallbackStatus.Completed) completed++;
            if (callback?.Timeline.Any(e => e.Reason.Contains("waiting", StringComparison.Ordinal)) == true) waited++;
            if (callback is { Status: CallbackStatus.Completed, Attempt: 1, Offer: 1 }) oneAttempt++;
            else if (odd is null && callback is not null)
                odd = $"{callback.Id} {callback.Status}, attempt {callback.Attempt}, offer {callback.Offer}: " +
                      string.Join(" | ", callback.Timeline.Select(e => $"{e.At:HH:mm:ss.fff} {e.To} {e.Reason}"));
        }
        return new Cost(callers.Count, statuses.Count, completed, oneAttempt, tables, queues, window, idleRate, left, held, heldBefore, window - completedAt, odd,
            breakdown, breakdownTotal, waited);
    }

    public static async Task<Raw> MeasureRawAsync(string connectionString, string tableName, int operations, int concurrency, CancellationToken ct)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(tableName);
        await table.CreateIfNotExistsAsync(ct);
        static TableEntity Entity(int i) => new($"p{i % 16:D2}", $"r{i:D6}") { ["Caller"] = "+14155550100", ["Attempt"] = i % 5, ["Status"] = "Queued" };
        // A warm-up (500 upserts and reads of other keys) so that connection set-up and JIT, ours and node's, are not in the figures.
        await RunAsync(500, concurrency, (i, c) => table.UpsertEntityAsync(Entity(operations + i), TableUpdateMode.Replace, c), ct);
        await RunAsync(500, concurrency, (i, c) => table.GetEntityAsync<TableEntity>($"p{(operations + i) % 16:D2}", $"r{operations + i:D6}", cancellationToken: c), ct);

        var upsert = await RunAsync(operations, concurrency, (i, c) => table.UpsertEntityAsync(Entity(i), TableUpdateMode.Replace, c), ct);
        var read = await RunAsync(operations, concurrency, (i, c) => table.GetEntityAsync<TableEntity>($"p{i % 16:D2}", $"r{i:D6}", cancellationToken: c), ct);
        return new Raw(operations, upsert, operations, read, concurrency);
    }

    private static async Task<TimeSpan> RunAsync<T>(int count, int concurrency, Func<int, CancellationToken, Task<T>> op, CancellationToken ct)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count) await op(i, ct);
        }));
        return clock.Elapsed;
    }
}
