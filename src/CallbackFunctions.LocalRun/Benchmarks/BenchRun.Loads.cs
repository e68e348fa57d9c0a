using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;
using static CallbackFunctions.LocalRun.Benchmarks.BenchSettings;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// The realistic loads (DESIGN §1 "Realistic load"): a steady 1 callback due a second with thousands pending, a busy
/// 5 a second, the steady load with another partition count, and two instances of the app on one task hub. Each
/// prints lateness with and without Azurite's queue freezes (<see cref="FreezeWindows"/>): without is what Azure would see.
/// </summary>
public sealed partial class BenchRun
{
    /// <summary>The queue of the callbacks queued for later while a load runs.</summary>
    private const string LaterQueue = "later";

    /// <summary>How far on the pending callbacks are due (well after the run).</summary>
    private static readonly TimeSpan PendingDueAfter = TimeSpan.FromMinutes(60);

    /// <summary>The steady phase's run (1 partition), kept for the partitions phase to compare with.</summary>
    private LoadRun? _steady;

    /// <summary>One due load's callbacks as placed, and the queue service's freezes meanwhile.</summary>
    private sealed record LoadRun(string Label, int Partitions, DateTimeOffset FirstDue, IReadOnlyList<DueCallbacksBench.Placement> Placements,
        IReadOnlyList<FreezeWindows.Window> Freezes, TimeSpan Tail)
    {
        /// <summary>Lateness of the callbacks due in the first <paramref name="span"/> (all of them when null), with and without the freeze windows.</summary>
        public (Lateness All, Lateness Outside, int InWindows) Lateness(TimeSpan? span = null)
        {
            var chosen = Placements.Where(p => span is not { } s || p.DueAt < FirstDue + s).ToList();
            var outside = chosen.Where(p => !FreezeWindows.Touches(Freezes, p.DueAt, p.PlacedAt)).ToList();
            return (Benchmarks.Lateness.Of(chosen.Select(p => p.LatenessMs)), Benchmarks.Lateness.Of(outside.Select(p => p.LatenessMs)), chosen.Count - outside.Count);
        }
    }

    private async Task LoadPhasesAsync(CancellationToken ct)
    {
        if (settings.Runs("steady"))
            await PhaseAsync("steady", settings.SteadyCallbacks + settings.SteadyPending, settings.LoadAgents,
                async (stack, storage, callers, note) => _steady = await DueLoadAsync(stack, storage, "steady", "steady", callers, settings.SteadyRate, settings.SteadyDuration,
                    settings.SteadyPending, note, targetP99Ms: 1000, earlyTarget: true, ct), ct);
        if (settings.Runs("busy"))
            await PhaseAsync("busy", settings.BusyCallbacks, settings.LoadAgents,
                async (stack, storage, callers, note) => await DueLoadAsync(stack, storage, "busy", "busy", callers, settings.BusyRate, settings.BusyDuration,
                    pending: 0, note, targetP99Ms: 2000, earlyTarget: false, ct), ct);
        if (settings.Runs("partitions")) await PartitionsAsync(ct);
        if (settings.Runs("twoinstances"))
            await PhaseAsync("twoinstances", settings.TwoInstanceCallers, agents: 0,
                (stack, storage, callers, note) => TwoInstancesAsync(stack, storage, callers, note, ct), ct,
                // Callbacks made here are due 10 minutes on: none rings an agent during the measurement (as in the webhook phase).
                o => o with { Intervals = "00:10:00", ExtraSettings = With(o.ExtraSettings, LocalAppHost.WorkerIdSetting, InstanceA) });
    }

