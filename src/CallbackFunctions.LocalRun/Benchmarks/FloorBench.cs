using System.Collections.Concurrent;
using System.Diagnostics;
using CallbackFunctions.TwilioSimulator;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// The floor: what Durable itself costs for a one-attempt callback's business events with no work in them. A minimal
/// orchestration is started, waits until it is due, runs one activity (the agent call, which does nothing but wait out
/// what its timer fired early, as the callback's offer does) and receives
/// three events, each on its own (agent accepted, customer answered, agent call ended), raised by the benchmark at the
/// moments a callback's webhooks arrive. It runs on the same stack as the storage count, in the same run, counted the
/// same way (<see cref="StorageRequestLog"/>), so the ratio of the two is ours to Durable's own.
/// <para>
/// Registered on the app's own worker and task hub (<see cref="Register"/>, through
/// <see cref="LocalStackOptions.ExtraTasks"/>), only on the storage phase's stack: the same backend, sidecar, polling
/// and partition as the callbacks, so nothing but the orchestration differs. A worker of its own on a second task hub
/// would poll queues of its own and count that polling twice.
/// </para>
/// </summary>
public sealed class FloorBench(LocalStack stack, BenchStorage storage)
{
    public const string Orchestrator = "BenchFloor";
    public const string AgentCall = "BenchFloorAgentCall";

    /// <summary>The events of a one-attempt callback the orchestration is told, in order.</summary>
    public static readonly IReadOnlyList<string> Events = ["AgentAccepted", "CustomerAnswered", "AgentCallEnded"];

    /// <summary>When each floor instance's activity ran, by instance id (the activity runs in this process).</summary>
    private static readonly ConcurrentDictionary<string, DateTimeOffset> ActedAt = new(StringComparer.Ordinal);

    public sealed record Input(DateTimeOffset DueAt);

    /// <summary>
    /// When the three events come, after the agent call: from the storage count's own callbacks in the same run, at the
    /// simulator (the customer leg's creation, just after the agent-answer webhook told the orchestration; the customer
    /// leg's answer; the agent call's end), medians; <paramref name="Source"/> says which.
    /// </summary>
    public sealed record Gaps(TimeSpan Accepted, TimeSpan Answered, TimeSpan Ended, string Source)
    {
        /// <summary>Used when the callbacks gave none (their agent calls were not found).</summary>
        public static readonly Gaps Default = new(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(900), "defaults (no agent call of the storage count was found)");

        /// <summary>Apart by at least this, so that each event is taken in on its own.</summary>
        private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(50);

        public static Gaps From(IReadOnlyList<SimulatedCall> agentCalls, IReadOnlyList<SimulatedCall> all)
        {
            var legs = all.Where(c => c.Direction == "outbound-dial" && c.ParentCallSid is not null)
                .GroupBy(c => c.ParentCallSid!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(c => c.DateCreated).First(), StringComparer.Ordinal);
            var samples = agentCalls
                .Where(a => a.EndTime is not null && legs.TryGetValue(a.Sid, out var leg) && leg.StartTime is not null)
                .Select(a => (Agent: a, Leg: legs[a.Sid]))
                .ToList();
            if (samples.Count == 0) return Default;
            var accepted = Median(samples.Select(s => (s.Leg.DateCreated - s.Agent.DateCreated).TotalMilliseconds));
            var answered = Math.Max(accepted + Spacing.TotalMilliseconds, Median(samples.Select(s => (s.Leg.StartTime!.Value - s.Agent.DateCreated).TotalMilliseconds)));
            var ended = Math.Max(answered + Spacing.TotalMilliseconds, Median(samples.Select(s => (s.Agent.EndTime!.Value - s.Agent.DateCreated).TotalMilliseconds)));
            return new Gaps(TimeSpan.FromMilliseconds(Math.Max(accepted, Spacing.TotalMilliseconds)), TimeSpan.FromMilliseconds(answered), TimeSpan.FromMilliseconds(ended),
                $"medians of the storage count's {samples.Count} agent calls at the simulator");
        }

        private static double Median(IEnumerable<double> values) => Percentiles.Of([.. values.Order()], 0.5);

        public override string ToString() =>
            $"agent accepted +{BenchSettings.Ms(Accepted)}, customer answered +{BenchSettings.Ms(Answered)}, agent call ended +{BenchSettings.Ms(Ended)} after the agent call ({Source})";
    }

    public sealed record Cost(int Started, int Completed, int Total, int Receives, IReadOnlyDictionary<string, int> ByGroup,
        IReadOnlyDictionary<string, IReadOnlyList<(string Operation, int Count)>> Operations, TimeSpan Window, Lateness Lateness,
        int UnfinishedLeft, (int Control, int WorkItems) QueueLeft, int RaiseFailures, string? FirstFailure, string Requests)
    {
        public double PerCallback => (double)Total / Started;
        public double PerCallbackWithoutReceives => (double)(Total - Receives) / Started;
    }

