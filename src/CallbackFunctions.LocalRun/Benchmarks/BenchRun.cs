using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;
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
/// indented lines say how it was measured and what else happened meanwhile (CPU, the app's warnings and errors).
/// </summary>
public sealed class BenchRun(BenchSettings settings, TextWriter output)
{
    private const string AgentQueues = "timer, burst, ops";
    private readonly Stopwatch _run = Stopwatch.StartNew();
    private readonly CpuMeter _cpu = new();
    private readonly AppLogCapture _logs = new();
    private CpuMeter.Sample _start = null!;
    private TimeSpan _timerCreation;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        _start = _cpu.Now();
        Line("# CallbackFunctions benchmark" + (settings.Quick ? " (--quick: reduced sizes, a smoke run, not figures)" : ""));
        foreach (var line in MachineInfo.Describe()) Line(line);
        Line($"date: {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC; load average (1 min) at start: {CpuMeter.LoadAverage()}");
        Line($"command: ./run.sh bench{string.Concat(Environment.GetCommandLineArgs().Skip(2).Select(a => " " + a))}" +
             $"  (process: dotnet {string.Join(' ', Environment.GetCommandLineArgs())})");

        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            Prefix = "bench",
            Intervals = "00:00:01",
            Expiry = TimeSpan.FromMinutes(10),
            CallsPerSecond = 0,
            // Warnings and errors go to the capture below, counted per phase, not to the console one stack trace at a time.
            MinimumLogLevel = LogLevel.Warning,
            ExtraSettings = new Dictionary<string, string?> { ["Logging:Console:LogLevel:Default"] = "None", ["Callbacks:LineLimit"] = BenchLines.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, ct: ct);
        stack.Service<ILoggerFactory>().AddProvider(_logs);
        var storage = new BenchStorage(stack);

        var cpu = _cpu.Now();
        var fresh = await StorageCostBench.MeasureRawAsync(stack.StorageConnectionString, "benchrawfresh", settings.RawOperations, settings.RawConcurrency, ct);
        var freshCpu = _cpu.Since(cpu);

        var numbers = stack.Service<PhoneNumberNormalizer>();
        var dialled = settings.TimerCallbacks + settings.BurstCallbacks + settings.StorageCostCallbacks;
        var maxStep = settings.StepRates.Count == 0 ? 0 : settings.StepRates.Max();
        var callers = NumberPool.Callers(numbers, Math.Max(dialled,
            Math.Max((int)(settings.LatencyRate * settings.LatencyDuration.TotalSeconds), (int)(maxStep * settings.StepDuration.TotalSeconds))));
        var agentNumbers = NumberPool.Agents(numbers, settings.Agents);