    private static Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> settings, string key, string value) =>
        new(settings, StringComparer.OrdinalIgnoreCase) { [key] = value };

    // ---- due loads: steady, busy ------------------------------------------------------------------------------------

    /// <summary>
    /// <paramref name="pending"/> callbacks queued for an hour on first (their orchestrations started and waiting),
    /// then <paramref name="rate"/> callbacks due a second for <paramref name="duration"/>, each made
    /// <see cref="BenchSettings.LoadLead"/> before its due moment; lateness = the agent call at the simulator - the due
    /// moment, as in the timer phases.
    /// </summary>
    private async Task<LoadRun> DueLoadAsync(LocalStack stack, BenchStorage storage, string queue, string label, IReadOnlyList<string> callers, double rate,
        TimeSpan duration, int pending, string note, double? targetP99Ms, bool earlyTarget, CancellationToken ct)
    {
        var bench = new DueCallbacksBench(stack, storage);
        var n = (int)Math.Round(rate * duration.TotalSeconds);
        var partitions = stack.DurableOptions!.PartitionCount;
        // The partition count is named where it is what the phase compares, or when it is not host.json's.
        var load = $"{label} {N(rate)}/s for {Duration(duration)}" + (pending > 0 ? $", {Count(pending)} pending" : "") +
                   (partitions != 1 || queue.StartsWith("partitions", StringComparison.Ordinal) ? $", {partitions} partition{(partitions == 1 ? "" : "s")}" : "");

        var pendingLine = "no callbacks pending for later";
        if (pending > 0)
        {
            var clock = Stopwatch.StartNew();
            var later = TimeProvider.System.GetUtcNow() + PendingDueAfter;
            var made = await bench.CreateAsync(LaterQueue, callers.Skip(n).Take(pending).ToList(), i => later + TimeSpan.FromSeconds(i), ct);
            // Their orchestrations started and set their due timers before the load begins: the load meets them waiting.
            var left = await WaitForNoPendingAsync(storage, TimeSpan.FromSeconds(settings.Quick ? 30 : 120), ct);
            pendingLine = $"{Count(pending)} callbacks queued first in queue '{LaterQueue}', due from {N(PendingDueAfter.TotalMinutes)} min on, one a second " +
                          $"(made in {N(made.Took.TotalSeconds, "0.0")} s, {N(made.PerSecond)}/s; {(left == 0 ? "all their orchestrations started" : $"{Describe(left)} orchestrations still not started")} " +
                          $"{N(clock.Elapsed.TotalSeconds, "0.0")} s after the first was made)";
        }

        var cpu = _cpu.Now();
        var phaseStart = TimeProvider.System.GetUtcNow();
        using var requests = new StorageRequestLog(stack);
        using var stalls = new StallMeter(stack.Azurite!, StorageNames.Of(stack).ControlQueuePrefix + "00");
        var first = TimeProvider.System.GetUtcNow() + settings.LoadLead;
        var step = TimeSpan.FromSeconds(1 / rate);
        var last = first + step * (n - 1);
        DueCallbacksBench.Creation created;
        string queueLine;
        await using (var queues = storage.SampleQueues())
        {
            created = await bench.CreateOpenLoopAsync(queue, callers.Take(n).ToList(), i => first + step * i, settings.LoadLead, ct);
            await bench.WaitForCustomersAsync(queue, created, last - TimeProvider.System.GetUtcNow() + settings.LoadTail, ct);
            queueLine = queues.Summary();
        }
        var (freezes, byProbes) = stalls.QueueFreezes(requests.SlowQueueRequests);
        var cpuLine = _cpu.Since(cpu);
        var requestLine = RequestLine(requests);
        var stallLine = stalls.Summary(0);
        var placements = await bench.ReadPlacementsAsync(created, ct);
        var traces = await bench.ReadTimerTracesAsync(placements, settings.TracedCallbacks, ct);
        var run = new LoadRun(load, partitions, first, placements, freezes, settings.LoadTail);

        LatenessFigures(load, run, null, targetP99Ms, earlyTarget);
        Line($"  {n} IVR-style callbacks (MissedCallService, FirstDelay) made open-loop through the app's service, each {N(settings.LoadLead.TotalSeconds)} s before its due moment, " +
             $"due one every {Ms(step)} for {Duration(duration)}; {created.CreatedAfterDue} made after their due moment; {pendingLine}; {note}");
        FreezeLine(run, byProbes, stalls.StartedAt);
        Line($"  agent call placed for {placements.Count(p => p.PlacedAt is not null)}/{n}; {Final(placements)}/{n} final, {placements.Count(p => p.Status == CallbackStatus.Completed)} Completed; " +
             $"{placements.Count(p => p.WaitedForAgent)} waited for an agent, {placements.Count(p => p.WaitedForLine)} for a line, {placements.Count(p => p.Offers > 1)} needed more than one offer{Unread(bench)}");
        WhereTheTimeWentMeanwhile(placements, traces, cpuLine, requestLine, queueLine, stallLine);
        if (settings.Detail) Detail(stalls.Stalls(0, 200).ToList(), requests, placements, stalls.StartedAt);
        AppLog();
        var releases = await StaleHoldsAsync(stack, ct);
        Line($"  {DoubleBooked(stack, phaseStart, bench.AgentCalls, releases)}");
        return run;
    }

    /// <summary>p50, p99 and max of a load's lateness, then the same outside the freeze windows, then how many acted early.</summary>
    private void LatenessFigures(string load, LoadRun run, TimeSpan? span, double? targetP99Ms, bool earlyTarget)
    {
        var (all, outside, _) = run.Lateness(span);
        string Late(Lateness l, double ms) => double.IsPositiveInfinity(ms)
            ? $"over {N(run.Tail.TotalSeconds)} s ({l.NotActed} of {l.Count} had no agent call {N(run.Tail.TotalSeconds)} s after the last due moment)"
            : Time(ms);
        NewFigure("lateness p50", load, Late(all, all.P50), null);
        NewFigure("lateness p99", load, Late(all, all.P99), null);
        NewFigure("lateness max", load, Late(all, all.Max), null);
        var outsideLoad = load + ", outside freeze windows";
        NewFigure("lateness p50", outsideLoad, Late(outside, outside.P50), null);
        NewFigure("lateness p99", outsideLoad, Late(outside, outside.P99),
            targetP99Ms is { } target ? $"target p99 < {N(target / 1000)} s: {Met(outside.Count > 0 && outside.NotActed == 0 && outside.P99 < target)}" : null);
        NewFigure("lateness max", outsideLoad, Late(outside, outside.Max), null);
        NewFigure("acted early", load, $"{all.Early} of {all.Count} agent calls placed before their due moment" +
                  (all.Early > 0 ? $" (earliest {Time(-all.Earliest)} early; {all.FarEarly} more than 1 s early)" : ""),
            earlyTarget ? $"target: none more than 1 s early: {Met(all.Count > 0 && all.FarEarly == 0)}" : null);
    }

    private void FreezeLine(LoadRun run, IReadOnlyList<FreezeWindows.Window> byProbes, DateTimeOffset meterStart)
    {
        var (all, _, inWindows) = run.Lateness();
        Line($"  freeze windows (Azurite's queue service gave no answer for over {N(FreezeWindows.ThresholdMs / 1000)} s: to the meter's probes, every 50 ms, of the service and of a " +
             $"message in the first control queue, or to the app's own queue requests; times from the first callback made): {FreezeWindows.Describe(run.Freezes, meterStart)} " +
             $"(the probes alone: {FreezeWindows.Describe(byProbes, meterStart)}); {inWindows} of {all.Count} callbacks in or near one (from {N(FreezeWindows.Before.TotalSeconds)} s " +
             $"before the due moment to the agent call, overlapping a window or the {N(FreezeWindows.After.TotalSeconds)} s after it), left out of the figures outside freeze windows");
    }

    private static async Task<int> WaitForNoPendingAsync(BenchStorage storage, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = await CountOrMinusOne(storage.PendingInstancesAsync, ct);
            if (left == 0 || clock.Elapsed > limit) return left;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>"5 min", "2 min", "20 s".</summary>
    private static string Duration(TimeSpan t) => t.TotalSeconds >= 60 && t.TotalSeconds % 60 == 0 ? $"{N(t.TotalMinutes)} min" : $"{N(t.TotalSeconds)} s";

    // ---- partitions ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// The steady load with host.json's 1 partition and with <see cref="BenchSettings.OtherPartitionCount"/>, for
    /// <see cref="BenchSettings.PartitionsDuration"/> each: the 1-partition figure is the steady phase's first minutes
    /// when it ran in this run (the same load), else a run of its own.
    /// </summary>
    private async Task PartitionsAsync(CancellationToken ct)
    {
        var span = settings.PartitionsDuration;
        var other = settings.OtherPartitionCount;
        LoadRun? one = _steady;
        if (one is null)
            await PhaseAsync("partitions1", settings.PartitionsCallbacks + settings.SteadyPending, settings.LoadAgents,
                async (stack, storage, callers, note) => one = await DueLoadAsync(stack, storage, "partitions1", "steady", callers, settings.SteadyRate, span,
                    settings.SteadyPending, note, targetP99Ms: null, earlyTarget: false, ct), ct);
        LoadRun? many = null;
        var queue = $"partitions{other}";
        await PhaseAsync(queue, settings.PartitionsCallbacks + settings.SteadyPending, settings.LoadAgents,
            async (stack, storage, callers, note) => many = await DueLoadAsync(stack, storage, queue, "steady", callers, settings.SteadyRate, span,
                settings.SteadyPending, note, targetP99Ms: null, earlyTarget: false, ct), ct,
            o => o with { ExtraSettings = With(o.ExtraSettings, LocalAppHost.PartitionCountSetting, other.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
        if (one is null || many is null)
        {
            Line("partitions: not compared (a run did not complete)");
            return;
        }
        if (ReferenceEquals(one, _steady))
        {
            // The 4-partition run printed its own figures; the 1-partition ones are the steady phase's first minutes.
            var load = $"steady {N(settings.SteadyRate)}/s, its first {Duration(span)}, {Count(settings.SteadyPending)} pending, 1 partition";
            LatenessFigures(load, one, span, null, false);
        }
        var (_, oneOutside, _) = one.Lateness(ReferenceEquals(one, _steady) ? span : null);
        var (_, manyOutside, _) = many.Lateness();
        Line($"  partitions, the same load for {Duration(span)}: lateness p99 outside freeze windows {Time(oneOutside.P99)} with 1 partition (host.json), " +
             $"{Time(manyOutside.P99)} with {other}; p50 {Time(oneOutside.P50)} and {Time(manyOutside.P50)}. With 1 partition one worker runs every orchestration " +
             $"episode (activities still spread over instances) and a crash of that worker holds every timer and event until its lease expires; with {other}, " +
             $"each instance holds some, a crash holds only those, but every partition's control queue is polled by every instance");
    }

    // ---- two instances ------------------------------------------------------------------------------------------------

    private const string InstanceA = "bench-instance-a";
    private const string InstanceB = "bench-instance-b";

    /// <summary>
    /// The stack's app (instance A, this process) and a second app process (instance B) on the same task hub and
    /// tables; served webhooks and a missed-call load go to whichever does not hold the partition.
    /// </summary>
    private async Task TwoInstancesAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, string note, CancellationToken ct)
    {
        var bench = new TwoInstanceBench(stack, storage);
        await stack.PutAgentAsync("twobench", "Two-instance bench", "+14155550991", [TwoInstanceBench.PreparedQueue, TwoInstanceBench.LoadQueue, "warmup"]);
        var urlB = new Uri($"http://127.0.0.1:{Azurite.FreePort()}");
        var settingsB = new Dictionary<string, string?>(stack.SettingsFor(urlB), StringComparer.OrdinalIgnoreCase) { [LocalAppHost.WorkerIdSetting] = InstanceB };
        var startClock = Stopwatch.StartNew();
        await using var instanceB = await AppInstanceProcess.StartAsync(settingsB, urlB, ct);
        var started = startClock.Elapsed;

        var prepared = callers.Take(settings.TwoInstancePrepared).ToList();
        var loadCallers = callers.Skip(prepared.Count).ToList();
        var due = TimeProvider.System.GetUtcNow() + TimeSpan.FromMinutes(10);
        var made = await new DueCallbacksBench(stack, storage).CreateAsync(TwoInstanceBench.PreparedQueue, prepared, _ => due, ct);
        var notStarted = await WaitForNoPendingAsync(storage, TimeSpan.FromSeconds(30), ct);
        var owners = await bench.OwnersAsync(ct);
        var owner = owners.Values.FirstOrDefault();
        var (target, targetName) = owner == InstanceB ? (stack.AppUrl, $"A (this process, {stack.AppUrl})") : (urlB, $"B (pid {instanceB.Pid}, {urlB})");

        var cpu = _cpu.Now();
        var result = await bench.RunAsync(target, settings.TwoInstanceRate, settings.TwoInstanceDuration, loadCallers,
            [.. made.Ids.Zip(prepared)], settings.SettleLimit, ct);
        var cpuLine = _cpu.Since(cpu);
        var ownersAfter = await bench.OwnersAsync(ct);

        var reacted = result.Reactions.Where(r => r.ReactedMs is not null).Select(r => r.ReactedMs!.Value).Order().ToList();
        var notSeen = result.Reactions.Count(r => r.ReactedMs is null);
        var served = result.Reactions.Select(r => r.Sent.LatencyMs).Order().ToList();
        var load = result.Load;
        var reactionLoad = $"two instances, webhooks to the one without the partition, during {load.Rate} requests/s";
        NewFigure("webhook -> orchestration reacted p50", reactionLoad, Time(Percentiles.Of(reacted, 0.5)), null);
        NewFigure("webhook -> orchestration reacted p99", reactionLoad, notSeen > 0 ? $"over {N(15)} s ({notSeen} of {result.Reactions.Count} not seen)" : Time(Percentiles.Of(reacted, 0.99)), null);
        var webhookLoad = $"two instances, {load.Rate} requests/s to the one without the partition";
        NewFigure("webhook latency p50", webhookLoad, Ms(load.P50), null);
        NewFigure("webhook latency p99", webhookLoad, Ms(load.P99), $"target p99 < 100 ms: {Met(load.Passed && load.P99 < 100)}");
        Line($"  instance A: the stack's app in this process (worker {InstanceA}); instance B: a second OS process, `CallbackFunctions.LocalRun.dll app` (pid {instanceB.Pid}, " +
             $"worker {InstanceB}, answering {Ms(started)} after it was started), on the same task hub and tables; partition owner(s) before: {Owners(owners)}, after: {Owners(ownersAfter)}; " +
             $"webhooks went to {targetName}");
        Line($"  reacted = a served webhook (a caller served on a later call, QueueResult=bridged, signed) for one of {made.Ids.Count} callbacks queued beforehand (due 10 min on; " +
             $"{(notStarted == 0 ? "all their orchestrations started" : $"{Describe(notStarted)} orchestrations not yet started")}), sent one at a time during the load, " +
             $"to the projection showing it Cancelled (the benchmark's own point read every 20 ms); {result.Reactions.Count} samples, max {Time(reacted.Count == 0 ? double.NaN : reacted[^1])}, " +
             $"{notSeen} not Cancelled within 15 s; the served webhook's own answer (once the cancel is told) p50 {Ms(Percentiles.Of(served, 0.5))}, p99 {Ms(Percentiles.Of(served, 0.99))}, " +
             $"{result.Reactions.Count(r => !r.Sent.Ok)} failed");
        Line($"  load: {load.Sent} signed missed-call webhooks (QueueResult=hangup) open-loop at {load.Rate}/s for {Duration(settings.TwoInstanceDuration)}, after 10 warm-up requests, " +
             $"beside the served ones; latency = scheduled send moment to the end of the answer; max {Ms(load.Max)}, errors {load.Errors}" +
             (load.FirstError is null ? "" : $" (first: {load.FirstError})") + $", callbacks made {load.Callbacks}/{load.Sent}, sender behind schedule by at most " +
             $"{Ms(load.MaxSendLagMs)}; {(load.Passed ? "nothing lost" : "FAILED")}; {note}");
        Line($"  meanwhile (instance B is among the other processes): {cpuLine}");
        var (warnings, firstWarning) = instanceB.Warnings;
        Line($"  instance B's warnings/errors: {warnings}" + (firstWarning is null ? "" : $"; first: {firstWarning}"));
        AppLog();
    }

    private static string Owners(IReadOnlyDictionary<string, string?> owners) =>
        owners.Count == 0 ? "none found" : string.Join(", ", owners.Select(o => $"{o.Key} held by {o.Value ?? "nobody"}"));
}