    /// <summary>The floor's orchestrator and activity, on the worker of the stack that measures it.</summary>
    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<Input, string?>(Orchestrator, RunAsync);
        registry.AddActivityFunc<Call, string?>(AgentCall, async (_, call) =>
        {
            if (call is null) return null;
            // As the callback's offer activity does: a timer that fired early hands over at once, and the rest is waited out here.
            var early = call.DueAt - TimeProvider.System.GetUtcNow();
            if (early > TimeSpan.Zero) await Task.Delay(early);
            ActedAt.TryAdd(call.InstanceId, TimeProvider.System.GetUtcNow());
            return null;
        });
    }

    public sealed record Call(string InstanceId, DateTimeOffset DueAt);

    /// <summary>A timer that fires at most this early hands over to the activity (the callback's orchestration does the same).</summary>
    private static readonly TimeSpan HandsOverEarly = TimeSpan.FromSeconds(1.5);

    private static async Task<string?> RunAsync(TaskOrchestrationContext context, Input? input)
    {
        var due = (input ?? throw new InvalidOperationException("the floor needs its due moment")).DueAt;
        // A durable timer can resume up to ~0.9 s early: as in the callback's orchestration, only a timer much earlier
        // than that is set again (at most 3 times); the activity waits out the rest.
        for (var i = 0; i < 4 && due - new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero) > (i == 0 ? TimeSpan.Zero : HandsOverEarly); i++)
            await context.CreateTimer(due.UtcDateTime, CancellationToken.None);
        await context.CallActivityAsync(AgentCall, new Call(context.InstanceId, due));
        foreach (var name in Events) await context.WaitForExternalEvent<string?>(name);
        return null;
    }

    /// <summary>How long the count may run on after the last event for Durable's queues to empty.</summary>
    private static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts <paramref name="count"/> floor orchestrations, one every <paramref name="every"/> (zero: all at once),
    /// each due <paramref name="dueAfter"/> after its start, raises each one's events <paramref name="gaps"/> after its
    /// activity ran, and counts every storage request of the app's process from the first start until Durable's
    /// queues are empty and no orchestration is unfinished.
    /// </summary>
    public async Task<Cost> MeasureAsync(string name, int count, TimeSpan every, TimeSpan dueAfter, Gaps gaps, CancellationToken ct)
    {
        var client = stack.Service<DurableTaskClient>();
        var ids = Enumerable.Range(0, count).Select(i => $"floor-{name}-{i:D4}").ToArray();
        var dues = new DateTimeOffset[count];
        var failures = 0;
        string? firstFailure = null;
        var events = new List<Task>(count);
        using var requests = new StorageRequestLog(stack);
        var clock = Stopwatch.StartNew();

        async Task StartAsync(int i)
        {
            var due = TimeProvider.System.GetUtcNow() + dueAfter;
            dues[i] = due;
            await client.ScheduleNewOrchestrationInstanceAsync(Orchestrator, new Input(due), new StartOrchestrationOptions(ids[i]), ct);
            lock (events) events.Add(RaiseEventsAsync(ids[i], due));
        }

        async Task RaiseEventsAsync(string id, DateTimeOffset due)
        {
            try
            {
                // The activity runs in this process: wait for it (a dictionary look-up, no storage), then raise each event at its moment.
                var limit = due + TimeSpan.FromSeconds(60);
                DateTimeOffset acted;
                while (!ActedAt.TryGetValue(id, out acted))
                {
                    if (TimeProvider.System.GetUtcNow() > limit) throw new TimeoutException($"{id}: its activity did not run within 60 s of its due moment");
                    await Task.Delay(TimeSpan.FromMilliseconds(10), ct);
                }
                foreach (var (eventName, after) in Events.Zip([gaps.Accepted, gaps.Answered, gaps.Ended]))
                {
                    var wait = acted + after - TimeProvider.System.GetUtcNow();
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                    await client.RaiseEventAsync(id, eventName, null, ct);
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                if (Interlocked.Increment(ref failures) == 1) firstFailure = $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";
            }
        }

        if (every <= TimeSpan.Zero)
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(StartAsync));
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                var wait = every * i - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                await StartAsync(i);
            }
        }
        List<Task> all;
        lock (events) all = [.. events];
        await Task.WhenAll(all);

        var quiet = Stopwatch.StartNew();
        var unfinished = -1;
        var queueLeft = (-1, -1);
        while (quiet.Elapsed < QuietLimit)
        {
            try
            {
                queueLeft = await storage.DurableQueueMessagesAsync(ct);
                unfinished = await storage.UnfinishedInstancesAsync(ct);
            }
            catch (Exception e) when (CallbackFunctions.Storage.TransientFaults.IsTransient(e, ct))
            {
                unfinished = -1;
            }
            if (queueLeft is (0, 0) && unfinished == 0) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
        var window = clock.Elapsed;
        var byGroup = requests.ByGroup;
        var total = requests.Total;
        var receives = requests.Receives;
        var operations = StorageNames.Groups.ToDictionary(g => g, requests.OperationsOf);
        var summary = requests.Summary();
        var lateness = Lateness.Of(Enumerable.Range(0, count).Select(i => ActedAt.TryGetValue(ids[i], out var at) ? (at - dues[i]).TotalMilliseconds : (double?)null));
        var completed = 0;
        foreach (var id in ids)
        {
            try
            {
                if ((await client.GetInstanceAsync(id, ct))?.RuntimeStatus == OrchestrationRuntimeStatus.Completed) completed++;
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                // not readable now: counted as not completed
            }
        }
        return new Cost(count, completed, total, receives, byGroup, operations, window, lateness, unfinished, queueLeft, failures, firstFailure, summary);
    }
}
