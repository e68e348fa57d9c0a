using System.Collections.Concurrent;
using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;
using Callback = CallbackFunctions.Domain.Callbacks.Callback;
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

    /// <summary>Callbacks the last <see cref="ReadPlacementsAsync"/> could not read (storage kept failing).</summary>
    public int Unread { get; private set; }

    public sealed record Placement(string Id, DateTimeOffset DueAt, DateTimeOffset? FirstWakeAt, DateTimeOffset? OfferedAt, DateTimeOffset? PlacedAt, CallbackStatus Status,
        bool WaitedForAgent, bool WaitedForLine, int Attempt)
    {
        /// <summary>From the offer (the intent saved, agent held) to Twilio's confirmation of the agent call.</summary>
        public double? DialMs => PlacedAt is { } placed && OfferedAt is { } offered ? (placed - offered).TotalMilliseconds : null;

        public double? LatenessMs => PlacedAt is { } at ? (at - DueAt).TotalMilliseconds : null;

        /// <summary>Due moment to the first wake-up's timeline event (the timer alone, before any wait for a line).</summary>
        public double? FirstWakeMs => FirstWakeAt is { } at ? (at - DueAt).TotalMilliseconds : null;
    }

    public async Task<Creation> CreateAsync(string queue, IReadOnlyList<string> callers, Func<int, DateTimeOffset> dueOf, CancellationToken ct)
    {
        var service = stack.Service<MissedCallService>();
        var client = stack.Service<Microsoft.DurableTask.Client.DurableTaskClient>();
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
                    CallbackOrigin.IvrRequest, "callback requested in the IVR (benchmark)", due - now, now), client, c);
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
        var unread = 0;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (id, c) =>
        {
            // Storage may still be overloaded by the app: a few tries, then the callback counts as unread.
            Callback? callback = null;
            for (var attempt = 0; attempt < 3 && callback is null; attempt++)
            {
                try { callback = (await repository.GetAsync(id, c))?.Value; }
                catch (Exception e) when (e is Azure.RequestFailedException or AggregateException or HttpRequestException or TaskCanceledException && !c.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), c);
                }
            }
            if (callback is null) { Interlocked.Increment(ref unread); return; }
            var placed = callback.Timeline.FirstOrDefault(e => e.Reason.StartsWith(AgentCallPlaced, StringComparison.Ordinal));
            var waited = callback.Timeline.Any(e => e.Reason.Contains("waiting for one", StringComparison.Ordinal));
            var waitedForLine = callback.Timeline.Any(e => e.Reason.Contains("lines busy", StringComparison.Ordinal));
            var offered = callback.Timeline.FirstOrDefault(e => e.To == CallbackStatus.DialingAgent);
            // The first thing that happened after creation: the first wake-up's doing, whatever it decided (timer alone).
            var firstWake = callback.Timeline.Length > 1 ? callback.Timeline[1].At : (DateTimeOffset?)null;
            // The due moment asked for (FirstDelay from the moment of creation); the stored DueAt may move while it waits its turn.
            result.Add(new Placement(id, dueById[id], firstWake, offered?.At, placed?.At, callback.Status, waited, waitedForLine, callback.Attempt));
        });
        Unread = unread;
        return [.. result];
    }

    /// <summary>
    /// Cancels, through the API, whatever a phase left live when its time ran out, so that the next phase starts clean;
    /// bounded in time. Returns how many were cancelled.
    /// </summary>
    public async Task<int> CancelLeftoversAsync(string queue, BenchStorage storage, TimeSpan limit, CancellationToken ct)
    {
        Dictionary<string, CallbackStatus> statuses;
        try { statuses = await storage.StatusesAsync(queue, ct); }
        catch (Exception e) when (BenchStorage.IsStorageTrouble(e, ct)) { return 0; }
        var live = statuses.Where(s => !s.Value.IsTerminal()).Select(s => s.Key).ToList();
        var cancelled = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout.Token }, async (id, c) =>
            {
                try
                {
                    using var response = await stack.Api.PostAsync($"/api/callbacks/{id}/cancel", null, c);
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref cancelled);
                }
                catch (HttpRequestException)
                {
                    // counted as not cancelled
                }
            });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // out of time: report what was done
        }
        return cancelled;
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
