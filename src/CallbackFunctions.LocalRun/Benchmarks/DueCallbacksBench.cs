using System.Collections.Concurrent;
using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Callbacks made up front (IVR-style, <see cref="CallbackRequest.FirstDelay"/> = due moment - now) and what the timer
/// made of them: for each, the "agent call placed" timeline event minus the callback's due moment.
/// </summary>
public sealed class DueCallbacksBench(LocalStack stack, BenchStorage storage)
{
    public const string AgentCallPlaced = "agent call placed";

    public sealed record Creation(IReadOnlyList<string> Ids, IReadOnlyList<DateTimeOffset> Dues, TimeSpan Took, int CreatedAfterDue);

    public sealed record Placement(string Id, DateTimeOffset DueAt, DateTimeOffset? OfferedAt, DateTimeOffset? PlacedAt, CallbackStatus Status,
        bool WaitedForAgent, bool WaitedForLine, int Attempt)
    {
        /// <summary>From the offer (the intent saved, agent held) to Twilio's confirmation of the agent call.</summary>
        public double? DialMs => PlacedAt is { } placed && OfferedAt is { } offered ? (placed - offered).TotalMilliseconds : null;

        public double? LatenessMs => PlacedAt is { } at ? (at - DueAt).TotalMilliseconds : null;
    }

    public async Task<Creation> CreateAsync(string queue, IReadOnlyList<string> callers, Func<int, DateTimeOffset> dueOf, CancellationToken ct)
    {
        var service = stack.Service<MissedCallService>();
        var ids = new string[callers.Count];
        var dues = new DateTimeOffset[callers.Count];
        var late = 0;
        var clock = Stopwatch.StartNew();
        // In due order, 16 at a time: the earliest are stored first.
        await Parallel.ForEachAsync(Enumerable.Range(0, callers.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (i, c) =>
            {
                var now = TimeProvider.System.GetUtcNow();
                var due = dueOf(i);
                dues[i] = due;
                var callback = await service.CreateAsync(new CallbackRequest(callers[i], LocalStack.SupportNumber, queue, "CA" + Guid.NewGuid().ToString("N"),
                    CallbackOrigin.IvrRequest, "callback requested in the IVR (benchmark)", due - now, now), c);
                if (TimeProvider.System.GetUtcNow() > due) Interlocked.Increment(ref late);
                ids[i] = callback?.Id ?? throw new InvalidOperationException($"the app made no callback for caller {i} in queue {queue}");
            });
        return new Creation(ids, dues, clock.Elapsed, late);
    }

    /// <summary>Reads every callback through the app's <see cref="CallbackRepository"/> and finds its first agent call.</summary>
    public async Task<IReadOnlyList<Placement>> ReadPlacementsAsync(Creation created, CancellationToken ct)
    {
        var dueById = created.Ids.Zip(created.Dues).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        var ids = created.Ids;
        var repository = stack.Service<CallbackRepository>();
        var result = new ConcurrentBag<Placement>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (id, c) =>
        {
            var stored = await repository.GetAsync(id, c) ?? throw new InvalidOperationException($"callback {id} is missing");
            var callback = stored.Value;
            var placed = callback.Timeline.FirstOrDefault(e => e.Reason.StartsWith(AgentCallPlaced, StringComparison.Ordinal));
            var waited = callback.Timeline.Any(e => e.Reason.Contains("waiting for one", StringComparison.Ordinal));
            var waitedForLine = callback.Timeline.Any(e => e.Reason.Contains("lines busy", StringComparison.Ordinal));
            // The due moment asked for (FirstDelay from the moment of creation); the stored DueAt may move while it waits its turn.
            var offered = callback.Timeline.FirstOrDefault(e => e.To == CallbackStatus.DialingAgent);
            result.Add(new Placement(id, dueById[id], offered?.At, placed?.At, callback.Status, waited, waitedForLine, callback.Attempt));
        });
        return [.. result];
    }

    /// <summary>
    /// Waits until every callback is terminal. Progress is watched on the simulator (each customer's call ended), which
    /// costs storage nothing; only then is the callbacks table read, so that polling does not load Azurite mid-measure.
    /// </summary>
    public async Task<int> WaitForTerminalAsync(string queue, IReadOnlyList<string> ids, IReadOnlyCollection<string> callers, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var wanted = callers.ToHashSet(StringComparer.Ordinal);
        while (clock.Elapsed < limit)
        {
            var reached = stack.Simulator.Calls.Where(c => c.Direction == "outbound-dial" && c.IsEnded && wanted.Contains(c.To)).Select(c => c.To).Distinct().Count();
            if (reached == wanted.Count) break;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        var rest = limit - clock.Elapsed;
        return await storage.WaitForTerminalAsync(queue, ids, rest > TimeSpan.FromSeconds(15) ? rest : TimeSpan.FromSeconds(15), ct);
    }
}
