using System.Diagnostics;
using CallbackFunctions.Settings;
using CallbackFunctions.Telephony;
using CallbackFunctions.TwilioSimulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static CallbackFunctions.LocalRun.Benchmarks.BenchSettings;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// <c>./run.sh bench</c>: one local stack (Azurite in memory, the Twilio simulator with no call-rate limit, the app
/// in-process), then the figures in order: timer lateness, burst, storage operations per callback beside Azurite's raw
/// rate, missed-call webhook latency and the highest sustained webhook rate with nothing lost. One line per figure;
/// indented lines say how it was measured.
/// </summary>
public sealed class BenchRun(BenchSettings settings, TextWriter output)
{
    private readonly Stopwatch _run = Stopwatch.StartNew();
    private readonly CpuMeter _cpu = new();
    private StorageCostBench.Raw? _freshRaw;
    private CpuMeter.Sample _start = null!;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        _start = _cpu.Now();
        Line("# CallbackFunctions benchmark" + (settings.Quick ? " (--quick: reduced sizes, not for comparison)" : ""));
        foreach (var line in MachineInfo.Describe()) Line(line);
        Line($"date: {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC; load average (1 min) at start: {CpuMeter.LoadAverage()}");
        Line($"command: ./run.sh bench{string.Concat(Environment.GetCommandLineArgs().Skip(2).Select(a => " " + a))}  (process: dotnet {string.Join(' ', Environment.GetCommandLineArgs())})");

        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            Prefix = "bench",
            Intervals = "00:00:01",
            Expiry = TimeSpan.FromMinutes(10),
            CallsPerSecond = 0,
            MinimumLogLevel = LogLevel.Error,
        }, ct: ct);
        var storage = new BenchStorage(stack);
        _freshRaw = await StorageCostBench.MeasureRawAsync(stack.StorageConnectionString, "benchrawfresh", settings.RawOperations, settings.RawConcurrency, ct);
        var numbers = stack.Service<PhoneNumberNormalizer>();
        var maxStep = settings.StepRates.Count == 0 ? 0 : settings.StepRates.Max();
        var callerCount = Math.Max(settings.TimerCallbacks + settings.BurstCallbacks + settings.StorageCostCallbacks,
            Math.Max((int)(settings.LatencyRate * settings.LatencyDuration.TotalSeconds), (int)(maxStep * settings.StepDuration.TotalSeconds)));
        var callers = NumberPool.Callers(numbers, callerCount);
        var agentNumbers = NumberPool.Agents(numbers, settings.Agents);

        // People: agents answer at once and press 1; customers answer at once and talk 0.2 s.
        foreach (var agent in agentNumbers)
            stack.Simulator.SetPerson(agent, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0, Digits = "1", TalkSeconds = 0.2 }));
        foreach (var caller in callers.Take(settings.TimerCallbacks + settings.BurstCallbacks + settings.StorageCostCallbacks))
            stack.Simulator.SetPerson(caller, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0, TalkSeconds = 0.2 }));
        var agentClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Agents), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (i, _) => await stack.PutAgentAsync($"agent{i:D4}", $"Agent {i}", agentNumbers[i], "timer", "burst", StorageCostBench.Queue));
        Line($"setup: {settings.Agents} simulated agents (answer after 0 s, press 1; serve queues timer, burst, ops), customers answer at once and talk 0.2 s;");
        Line($"  simulator call rate unbounded; app settings: first interval 1 s, expiry 10 min, 16 wake-ups at once (default), log level Error; agents created in {Ms(agentClock.Elapsed)}");

        await TimerAsync(stack, storage, callers.Take(settings.TimerCallbacks).ToList(), ct);
        await BurstAsync(stack, storage, callers.Skip(settings.TimerCallbacks).Take(settings.BurstCallbacks).ToList(), ct);
        var perCallback = await StorageCostAsync(stack, storage,
            callers.Skip(settings.TimerCallbacks + settings.BurstCallbacks).Take(settings.StorageCostCallbacks).ToList(), ct);
        await RawAzuriteAsync(stack, perCallback, ct);
        await WebhooksAsync(stack, storage, callers, ct);

        var poison = await PoisonCountAsync(stack, ct);
        var simErrors = stack.Simulator.Errors;
        Line($"simulator errors (strictness violations, failed webhooks): {simErrors.Count}" +
            (simErrors.Count > 0 ? $"  first: {simErrors[0].Code} {simErrors[0].Message}" : ""));
        Line($"poison wake-ups: {poison}");
        Line($"run time: {N(_run.Elapsed.TotalSeconds, "0")} s; load average (1 min) at the end: {CpuMeter.LoadAverage()}; whole run {_cpu.Since(_start)}");
        return 0;
    }

    // ---- 1. timer lateness ----------------------------------------------------------------------------------------

    private async Task TimerAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, CancellationToken ct)
    {
        var bench = new DueCallbacksBench(stack, storage);
        var cpu = _cpu.Now();
        var n = callers.Count;
        var first = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(10);
        var step = settings.TimerSpread / n;
        var created = await bench.CreateAsync("timer", callers, i => first + step * i, ct);
        _timerCreation = created.Took;
        var last = first + step * (n - 1);
        var limit = last - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(60);
        var terminal = await bench.WaitForTerminalAsync("timer", created.Ids, limit, ct);
        var cpuLine = _cpu.Since(cpu);
        var placements = await bench.ReadPlacementsAsync(created.Ids, ct);
        var lateness = placements.Where(p => p.LatenessMs is not null).Select(p => p.LatenessMs!.Value).Order().ToList();
        var p99 = Percentiles.Of(lateness, 0.99);
        var complete = lateness.Count == n;
        Line($"timer lateness p50: {Ms(Percentiles.Of(lateness, 0.50))}");
        Line($"timer lateness p99: {Ms(p99)}  (target < 1 s: {(complete && p99 < 1000 ? "target met" : "target missed")})");
        Line($"timer lateness max: {Ms(lateness.Count == 0 ? double.NaN : lateness[^1])}");
        Line($"  {n} IVR-style callbacks made up front in {Ms(created.Took)} ({created.CreatedAfterDue} stored after their due moment), due every " +
             $"{Ms(step)} over {N(settings.TimerSpread.TotalSeconds)} s; lateness = \"{DueCallbacksBench.AgentCallPlaced}\" event - due moment;");
        Line($"  agent call placed for {lateness.Count}/{n}, min {Ms(lateness.Count == 0 ? double.NaN : lateness[0])}; " +
             $"{terminal}/{n} terminal ({placements.Count(p => p.Status == Domain.Callbacks.CallbackStatus.Completed)} Completed); " +
             $"{placements.Count(p => p.WaitedForAgent)} waited for an agent; {cpuLine}");
        var late = placements.Where(p => p.LatenessMs is not null).OrderBy(p => p.DueAt).ToList();
        if (late.Count >= 10)
        {
            var tenth = late.Count / 10;
            Line("  lateness p50 by tenth of the spread (earliest due first): " +
                 string.Join(", ", Enumerable.Range(0, 10).Select(k => Ms(Percentiles.Of(late.Skip(k * tenth).Take(tenth).Select(p => p.LatenessMs!.Value).Order().ToList(), 0.5)))));
        }
    }

    private TimeSpan _timerCreation;

    // ---- 2. burst -------------------------------------------------------------------------------------------------

    private async Task BurstAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, CancellationToken ct)
    {
        var held = await storage.WaitForAgentsFreeAsync(TimeSpan.FromSeconds(30), ct);
        var bench = new DueCallbacksBench(stack, storage);
        var n = callers.Count;
        // Far enough ahead that every callback is stored before the moment: the timer phase's creation time, doubled.
        var lead = TimeSpan.FromSeconds(Math.Max(8, Math.Ceiling(_timerCreation.TotalSeconds * 2 * n / Math.Max(1, settings.TimerCallbacks)) + 3));
        var moment = TimeProvider.System.GetUtcNow() + lead;
        var created = await bench.CreateAsync("burst", callers, _ => moment, ct);
        var untilMoment = moment - TimeProvider.System.GetUtcNow();
        if (untilMoment > TimeSpan.Zero) await Task.Delay(untilMoment, ct);
        var cpu = _cpu.Now();
        var terminal = await bench.WaitForTerminalAsync("burst", created.Ids, TimeSpan.FromSeconds(120), ct);
        var cpuLine = _cpu.Since(cpu);
        var placements = await bench.ReadPlacementsAsync(created.Ids, ct);
        var placed = placements.Where(p => p.PlacedAt is not null).Select(p => (p.PlacedAt!.Value - moment).TotalMilliseconds).Order().ToList();
        var drain = placed.Count == n ? placed[^1] : double.NaN;
        Line($"burst time to drain: {(placed.Count == n ? Ms(drain) : $"not drained ({placed.Count}/{n} placed)")}");
        Line($"burst wake-ups per second: {(placed.Count == n ? N(n / (drain / 1000.0), "0") : "n/a")}");
        Line($"  {n} callbacks due at one moment (stored in {Ms(created.Took)}, {created.CreatedAfterDue} after the moment); " +
             $"agent call placed: first {Ms(placed.Count > 0 ? placed[0] : double.NaN)}, p50 {Ms(Percentiles.Of(placed, 0.5))} after the moment; " +
             $"{terminal}/{n} terminal; {placements.Count(p => p.WaitedForAgent)} waited for an agent; {held} agents still held before the burst;");
        Line($"  from the moment until all terminal: {cpuLine}");
    }

    // ---- 3. storage operations per callback ---------------------------------------------------------------------

    private async Task<double> StorageCostAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, CancellationToken ct)
    {
        var bench = new StorageCostBench(stack, storage);
        await storage.WaitForAgentsFreeAsync(TimeSpan.FromSeconds(30), ct);
        var before = await storage.WaitForTimerQueueEmptyAsync(TimeSpan.FromSeconds(30), ct);
        var idle = await bench.IdleRateAsync(TimeSpan.FromSeconds(5), ct);
        var cpu = _cpu.Now();
        var cost = await bench.MeasureAsync(callers, idle, ct);
        var cpuLine = _cpu.Since(cpu);
        Line($"storage ops per completed one-attempt callback: {N(cost.PerCallback, "0.0")}  (tables {N((double)cost.Tables / cost.Callbacks, "0.0")}, queues {N((double)cost.Queues / cost.Callbacks, "0.0")})");
        Line($"  counted by the app's StorageOperationCounter: {cost.Total} requests over K = {cost.Callbacks} callbacks, each from a simulated caller " +
             $"hanging up in the queue (missed-call webhook) to Completed ({cost.Found} made, {cost.Completed} Completed, {cost.OneAttempt} with one attempt and one offer);");
        Line($"  the count ran on until the timer queue was empty ({cost.QueueLeft} messages left; {before} before the start), no agent held ({cost.AgentsHeld}) " +
             $"and no call live, {N(cost.QuietAfterCompletion.TotalSeconds, "0.0")} s after the last completion: stale wake-ups (ring watchdogs) are in the count;");
        if (cost.FirstOdd is not null) Line($"  not a one-attempt completion: {cost.FirstOdd}");
        Line($"  window {N(cost.Window.TotalSeconds, "0.0")} s; it includes background requests the idle app makes anyway " +
             $"(queue polls, sweeper, agent list: {N(cost.IdleOpsPerSecond, "0.0")}/s when idle, at most ~{N(cost.IdleOpsPerSecond * cost.Window.TotalSeconds / cost.Callbacks, "0.0")} per callback here); {cpuLine}");
        return cost.PerCallback;
    }

    private async Task RawAzuriteAsync(LocalStack stack, double perCallback, CancellationToken ct)
    {
        var cpu = _cpu.Now();
        var raw = await StorageCostBench.MeasureRawAsync(stack.StorageConnectionString, "benchraw", settings.RawOperations, settings.RawConcurrency, ct);
        Line($"azurite raw single-entity ops/s: {N(raw.OpsPerSecond)}  (upserts {N(raw.UpsertsPerSecond)}/s, point reads {N(raw.ReadsPerSecond)}/s)");
        Line($"  {raw.Upserts} upserts then {raw.Reads} point reads of small entities, {raw.Concurrency} concurrent, Azure.Data.Tables, a table of our own, " +
             $"same Azurite, measured here after the phases above; {_cpu.Since(cpu)}");
        if (_freshRaw is { } fresh)
            Line($"  the same on the fresh Azurite, before the app's load: {N(fresh.OpsPerSecond)} ops/s (upserts {N(fresh.UpsertsPerSecond)}/s, point reads {N(fresh.ReadsPerSecond)}/s)");
        Line($"storage-bound callbacks/s: {N(raw.OpsPerSecond / perCallback, "0.0")}  (= {N(raw.OpsPerSecond)} raw ops/s / {N(perCallback, "0.0")} ops per callback)");
    }

    // ---- 4. webhooks ----------------------------------------------------------------------------------------------

    private async Task WebhooksAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, CancellationToken ct)
    {
        // The callbacks this load makes would be due 1 s later and dial agents in the middle of the measurement. Move
        // the first interval to 10 minutes (a setting the app reads live) so that this measures the webhook itself.
        var config = (IConfigurationRoot)stack.App.Configuration;
        config["Callbacks:Intervals"] = "00:10:00";
        config.Reload();
        var intervals = stack.Service<IOptionsMonitor<CallbackOptions>>().CurrentValue.Intervals;

        using var bench = new WebhookLoadBench(stack, storage);
        await bench.WarmUpAsync(callers.Take(20).ToList(), ct);
        var cpu = _cpu.Now();
        var latency = await bench.OfferAsync("bench", settings.LatencyRate, settings.LatencyDuration, callers, settings.SettleLimit, ct);
        var cpuLine = _cpu.Since(cpu);
        Line($"webhook p50: {Ms(latency.P50)}");
        Line($"webhook p99: {Ms(latency.P99)}  (target < 50 ms: {(latency.P99 < 50 && latency.Passed ? "target met" : "target missed")})");
        Line($"  {latency.Sent} signed POSTs /api/twilio/missed-call?queue=bench (QueueResult=hangup, distinct callers and CallSids), open-loop at " +
             $"{latency.Rate}/s for {N(settings.LatencyDuration.TotalSeconds)} s; latency from each request's scheduled moment to the end of its answer;");
        Line($"  max {Ms(latency.Max)}, errors {latency.Errors}, callbacks made {latency.Callbacks}/{latency.Sent}, sender lag max {Ms(latency.MaxSendLagMs)}; " +
             $"first interval during this load: {intervals} (production default 1 min); {cpuLine}");

        var steps = new List<WebhookLoadBench.Step> { latency };
        if (latency.Passed)
        {
            foreach (var rate in settings.StepRates)
            {
                if (_run.Elapsed > settings.StepCutoff) { Line($"  step {rate}/s skipped: the run is near its time limit"); break; }
                var step = await bench.OfferAsync($"step{rate}", rate, settings.StepDuration, callers, settings.SettleLimit, ct);
                steps.Add(step);
                if (!step.Passed) break;
            }
        }
        var best = steps.Where(s => s.Passed).Select(s => s.Rate).DefaultIfEmpty(0).Max();
        Line($"webhook highest sustained rate with nothing lost: {(best == 0 ? "none passed" : $"{best} req/s")}");
        foreach (var s in steps)
        {
            var verdict = s.Passed ? "passed" : "FAILED: " + string.Join(", ", new[]
            {
                s.Errors > 0 ? $"{s.Errors} errors (first: {s.FirstError})" : null,
                s.OverBudget > 0 ? $"{s.OverBudget} over 15 s" : null,
                s.Missing > 0 ? $"{s.Missing} callbacks missing {N(s.Settle.TotalSeconds)} s after the last answer" : null,
            }.Where(x => x is not null));
            Line($"  step {s.Rate}/s x {N(s.Sent / (double)s.Rate, "0")} s: {s.Sent} sent, p50 {Ms(s.P50)}, p99 {Ms(s.P99)}, max {Ms(s.Max)}, " +
                 $"answered at {N(s.AnsweredRate)}/s, callbacks {s.Callbacks}/{s.Sent} ({N(s.Settle.TotalSeconds, "0.0")} s after the last answer), sender lag max {Ms(s.MaxSendLagMs)}: {verdict}");
        }
    }

    private static async Task<int> PoisonCountAsync(LocalStack stack, CancellationToken ct) =>
        (await stack.Service<Storage.StorageAccount>().PoisonQueue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;

    private void Line(string text)
    {
        output.WriteLine(text);
        output.Flush();
    }
}