        // People: agents answer at once and press 1; customers answer at once and talk 0.2 s.
        foreach (var agent in agentNumbers)
            stack.Simulator.SetPerson(agent, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0, Digits = "1", TalkSeconds = 0.2 }));
        foreach (var caller in callers.Take(dialled))
            stack.Simulator.SetPerson(caller, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0, TalkSeconds = 0.2 }));
        var account = await SetLinesAsync(stack, ct);
        var agentClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Agents), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (i, _) => await stack.PutAgentAsync($"agent{i:D4}", $"Agent {i}", agentNumbers[i], "timer", "burst", StorageCostBench.Queue));
        Line($"setup: {settings.Agents} simulated agents (answer after 0 s and press 1; each serves the queues {AgentQueues}); customers answer at once and talk 0.2 s;");
        Line($"  one LocalStack: Azurite in memory, Twilio simulator with unbounded call rate, the app in-process; app settings: first interval 1 s, " +
             $"expiry 10 min, {Hosting(stack)}; {settings.Agents} agents created through the API in {Ms(agentClock.Elapsed)}");
        Line($"  account lines and pacing: {account}");
        AppLog();

        if (settings.Runs("timer")) await PhaseAsync("timer lateness", () => TimerAsync(stack, storage, callers.Take(settings.TimerCallbacks).ToList(), ct), ct);
        if (settings.Runs("burst")) await PhaseAsync("burst", () => BurstAsync(stack, storage, callers.Skip(settings.TimerCallbacks).Take(settings.BurstCallbacks).ToList(), ct), ct);
        var perCallback = double.NaN;
        if (settings.Runs("ops")) await PhaseAsync("storage ops per callback", async () => perCallback = await StorageCostAsync(stack, storage,
            callers.Skip(settings.TimerCallbacks + settings.BurstCallbacks).Take(settings.StorageCostCallbacks).ToList(), ct), ct);
        if (settings.Runs("ops")) await PhaseAsync("azurite raw", () => RawAzuriteAsync(stack, perCallback, fresh, freshCpu, ct), ct);
        if (settings.Runs("webhook")) await PhaseAsync("webhook", () => WebhooksAsync(stack, storage, callers, ct), ct);

        var poison = -1;
        try { poison = await PoisonCountAsync(stack, ct); }
        catch (Exception e) when (BenchStorage.IsStorageTrouble(e, ct)) { }
        var simErrors = stack.Simulator.Errors;
        Line($"simulator errors over the run (strictness violations, failed webhooks): {simErrors.Count}" +
             (simErrors.Count > 0 ? $"; by code: {string.Join(", ", simErrors.GroupBy(e => e.Code).Select(g => $"{g.Key} x{g.Count()}"))}; first: {simErrors[0].Message}" : ""));
        Line($"poison wake-ups: {poison}");
        Line($"run time: {N(_run.Elapsed.TotalSeconds, "0")} s; load average (1 min) at the end: {CpuMeter.LoadAverage()}; whole run {_cpu.Since(_start)}");
        return 0;
    }

    // ---- 1. timer lateness ----------------------------------------------------------------------------------------

    private async Task TimerAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, CancellationToken ct)
    {
        var bench = new DueCallbacksBench(stack, storage);
        var n = callers.Count;
        var cpu = _cpu.Now();
        using var requests = Requests(stack);
        using var stalls = new StallMeter(stack.Azurite?.TablePort ?? -1, stack.Azurite?.QueuePort ?? -1);
        var meterStart = TimeProvider.System.GetUtcNow();
        var first = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(10);
        var step = settings.TimerSpread / n;
        var created = await bench.CreateAsync("timer", callers, i => first + step * i, ct);
        _timerCreation = created.Took;
        var last = first + step * (n - 1);
        var terminal = await bench.WaitForTerminalAsync("timer", created.Ids, callers, last - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(40), ct);
        var cpuLine = _cpu.Since(cpu);
        var requestLine = requests.Summary();
        var stallLine = stalls.Summary(0);
        var stallList = stalls.Stalls(0, 200).ToList();
        var placements = await bench.ReadPlacementsAsync(created, ct);
        var lateness = placements.Where(p => p.LatenessMs is not null).Select(p => p.LatenessMs!.Value).Order().ToList();
        var firstWake = placements.Where(p => p.FirstWakeMs is not null).Select(p => p.FirstWakeMs!.Value).Order().ToList();
        var p99 = Percentiles.Of(lateness, 0.99);
        var met = lateness.Count == n && p99 < 1000;
        Line($"timer lateness p50: {Ms(Percentiles.Of(lateness, 0.50))}");
        Line($"timer lateness p99: {Ms(p99)}  target < 1 s: {(met ? "target met" : "target missed")}");
        Line($"timer lateness max: {Ms(lateness.Count == 0 ? double.NaN : lateness[^1])}");
        Line($"  {n} IVR-style callbacks (MissedCallService, FirstDelay) made up front in {Ms(created.Took)}, {created.CreatedAfterDue} of them after their due moment; " +
             $"due one every {Ms(step)} over {N(settings.TimerSpread.TotalSeconds)} s; lateness = \"{DueCallbacksBench.AgentCallPlaced}\" timeline event - due moment");
        if (lateness.Count < n) Line($"  NOTE: {n - lateness.Count} of {n} never had their agent call placed within the wait (due + 40 s); p50/p99/max above are of those placed only");
        Line($"  agent call placed for {lateness.Count}/{n} (earliest {Ms(lateness.Count == 0 ? double.NaN : lateness[0])} after due); {terminal}/{n} terminal, " +
             $"{placements.Count(p => p.Status == CallbackStatus.Completed)} Completed; {placements.Count(p => p.WaitedForAgent)} waited for an agent, {placements.Count(p => p.WaitedForLine)} for a line; " +
             $"offer to agent call placed (Twilio create + save) p50 {Ms(Percentiles.Of(Dials(placements), 0.5))}, p99 {Ms(Percentiles.Of(Dials(placements), 0.99))}");
        Line($"  the timer alone (due moment -> first timeline event of the wake-up, whatever it decided): p50 {Ms(Percentiles.Of(firstWake, 0.5))}, " +
             $"p99 {Ms(Percentiles.Of(firstWake, 0.99))}, max {Ms(firstWake.Count == 0 ? double.NaN : firstWake[^1])} ({firstWake.Count} woken){Unread(bench)}");
        Line($"  meanwhile: {cpuLine}; app storage requests: {requestLine}");
        Line($"  {stallLine}");
        if (settings.Detail)
        {
            foreach (var s in stallList.Take(40)) Line("    " + s);
            var slow = requests.Slow;
            foreach (var g in slow.GroupBy(r => (int)((r.Start - meterStart).TotalSeconds)).Take(30))
                Line($"    slow requests starting at +{g.Key} s: " + string.Join(", ", g.GroupBy(r => (r.Kind, r.Outcome)).Select(k => $"{k.Key.Kind} {k.Key.Outcome} x{k.Count()} (max {Ms(k.Max(r => r.Ms))})")));
            foreach (var p in placements.Where(p => p.LatenessMs is not null).OrderByDescending(p => p.LatenessMs).Take(15))
                Line($"    late {Ms(p.LatenessMs!.Value)}: due +{N((p.DueAt - meterStart).TotalSeconds, "0.00")} s, first wake +{N(((p.FirstWakeAt ?? p.DueAt) - meterStart).TotalSeconds, "0.00")} s, offered +{N(((p.OfferedAt ?? p.DueAt) - meterStart).TotalSeconds, "0.00")} s");
        }
        var byDue = placements.Where(p => p.LatenessMs is not null).OrderBy(p => p.DueAt).ToList();
        if (byDue.Count >= 10)
        {
            var tenth = byDue.Count / 10;
            Line("  lateness p50 per tenth of the spread, earliest due first: " + string.Join(", ", Enumerable.Range(0, 10).Select(k =>
                Ms(Percentiles.Of(byDue.Skip(k * tenth).Take(tenth).Select(p => p.LatenessMs!.Value).Order().ToList(), 0.5)))));
        }
        AppLog();
        await CleanUpAsync(bench, storage, "timer", terminal < n, ct);
    }

    // ---- 2. burst -------------------------------------------------------------------------------------------------

    private async Task BurstAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, CancellationToken ct)
    {
        var held = await storage.WaitForAgentsFreeAsync(TimeSpan.FromSeconds(30), ct);
        var bench = new DueCallbacksBench(stack, storage);
        var n = callers.Count;
        // Far enough ahead that every callback is stored before the moment: twice the timer phase's creation rate, + 3 s.
        var lead = TimeSpan.FromSeconds(Math.Max(8, Math.Ceiling(_timerCreation.TotalSeconds * 2 * n / Math.Max(1, settings.TimerCallbacks)) + 3));
        var moment = TimeProvider.System.GetUtcNow() + lead;
        var created = await bench.CreateAsync("burst", callers, _ => moment, ct);
        var untilMoment = moment - TimeProvider.System.GetUtcNow();
        if (untilMoment > TimeSpan.Zero) await Task.Delay(untilMoment, ct);
        var cpu = _cpu.Now();
        using var requests = Requests(stack);
        var terminal = await bench.WaitForTerminalAsync("burst", created.Ids, callers, TimeSpan.FromSeconds(100), ct);
        var cpuLine = _cpu.Since(cpu);
        var requestLine = requests.Summary();
        var placements = await bench.ReadPlacementsAsync(created, ct);
        var placed = placements.Where(p => p.PlacedAt is not null).Select(p => (p.PlacedAt!.Value - moment).TotalMilliseconds).Order().ToList();
        var drained = placed.Count == n;
        var drain = drained ? placed[^1] : double.NaN;
        Line($"burst time to drain: {(drained ? Ms(drain) : $"not drained ({placed.Count}/{n} agent calls placed)")}");
        Line($"burst wake-ups per second: {(drained ? N(n / (drain / 1000.0)) : "n/a")}");
        Line($"  {n} callbacks due at one moment, made {N(lead.TotalSeconds)} s ahead in {Ms(created.Took)} ({created.CreatedAfterDue} after the moment); " +
             $"drain = last \"{DueCallbacksBench.AgentCallPlaced}\" - the moment; wake-ups/s = {n} / drain");
        Line($"  agent call placed: first {Ms(placed.Count > 0 ? placed[0] : double.NaN)}, p50 {Ms(Percentiles.Of(placed, 0.5))} after the moment; " +
             $"{terminal}/{n} terminal, {placements.Count(p => p.Status == CallbackStatus.Completed)} Completed; {placements.Count(p => p.WaitedForAgent)} waited for an agent, {placements.Count(p => p.WaitedForLine)} for a line; " +
             $"{held} agents still held from the timer phase; offer to agent call placed p50 {Ms(Percentiles.Of(Dials(placements), 0.5))}, " +
             $"p99 {Ms(Percentiles.Of(Dials(placements), 0.99))}");
        var firstWake = placements.Where(p => p.FirstWakeMs is not null).Select(p => p.FirstWakeMs!.Value).Order().ToList();
        Line($"  the timer alone (the moment -> first timeline event of each wake-up): p50 {Ms(Percentiles.Of(firstWake, 0.5))}, " +
             $"last {Ms(firstWake.Count == 0 ? double.NaN : firstWake[^1])} ({firstWake.Count} woken){Unread(bench)}");
        Line($"  from the moment until all terminal (or 100 s): {cpuLine}; app storage requests: {requestLine}");
        AppLog();
        await CleanUpAsync(bench, storage, "burst", terminal < n, ct);
    }

    // ---- 3. storage operations per callback ---------------------------------------------------------------------

    private async Task<double> StorageCostAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, CancellationToken ct)
    {
        var bench = new StorageCostBench(stack, storage);
        await storage.WaitForAgentsFreeAsync(TimeSpan.FromSeconds(15), ct);
        var linesHeld = await storage.WaitForLinesFreeAsync(TimeSpan.FromSeconds(15), ct);
        var before = await storage.WaitForOrchestrationsDoneAsync(TimeSpan.FromSeconds(20), ct);
        var idle = await bench.IdleRateAsync(TimeSpan.FromSeconds(5), ct);
        AppLog(quietIfNone: true);
        var cpu = _cpu.Now();
        var cost = await bench.MeasureAsync(callers, idle, ct);
        var cpuLine = _cpu.Since(cpu);
        Line($"storage ops per completed one-attempt callback: {N(cost.PerCallback, "0.0")}  " +
             $"(tables {N((double)cost.Tables / cost.Callbacks, "0.0")}, queues {N((double)cost.Queues / cost.Callbacks, "0.0")})");
        Line($"  counted, not estimated: the app's StorageOperationCounter moved by {cost.Total} requests over K = {cost.Callbacks} callbacks, each driven from a " +
             $"missed-call webhook (a simulated caller hangs up in the queue) to Completed, 5 calls a second ({linesHeld} of 15 lines still held from before at the start): {cost.Found} made, {cost.Completed} Completed, {cost.OneAttempt} in one attempt and one offer, " +
             $"{cost.Waited} waited for an agent, a line or the number");
        Line($"  stale wake-ups (the ring watchdogs of each leg) were left to drain before the counter was read: it ran on until the timer queue was empty " +
             $"({cost.QueueLeft} messages left, {before} before the start), no call was live and no more agents were held than before ({cost.AgentsHeld} vs {cost.AgentsHeldBefore}), " +
             $"{N(cost.QuietAfterCompletion.TotalSeconds, "0.0")} s after the last completion");
        Line($"  window {N(cost.Window.TotalSeconds, "0.0")} s; it includes what the idle app does anyway (queue polls, sweeper, agent list: " +
             $"{N(cost.IdleOpsPerSecond, "0.0")} requests/s measured idle just before, at most {N(cost.IdleOpsPerSecond * cost.Window.TotalSeconds / cost.Callbacks, "0.0")} per callback here); {cpuLine}");
        if (cost.FirstOdd is not null) Line($"  not a one-attempt completion: {cost.FirstOdd}");
        if (cost.BreakdownTotal > 0)
            Line($"  per callback by request (HttpClient activities to Azurite in the same window, {cost.BreakdownTotal} seen): " +
                 string.Join(", ", cost.Breakdown.Select(k => $"{k.Kind} {N((double)k.Count / cost.Callbacks, "0.00")}")));
        AppLog();
        return cost.PerCallback;
    }

    private async Task RawAzuriteAsync(LocalStack stack, double perCallback, StorageCostBench.Raw fresh, string freshCpu, CancellationToken ct)
    {
        var cpu = _cpu.Now();
        var raw = await StorageCostBench.MeasureRawAsync(stack.StorageConnectionString, "benchraw", settings.RawOperations, settings.RawConcurrency, ct);
        Line($"azurite raw single-entity ops/s: {N(raw.OpsPerSecond)}  (upserts {N(raw.UpsertsPerSecond)}/s, point reads {N(raw.ReadsPerSecond)}/s)");
        Line($"  {raw.Upserts} upserts then {raw.Reads} point reads of small entities, {raw.Concurrency} concurrent, Azure.Data.Tables, a table of our own in the same " +
             $"Azurite, measured right after the count above (500 + 500 warm-up operations first); {_cpu.Since(cpu)}");
        Line($"  the same on the fresh Azurite before any load: {N(fresh.OpsPerSecond)} ops/s (upserts {N(fresh.UpsertsPerSecond)}/s, " +
             $"point reads {N(fresh.ReadsPerSecond)}/s); {freshCpu}");
        Line($"storage-bound callbacks/s: {N(raw.OpsPerSecond / perCallback, "0.0")}  (= {N(raw.OpsPerSecond)} raw ops/s / {N(perCallback, "0.0")} ops per callback)");
        AppLog(quietIfNone: true);
    }

    // ---- 4. webhooks ----------------------------------------------------------------------------------------------

    private async Task WebhooksAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, CancellationToken ct)
    {
        // The callbacks this load makes would be due 1 s later and ring agents in the middle of the measurement. Move the
        // first interval to 10 minutes (a setting the app reads live; production's default is 1 minute) so that this
        // measures the webhook and the work it does itself.
        var config = (IConfigurationRoot)stack.App.Configuration;
        config["Callbacks:Intervals"] = "00:10:00";
        config.Reload();
        var intervals = stack.Service<IOptionsMonitor<CallbackOptions>>().CurrentValue.Intervals;

        using var bench = new WebhookLoadBench(stack, storage);
        await bench.WarmUpAsync(callers.Take(20).ToList(), ct);
        _logs.TakePeriod();
        var cpu = _cpu.Now();
        WebhookLoadBench.Step latency;
        string cpuLine;
        using (var requests = Requests(stack))
        {
            latency = await bench.OfferAsync("bench", settings.LatencyRate, settings.LatencyDuration, callers, settings.SettleLimit, ct);
            cpuLine = $"{_cpu.Since(cpu)}; app storage requests: {requests.Summary()}";
        }
        var spooled = new Dictionary<int, int> { [latency.Rate] = _logs.CountOf(2002) + _logs.CountOf(2006) };
        var latencyLog = _logs.TakePeriod();
        Line($"webhook p50: {Ms(latency.P50)}");
        Line($"webhook p99: {Ms(latency.P99)}  target < 50 ms: {(latency.P99 < 50 && latency.Passed ? "target met" : "target missed")}");
        Line($"  {latency.Sent} signed POSTs to /api/twilio/missed-call?queue=bench (QueueResult=hangup, distinct callers and CallSids), open-loop at " +
             $"{latency.Rate}/s for {N(settings.LatencyDuration.TotalSeconds)} s, after 20 warm-up requests; latency = scheduled send moment to the end of the answer");
        Line($"  max {Ms(latency.Max)}, errors {latency.Errors}, callbacks made {latency.Callbacks}/{latency.Sent}, spooled {spooled[latency.Rate]}, " +
             $"sender behind schedule by at most {Ms(latency.MaxSendLagMs)}; first interval during this load: {intervals}; {cpuLine}");
        PrintLog(latencyLog, quietIfNone: false);

        var steps = new List<WebhookLoadBench.Step> { latency };
        var stepLogs = new Dictionary<int, IReadOnlyList<(string Kind, int Count, string Example)>>();
        var stepNotes = new Dictionary<int, string>();
        if (latency.Passed)
        {
            foreach (var rate in settings.StepRates)
            {
                if (_run.Elapsed > settings.StepCutoff) { Line($"  step {rate}/s not run: the benchmark is near its time limit"); break; }
                var stepCpu = _cpu.Now();
                WebhookLoadBench.Step step;
                using (var requests = Requests(stack))
                {
                    step = await bench.OfferAsync($"step{rate}", rate, settings.StepDuration, callers, settings.SettleLimit, ct);
                    stepNotes[rate] = $"{_cpu.Since(stepCpu)}; app storage requests: {requests.Summary()}";
                }
                spooled[rate] = _logs.CountOf(2002) + _logs.CountOf(2006);
                if (spooled[rate] > 0) stepNotes[rate] += $"; {stack.Service<MissedCalls.WebhookSpool>().Count} spooled webhooks still waiting at the end of the step";
                stepLogs[rate] = _logs.TakePeriod();
                steps.Add(step);
                if (!step.Passed) break;
            }
        }
        var passed = steps.Where(s => s.Passed).ToList();
        var best = passed.Select(s => s.Rate).DefaultIfEmpty(0).Max();
        var keptUp = passed.Where(s => s.AnsweredRate >= 0.95 * s.Rate && s.P99 < 1000).Select(s => s.Rate).DefaultIfEmpty(0).Max();
        Line($"webhook highest sustained rate with nothing lost: {(best == 0 ? "none" : $"{best} req/s")}");
        Line($"  steps of {N(settings.StepDuration.TotalSeconds)} s (the first is the 100/s run above), open-loop; a step fails on any error, any answer over " +
             $"Twilio's 15 s, or any request without its callback {N(settings.SettleLimit.TotalSeconds)} s after the last answer (looked up by id in the callbacks table)");
        foreach (var s in steps)
        {
            var problems = new[]
            {
                s.Errors > 0 ? $"{s.Errors} errors (first: {s.FirstError})" : null,
                s.OverBudget > 0 ? $"{s.OverBudget} answers over 15 s" : null,
                s.Missing > 0 ? $"{s.Missing} callbacks missing" : null,
            }.Where(x => x is not null);
            Line($"  {s.Rate}/s: {s.Sent} sent, p50 {Ms(s.P50)}, p99 {Ms(s.P99)}, max {Ms(s.Max)}, answered {N(s.AnsweredRate)}/s, spooled {spooled.GetValueOrDefault(s.Rate)}, " +
                 $"callbacks {s.Callbacks}/{s.Sent}, sender lag max {Ms(s.MaxSendLagMs)}: {(s.Passed ? "passed" : "FAILED: " + string.Join(", ", problems))}");
            if (stepNotes.TryGetValue(s.Rate, out var note)) Line($"    {note}");
            if (stepLogs.TryGetValue(s.Rate, out var log)) PrintLog(log, quietIfNone: true, indent: "    ");
        }
        if (keptUp != best)
            Line($"  highest step the app also kept up with (answered >= 95% of the offered rate, p99 < 1 s): {(keptUp == 0 ? "none" : $"{keptUp} req/s")}; " +
                 "above it, requests queued inside the app" + (spooled.Values.Sum() > 0 ? "; those beyond Spool:MaxInFlight at work at once (or past the 8 s storage budget) were answered from the local spool and replayed" : ""));
    }

    /// <summary>
    /// The account's line limit and carrier pacing (seed 001: at most 15 lines; Twilio's CPS, 1 by default) are product
    /// limits, not timer costs: with 15 lines held about a second each, 1,000 callbacks a minute (16.7/s) would queue
    /// for lines by design. The bench raises the bound (Callbacks:LineLimit) and sets both to what the load needs.
    /// </summary>
    private static async Task<string> SetLinesAsync(LocalStack stack, CancellationToken ct)
    {
        using var response = await stack.Api.PutAsync("/api/account/lines",
            new StringContent($"{{\"maxLines\":{BenchLines},\"callsPerSecond\":100}}", System.Text.Encoding.UTF8, "application/json"), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) return $"PUT /api/account/lines answered {(int)response.StatusCode}: {body[..Math.Min(200, body.Length)]} (app defaults kept)";
        using var json = System.Text.Json.JsonDocument.Parse(body);
        var root = json.RootElement;
        return $"PUT /api/account/lines -> maxLines {root.GetProperty("maxLines")}, callsPerSecond {root.GetProperty("callsPerSecond")} " +
               $"(bound raised with Callbacks:LineLimit={BenchLines}: the product's 15-line cap is not what the timer figures measure; a line is held from the offer until the agent's call ends)";
    }

    /// <summary>A phase that breaks (e.g. storage overloaded past every retry) is reported and the run goes on.</summary>
    private const int BenchLines = 1000;

    private async Task PhaseAsync(string name, Func<Task> phase, CancellationToken ct)
    {
        try
        {
            await phase();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var root = e;
            while (root.InnerException is not null) root = root.InnerException;
            Line($"{name}: could not complete: {e.GetType().Name}: {e.Message.Split('\n')[0]}" + (root != e ? $" <- {root.GetType().Name}: {root.Message.Split('\n')[0]}" : ""));
            AppLog(quietIfNone: true);
        }
    }

    private static string Unread(DueCallbacksBench bench) => bench.Unread == 0 ? "" : $"; {bench.Unread} callbacks could not be read back (storage kept failing)";

    /// <summary>Callbacks a phase left live would keep loading storage: cancel them through the API before the next phase.</summary>
    private async Task CleanUpAsync(DueCallbacksBench bench, BenchStorage storage, string queue, bool needed, CancellationToken ct)
    {
        if (!needed) return;
        var clock = Stopwatch.StartNew();
        var cancelled = await bench.CancelLeftoversAsync(queue, storage, TimeSpan.FromSeconds(30), ct);
        Line($"  {cancelled} callbacks of this phase still live at its time limit were cancelled through the API (POST /api/callbacks/{{id}}/cancel) in {Ms(clock.Elapsed)}, so the next phase starts clean");
        _logs.TakePeriod();
    }

    private static string Hosting(LocalStack stack)
    {
        var o = stack.DurableOptions!;
        return $"Durable on Azurite: {o.PartitionCount} partition(s), queue polling cap {Ms(o.MaxQueuePollingInterval)}, " +
               $"{o.MaxConcurrentOrchestrations} orchestrations and {o.MaxConcurrentActivities} activities at once";
    }

    private static StorageRequestLog Requests(LocalStack stack) => new(stack.Azurite?.TablePort ?? -1, stack.Azurite?.QueuePort ?? -1);

    private static List<double> Dials(IEnumerable<DueCallbacksBench.Placement> placements) =>
        [.. placements.Where(p => p.DialMs is not null).Select(p => p.DialMs!.Value).Order()];

    private static async Task<int> PoisonCountAsync(LocalStack stack, CancellationToken ct)
    {
        var query = new Microsoft.DurableTask.Client.OrchestrationQuery { Statuses = [Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Failed] };
        var count = 0;
        await foreach (var _ in stack.Service<Microsoft.DurableTask.Client.DurableTaskClient>().GetAllInstancesAsync(query).WithCancellation(ct)) count++;
        return count;
    }

    /// <summary>The app's warnings and errors since the last call, one line per kind.</summary>
    private void AppLog(bool quietIfNone = false) => PrintLog(_logs.TakePeriod(), quietIfNone);

    private void PrintLog(IReadOnlyList<(string Kind, int Count, string Example)> log, bool quietIfNone, string indent = "  ")
    {
        if (log.Count == 0)
        {
            if (!quietIfNone) Line($"{indent}app warnings/errors meanwhile: none");
            return;
        }
        Line($"{indent}app warnings/errors meanwhile: {log.Sum(e => e.Count)}");
        foreach (var (kind, count, example) in log.Take(6)) Line($"{indent}  {count} x {kind}: {example}");
        if (log.Count > 6) Line($"{indent}  ... and {log.Count - 6} other kinds ({log.Skip(6).Sum(e => e.Count)} entries)");
    }

    private void Line(string text)
    {
        output.WriteLine(text);
        output.Flush();
    }
}
