using System.Diagnostics;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Storage requests per callback, counted: every HTTP request the app's process makes to Azurite (our tables, and
/// Durable's history, instances, queues and blobs: the backend and the sidecar run in this process), classified by
/// <see cref="StorageRequestLog"/>, over K callbacks driven from a missed-call webhook (a simulated caller hangs up in
/// the queue) to Completed; and Azurite's raw rate of single-entity operations with the same SDK, to turn that into
/// callbacks per second.
/// </summary>
public sealed class StorageCostBench(LocalStack stack, BenchStorage storage)
{
    public const string Queue = "ops";

    /// <summary>
    /// How long the count may run on after the last callback is final: a final callback whose agent is still on the call
    /// waits for that call's end with a one-minute check timer (CallbackOrchestration.HeldCheckEvery), and that timer's
    /// message is taken off the control queue when it fires, after the orchestration has ended.
    /// </summary>
    public static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(75);

    /// <summary>The idle app's requests per second, by group (Durable's queue polling, partition management, the watchdog).</summary>
    public sealed record Idle(TimeSpan Window, IReadOnlyDictionary<string, int> ByGroup)
    {
        public double RateOf(string group) => ByGroup.GetValueOrDefault(group) / Window.TotalSeconds;
        public double Rate => ByGroup.Values.Sum() / Window.TotalSeconds;
    }

    public sealed record Cost(int Callbacks, int Found, int Completed, int OneAttempt, int Total, IReadOnlyDictionary<string, int> ByGroup,
        IReadOnlyDictionary<string, IReadOnlyList<(string Resource, int Count)>> Resources, IReadOnlyDictionary<string, IReadOnlyList<(string Operation, int Count)>> Operations,
        IReadOnlyList<(string Kind, int Count)> Kinds, long OurTablesByAppCounter, TimeSpan Window, TimeSpan QuietAfterCompletion,
        int UnfinishedLeft, (int Control, int WorkItems) QueueLeft, int AgentsHeld, int AgentsHeldBefore, string? FirstOdd, int Waited, string Requests,
        IReadOnlyList<string> QuietTrace, string? SampleId, int Receives, IReadOnlyList<double?> LatenessMs, FloorBench.Gaps Gaps)
    {
        public double PerCallback => (double)Total / Callbacks;
        public double PerCallbackWithoutReceives => (double)(Total - Receives) / Callbacks;
    }

    public sealed record Raw(int Upserts, TimeSpan UpsertTime, int Reads, TimeSpan ReadTime, int Concurrency)
    {
        public double UpsertsPerSecond => Upserts / UpsertTime.TotalSeconds;
        public double ReadsPerSecond => Reads / ReadTime.TotalSeconds;
        public double OpsPerSecond => (Upserts + Reads) / (UpsertTime + ReadTime).TotalSeconds;
    }

