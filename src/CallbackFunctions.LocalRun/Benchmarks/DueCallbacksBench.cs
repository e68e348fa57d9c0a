using System.Collections.Concurrent;
using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;
using Callback = CallbackFunctions.Domain.Callbacks.Callback;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Callbacks made up front (IVR-style, <see cref="CallbackRequest.FirstDelay"/> = due moment - now, so the stored due
/// moment is exactly the one asked for) and when their first agent call was placed: the moment the Twilio simulator
/// created that call (its <c>DateCreated</c>), found by the CallSid the callback's timeline names.
/// </summary>
public sealed class DueCallbacksBench(LocalStack stack, BenchStorage storage)
{
    public sealed record Creation(IReadOnlyList<string> Ids, IReadOnlyList<string> Callers, IReadOnlyList<DateTimeOffset> Dues, TimeSpan Took, int CreatedAfterDue)
    {
        public double PerSecond => Ids.Count / Math.Max(0.001, Took.TotalSeconds);
    }

    /// <summary>Callbacks the last <see cref="ReadPlacementsAsync"/> could not read (storage kept failing).</summary>
    public int Unread { get; private set; }

    /// <summary>Every agent call the callbacks read by the last <see cref="ReadPlacementsAsync"/> name: CallSid to "callback/offer".</summary>
    public IReadOnlyDictionary<string, string> AgentCalls { get; private set; } = new Dictionary<string, string>();

    /// <param name="OfferedAt">The offer (holds taken, intent saved): the callback's DialingAgent timeline event.</param>
    /// <param name="PlacedAt">The simulator's creation moment of the callback's first agent call.</param>
    public sealed record Placement(string Id, string Caller, DateTimeOffset DueAt, DateTimeOffset? OfferedAt, DateTimeOffset? PlacedAt, CallbackStatus? Status,
        bool WaitedForAgent, bool WaitedForLine, int Offers)
    {
        /// <summary>Due moment to the agent call at the simulator; negative when it was placed early.</summary>
        public double? LatenessMs => PlacedAt is { } at ? (at - DueAt).TotalMilliseconds : null;

        /// <summary>Due moment to the offer (the timer, the orchestration, the activity's dispatch and holds).</summary>
        public double? OfferMs => OfferedAt is { } at ? (at - DueAt).TotalMilliseconds : null;

        /// <summary>From the offer to the agent call at the simulator (Twilio's create).</summary>
        public double? DialMs => PlacedAt is { } placed && OfferedAt is { } offered ? (placed - offered).TotalMilliseconds : null;
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
        return new Creation(ids, callers, dues, clock.Elapsed, late);
    }

    /// <summary>
    /// Makes callbacks as they would arrive: each one <paramref name="lead"/> before its due moment, open-loop (each
    /// leaves at its moment whether or not the ones before it are stored yet), so that new callbacks keep coming while
    /// earlier ones come due. Returns once every one is made.
    /// </summary>
    public async Task<Creation> CreateOpenLoopAsync(string queue, IReadOnlyList<string> callers, Func<int, DateTimeOffset> dueOf, TimeSpan lead, CancellationToken ct)
    {
        var service = stack.Service<MissedCallService>();
        var client = stack.Service<Microsoft.DurableTask.Client.DurableTaskClient>();
        var ids = new string[callers.Count];
        var dues = new DateTimeOffset[callers.Count];
        var tasks = new List<Task>(callers.Count);
        var late = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < callers.Count; i++)
        {
            var due = dueOf(i);
            dues[i] = due;
            var wait = due - lead - TimeProvider.System.GetUtcNow();
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                var now = TimeProvider.System.GetUtcNow();
                var callback = await service.CreateAsync(new CallbackRequest(callers[index], LocalStack.SupportNumber, queue, "CA" + Guid.NewGuid().ToString("N"),
                    CallbackOrigin.IvrRequest, "callback requested in the IVR (benchmark)", due - now, now), client, ct);
                if (TimeProvider.System.GetUtcNow() > due) Interlocked.Increment(ref late);
                ids[index] = callback?.Id ?? throw new InvalidOperationException($"the app made no callback for caller {index} in queue {queue}");
            }, ct));
        }
        await Task.WhenAll(tasks);
        return new Creation(ids, callers, dues, clock.Elapsed, late);
    }

    /// <summary>
    /// Reads every callback through the app's <see cref="CallbackRepository"/> (its offers and the CallSid of its first
    /// agent call) and the simulator's calls (when each was created). A callback that cannot be read is matched on the
    /// simulator alone: the agent call its customer's leg was dialled from.
    /// </summary>
    public async Task<IReadOnlyList<Placement>> ReadPlacementsAsync(Creation created, CancellationToken ct)
    {
        var calls = stack.Simulator.Calls;
        var bySid = calls.ToDictionary(c => c.Sid, StringComparer.Ordinal);
        var agentCallOfCustomer = calls.Where(c => c.Direction == "outbound-dial" && c.ParentCallSid is not null)
            .GroupBy(c => c.To, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.DateCreated).First().ParentCallSid!, StringComparer.Ordinal);
        var repository = stack.Service<CallbackRepository>();
        var result = new ConcurrentBag<Placement>();
        var agentCalls = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var unread = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, created.Ids.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, c) =>
        {
            var (id, caller, due) = (created.Ids[i], created.Callers[i], created.Dues[i]);
            // Storage may still be overloaded by the app: a few tries, then the callback counts as unread.
            Callback? callback = null;
            for (var attempt = 0; attempt < 3 && callback is null; attempt++)
            {
                try { callback = (await repository.GetAsync(id, c))?.Value; }
                catch (Exception e) when (TransientFaults.IsTransient(e, c))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), c);
                }
            }
            if (callback is null) Interlocked.Increment(ref unread);
            foreach (var e in callback?.Timeline ?? [])
                if (e.CallSids.TryGetValue("agent", out var agentSid))
                    agentCalls.TryAdd(agentSid, $"{id} ({(e.Reason.Length > 60 ? e.Reason[..60] + "..." : e.Reason)})");
            var sid = callback?.Timeline.Select(e => e.CallSids.GetValueOrDefault("agent")).FirstOrDefault(s => s is not null)
                      ?? agentCallOfCustomer.GetValueOrDefault(caller);
            DateTimeOffset? placed = sid is not null && bySid.TryGetValue(sid, out var call) ? call.DateCreated : null;
            var offered = callback?.Timeline.FirstOrDefault(e => e.To == CallbackStatus.DialingAgent)?.At;
            var waited = callback?.Timeline.Any(e => e.Reason.Contains("waiting for one", StringComparison.Ordinal)) == true;
            var waitedForLine = callback?.Timeline.Any(e => e.Reason.Contains("lines busy", StringComparison.Ordinal)) == true;
            result.Add(new Placement(id, caller, due, offered, placed, callback?.Status, waited, waitedForLine, callback?.Offer ?? 0));
        });
        Unread = unread;
        AgentCalls = agentCalls;
        return [.. result];
    }

    /// <summary>What Durable's history says about one callback's due timer.</summary>
    /// <param name="HandledMs">Due moment to the write of the episode that took the timer in (and scheduled the offer).</param>
    /// <param name="Fired">How many timers for the due moment fired: more than one when a timer came early and was set again.</param>
    public sealed record TimerTrace(string Id, double HandledMs, int Fired);

    /// <summary>
    /// Reads the Durable history of each callback (the benchmark's own table client, after the measurement) and finds
    /// the timers set for its due moment (at most <paramref name="atMost"/> callbacks, evenly spread): the history rows of the episode that took the last of them in are written
    /// just before the offer's activity message is sent (DurableTask.AzureStorage writes history, then sends messages).
    /// </summary>
    public async Task<IReadOnlyList<TimerTrace>> ReadTimerTracesAsync(IReadOnlyList<Placement> placements, int atMost, CancellationToken ct)
    {
        var result = new ConcurrentBag<TimerTrace>();
        // Evenly over the due moments, so a sample keeps the shape of the whole.
        var ordered = placements.OrderBy(p => p.DueAt).ToList();
        var every = Math.Max(1, (int)Math.Ceiling(ordered.Count / (double)atMost));
        var sample = ordered.Where((_, i) => i % every == 0).ToList();
        await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (p, c) =>
        {
            IReadOnlyList<BenchStorage.HistoryRow> rows;
            try { rows = await storage.HistoryAsync(p.Id, c); }
            catch (Exception e) when (TransientFaults.IsTransient(e, c)) { return; }
            var due = p.DueAt.UtcDateTime;
            var fired = rows.Where(r => r.EventType == "TimerFired" && r.FireAt is { } at && Math.Abs((at - due).TotalMilliseconds) < 1).ToList();
            if (fired.Count == 0 || fired[^1].Written is not { } written) return;
            result.Add(new TimerTrace(p.Id, (written - p.DueAt).TotalMilliseconds, fired.Count));
        });
        return [.. result];
    }

    /// <summary>
    /// Waits until every customer of <paramref name="created"/> has been called and that call has ended, or the limit
    /// passes. Progress is watched on the simulator, which costs storage nothing; only once every customer was reached
    /// is the callbacks table read (a few seconds more at most, for the last projections to be written), so that polling
    /// does not load Azurite mid-measure and an overloaded phase ends at its limit.
    /// </summary>
    public async Task WaitForCustomersAsync(string queue, Creation created, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var wanted = created.Callers.ToHashSet(StringComparer.Ordinal);
        while (clock.Elapsed < limit)
        {
            var reached = stack.Simulator.Calls.Where(c => c.Direction == "outbound-dial" && c.IsEnded && wanted.Contains(c.To)).Select(c => c.To).Distinct().Count();
            if (reached == wanted.Count)
            {
                await storage.WaitForTerminalAsync(queue, created.Ids, TimeSpan.FromSeconds(10), ct);
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>Scripts the customers of a phase: they answer at once and talk for <paramref name="talkSeconds"/>.</summary>
    public static void ScriptCustomers(LocalStack stack, IEnumerable<string> callers, double talkSeconds)
    {
        foreach (var caller in callers)
            stack.Simulator.SetPerson(caller, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0, TalkSeconds = talkSeconds }));
    }
}