    /// <summary>What the app's process asks of storage while no callback is live, over <paramref name="window"/>.</summary>
    public async Task<Idle> IdleAsync(TimeSpan window, CancellationToken ct)
    {
        using var requests = new StorageRequestLog(stack);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window, ct);
        return new Idle(clock.Elapsed, requests.ByGroup);
    }

    public async Task<Cost> MeasureAsync(IReadOnlyList<string> callers, CancellationToken ct)
    {
        var sim = stack.Simulator;
        var counter = stack.StorageCounter;
        var heldBefore = await storage.HeldAgentsAsync(ct);
        var action = new Uri(stack.AppUrl, $"api/twilio/missed-call?queue={Queue}").AbsoluteUri;
        using var requests = new StorageRequestLog(stack);
        var ourTables0 = counter.Tables.Count;
        var clock = Stopwatch.StartNew();

        // K callers ring our number and hang up in the queue, 5 a second (as the home-made engine's bench did), so that
        // callbacks rarely wait and the count is of plain attempts; the simulator posts the Enqueue action.
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

        // Every one to a final status (polled with the benchmark's own client: not counted).
        var deadline = Stopwatch.StartNew();
        Dictionary<string, CallbackStatus> statuses = [];
        while (true)
        {
            try { statuses = await storage.StatusesAsync(Queue, ct); }
            catch (Exception e) when (TransientFaults.IsTransient(e, ct)) { }
            if (statuses.Count >= callers.Count && statuses.Values.All(s => s.IsTerminal())) break;
            if (deadline.Elapsed > TimeSpan.FromSeconds(45)) break;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
        var completedAt = clock.Elapsed;

        // What a callback costs goes on after it is final: its orchestration ends when the agent call does, and the timers
        // it cancelled (each leg's ring watchdog) still fire later and are taken off the control queue. So the count runs
        // on until Durable's queues hold no message at all (visible or not), no orchestration is unfinished, no call is
        // live and no more agents are held than before.
        var quiet = Stopwatch.StartNew();
        var unfinished = -1;
        var queueLeft = (-1, -1);
        var held = -1;
        var trace = new List<string>();
        while (quiet.Elapsed < QuietLimit)
        {
            try
            {
                queueLeft = await storage.DurableQueueMessagesAsync(ct);
                unfinished = await storage.UnfinishedInstancesAsync(ct);
                held = await storage.HeldAgentsAsync(ct);
            }
            catch (Exception e) when (TransientFaults.IsTransient(e, ct))
            {
                unfinished = -1;
            }
            if (trace.Count == 0 || quiet.Elapsed.TotalSeconds >= 5 * trace.Count)
                trace.Add($"+{quiet.Elapsed.TotalSeconds:0} s: control {queueLeft.Item1}, work items {queueLeft.Item2}, unfinished {unfinished}, held {held}");
            if (queueLeft is (0, 0) && unfinished == 0 && held <= heldBefore && sim.Stats.CurrentCalls == 0) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
        var window = clock.Elapsed;
        var byGroup = requests.ByGroup;
        var resources = StorageNames.Groups.ToDictionary(g => g, requests.ResourcesOf);
        var operations = StorageNames.Groups.ToDictionary(g => g, requests.OperationsOf);
        var ourTables = counter.Tables.Count - ourTables0;
        var summary = requests.Summary();
        var receives = requests.Receives;

        // Now (outside the counted window) check through the app's repository that each took exactly one attempt.
        var repository = stack.Service<CallbackRepository>();
        var oneAttempt = 0;
        var completed = 0;
        var waited = 0;
        string? odd = null;
        var calls = sim.Calls.ToDictionary(c => c.Sid, StringComparer.Ordinal);
        var lateness = new List<double?>();
        var agentCalls = new List<TwilioSimulator.SimulatedCall>();
        foreach (var id in statuses.Keys)
        {
            Domain.Callbacks.Callback? callback;
            try { callback = (await repository.GetAsync(id, ct))?.Value; }
            catch (Exception e) when (TransientFaults.IsTransient(e, ct)) { callback = null; }
            // Lateness as the timer phases measure it: the due moment to the simulator's creation of the first agent call.
            var agentSid = callback?.Timeline.Select(e => e.CallSids.GetValueOrDefault("agent")).FirstOrDefault(s => s is not null);
            var agentCall = agentSid is not null ? calls.GetValueOrDefault(agentSid) : null;
            if (callback is not null) lateness.Add(agentCall is null ? null : (agentCall.DateCreated - callback.DueAt).TotalMilliseconds);
            if (agentCall is not null) agentCalls.Add(agentCall);
            if (callback?.Status == CallbackStatus.Completed) completed++;
            if (callback?.Timeline.Any(e => e.Reason.Contains("waiting", StringComparison.Ordinal)) == true) waited++;
            if (callback is { Status: CallbackStatus.Completed, Attempt: 1, Offer: 1 }) oneAttempt++;
            else if (odd is null && callback is not null)
                odd = $"{callback.Id} {callback.Status}, attempt {callback.Attempt}, offer {callback.Offer}: " +
                      string.Join(" | ", callback.Timeline.Select(e => $"{e.At:HH:mm:ss.fff} {e.To} {e.Reason}"));
        }
        return new Cost(callers.Count, statuses.Count, completed, oneAttempt, byGroup.Values.Sum(), byGroup, resources, operations, requests.Kinds, ourTables,
            window, window - completedAt, unfinished, queueLeft, held, heldBefore, odd, waited, summary, trace, statuses.Keys.FirstOrDefault(),
            receives, lateness, FloorBench.Gaps.From(agentCalls, sim.Calls));
    }

    public static async Task<Raw> MeasureRawAsync(string connectionString, string tableName, int operations, int concurrency, CancellationToken ct)
    {
        StorageRequestLog.MarkOurs();
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
