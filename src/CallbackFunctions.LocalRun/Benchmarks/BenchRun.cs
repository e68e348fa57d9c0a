using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.TwilioSimulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static CallbackFunctions.LocalRun.Benchmarks.BenchSettings;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// <c>./run.sh bench</c>: a fresh local stack (Azurite in memory as three processes, the Twilio simulator with no call-rate
/// limit, the app in-process with its Durable backend and sidecar) for each phase, then the figures in order: timer
/// lateness at two stress loads, a burst, agent freed to agent call, storage requests per callback beside Durable's floor
/// and Azurite's raw rate, missed-call webhook latency and the highest sustained webhook rate with nothing lost; then the
/// realistic loads (BenchRun.Loads.cs): steady, busy, the steady load with 4 partitions, and two app instances. Each
/// figure is one line (<c>name (load): value</c>, with its target where it has one, and the home-made engine's figure
/// beside the older ones); indented lines say how it was measured and what else happened meanwhile (CPU, storage
/// requests, stalls, Azurite's queue freezes, the app's warnings and errors). Stress loads have no target.
/// </summary>
public sealed partial class BenchRun(BenchSettings settings, TextWriter output)
{
    /// <summary>The line bound the benchmark raises the account to (see <see cref="SetLinesAsync"/>).</summary>
    private const int BenchLines = 1000;

    /// <summary>The watchdog's "released a hold of an offer that no longer dials" (CallbackLog.StaleHoldReleased).</summary>
    private const int StaleHoldReleased = 1012;

    private readonly Stopwatch _run = Stopwatch.StartNew();
    private readonly CpuMeter _cpu = new();
    private readonly AppLogCapture _logs = new();
    private CpuMeter.Sample _start = null!;
    /// <summary>Callbacks made per second by the last phase that made them up front; sets how far ahead the next phase makes its own.</summary>
    private double _creationRate = double.NaN;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        _start = _cpu.Now();
        if (settings.UnknownPhases.Count > 0)
        {
            Line($"bench: --only names unknown phase(s) {string.Join(", ", settings.UnknownPhases)}; the phases are {string.Join(", ", BenchSettings.Phases)} " +
                 $"({string.Join(", ", BenchSettings.Aliases.Select(a => $"{a.Key} runs {a.Value}"))})");
            return 2;
        }
        Line("# CallbackFunctions benchmark" + (settings.Quick ? " (--quick: reduced sizes, a smoke run, not figures)" : ""));
        foreach (var line in MachineInfo.Describe()) Line(line);
        Line($"date: {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC; load average (1 min) at start: {CpuMeter.LoadAverage()}");
        Line($"command: ./run.sh bench{string.Concat(Environment.GetCommandLineArgs().Skip(2).Select(a => " " + a))}" +
             $"  (process: dotnet {string.Join(' ', Environment.GetCommandLineArgs())})");
        Line("setup: each phase on a fresh LocalStack (Azurite in memory: blob, queue and table services as three node processes; the Twilio simulator with " +
             "unbounded call rate; the app in-process with its Durable backend and sidecar), stopped after the phase, so that work a phase leaves behind " +
             "(callbacks not yet final, Durable's backlog, timers still to fire) is not measured in the next;");
        Line($"  app settings: first interval 1 s, expiry 10 min, line bound {BenchLines} (Callbacks:LineLimit); simulated agents answer at once and press 1, each " +
             "serving its phase's queue only; customers answer at once and talk 0.2 s");
        _logs.Watch(StaleHoldReleased);

        if (settings.Runs("timer200"))
            await PhaseAsync("timer200", settings.LightTimerCallbacks, settings.LightTimerCallbacks,
                (stack, storage, callers, note) => TimerAsync(stack, storage, "timer200", callers, light: true, note, ct), ct);
        if (settings.Runs("timer1000"))
            await PhaseAsync("timer1000", settings.HeavyTimerCallbacks, settings.HeavyTimerCallbacks,
                (stack, storage, callers, note) => TimerAsync(stack, storage, "timer1000", callers, light: false, note, ct), ct);
        if (settings.Runs("burst"))
            await PhaseAsync("burst", settings.BurstCallbacks, settings.BurstCallbacks,
                (stack, storage, callers, note) => BurstAsync(stack, storage, callers, note, ct), ct);
        if (settings.Runs("freed"))
            // Its agents are its own (made unavailable first), so the stack starts with none.
            await PhaseAsync(FreedAgentBench.Queue, settings.FreedSamples + settings.FreedExtraWaiting, agents: 0,
                (stack, storage, callers, note) => FreedAsync(stack, storage, AgentNumbers.Take(settings.FreedSamples).ToList(), callers, note, ct), ct);
        if (settings.Runs("ops"))
            // The floor's orchestration and activity are registered on this phase's worker only (FloorBench).
            await PhaseAsync(StorageCostBench.Queue, settings.StorageCostCallbacks, settings.StorageCostCallbacks,
                (stack, storage, callers, note) => StorageCostAsync(stack, storage, callers, note, ct), ct, o => o with { ExtraTasks = FloorBench.Register });
        if (settings.Runs("webhook"))
            await PhaseAsync("webhook", WebhookCallers, agents: 0, (stack, storage, callers, note) => WebhooksAsync(stack, storage, callers, note, ct), ct);
        await LoadPhasesAsync(ct);
        Line($"run time: {N(_run.Elapsed.TotalSeconds, "0")} s; load average (1 min) at the end: {CpuMeter.LoadAverage()}; whole run {_cpu.SinceWithoutChildren(_start)}");
        return 0;
    }

    private delegate Task Phase(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, string note);

    /// <summary>Valid caller numbers (the first stack's normalizer checks them) and agent numbers, shared by every phase's stack.</summary>
    private IReadOnlyList<string> CallerNumbers { get; set; } = [];
    private IReadOnlyList<string> AgentNumbers { get; set; } = [];
    private bool _described;
    /// <summary>The current phase's agents: phone number to agent id.</summary>
    private Dictionary<string, string> _agentIds = new(StringComparer.Ordinal);

    /// <summary>Distinct callers the largest webhook step needs (every request its own caller and CallSid).</summary>
    private int WebhookCallers => Math.Max((int)(settings.LatencyRate * settings.LatencyDuration.TotalSeconds),
        (int)(settings.StepRates.DefaultIfEmpty(0).Max() * settings.StepDuration.TotalSeconds));

    /// <summary>
    /// Runs one phase on a fresh stack: <paramref name="agents"/> agents serving the phase's queue, created through the
    /// API, and <paramref name="callerCount"/> customers, scripted; then what the simulator saw go wrong. A phase that
    /// breaks (e.g. storage overloaded past every retry) is reported and the run goes on.
    /// </summary>
    private async Task PhaseAsync(string queue, int callerCount, int agents, Phase phase, CancellationToken ct,
        Func<LocalStackOptions, LocalStackOptions>? configure = null)
    {
        LocalStack? stack = null;
        var phaseClock = Stopwatch.StartNew();
        try
        {
            var clock = Stopwatch.StartNew();
            var options = new LocalStackOptions
            {
                Prefix = "bench",
                Intervals = "00:00:01",
                Expiry = TimeSpan.FromMinutes(10),
                CallsPerSecond = 0,
                // Warnings and errors go to the capture, counted per phase, not to the console one stack trace at a time.
                MinimumLogLevel = LogLevel.Warning,
                ExtraSettings = new Dictionary<string, string?>
                {
                    ["Logging:Console:LogLevel:Default"] = "None",
                    ["Callbacks:LineLimit"] = BenchLines.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            };
            stack = await LocalStack.StartAsync(configure is null ? options : configure(options), ct: ct);
            stack.Service<ILoggerFactory>().AddProvider(_logs);
            var started = clock.Elapsed;
            if (CallerNumbers.Count == 0)
            {
                var numbers = stack.Service<PhoneNumberNormalizer>();
                CallerNumbers = NumberPool.Callers(numbers, new[] { settings.LightTimerCallbacks, settings.HeavyTimerCallbacks, settings.BurstCallbacks,
                    settings.FreedSamples + settings.FreedExtraWaiting, settings.StorageCostCallbacks, WebhookCallers,
                    settings.SteadyCallbacks + settings.SteadyPending, settings.BusyCallbacks, settings.PartitionsCallbacks + settings.SteadyPending,
                    settings.TwoInstanceCallers }.Max());
                AgentNumbers = NumberPool.Agents(numbers, new[] { settings.LightTimerCallbacks, settings.HeavyTimerCallbacks, settings.BurstCallbacks,
                    settings.FreedSamples, settings.StorageCostCallbacks, settings.LoadAgents }.Max());
            }
            var callers = CallerNumbers.Take(callerCount).ToList();
            DueCallbacksBench.ScriptCustomers(stack, callers, 0.2);
            foreach (var agent in AgentNumbers.Take(agents))
                stack.Simulator.SetPerson(agent, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0, Digits = "1", TalkSeconds = 0.2 }));
            var account = await SetLinesAsync(stack, ct);
            var agentClock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, agents), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
                async (i, _) => await stack.PutAgentAsync($"agent{i:D4}", $"Agent {i}", AgentNumbers[i], queue));
            _agentIds = Enumerable.Range(0, agents).ToDictionary(i => AgentNumbers[i], i => $"agent{i:D4}", StringComparer.Ordinal);
            if (!_described)
            {
                Line($"  {DurableSettings(stack)}");
                Line($"  account lines and pacing: {account}");
                _described = true;
            }
            var note = $"a fresh stack started in {Ms(started)}" + (agents > 0 ? $"; {agents} agents of the queue '{queue}' created through the API in {Ms(agentClock.Elapsed)}" : "");
            AppLog(quietIfNone: true);
            await phase(stack, new BenchStorage(stack), callers, note);
            var errors = stack.Simulator.Errors;
            if (errors.Count > 0)
                Line($"  simulator errors in this phase (strictness violations, failed webhooks): {errors.Count}; by code: " +
                     $"{string.Join(", ", errors.GroupBy(e => e.Code).Select(g => $"{g.Key} x{g.Count()}"))}; first: {errors[0].Message}");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var root = e;
            while (root.InnerException is not null) root = root.InnerException;
            Line($"{queue}: could not complete: {e.GetType().Name}: {e.Message.Split('\n')[0]}" + (root != e ? $" <- {root.GetType().Name}: {root.Message.Split('\n')[0]}" : ""));
            AppLog(quietIfNone: true);
        }
        finally
        {
            if (stack is not null)
            {
                var stopping = Stopwatch.StartNew();
                // Disposing the stack stops the app, the Durable backend (its dispatchers and partition leases) and the sidecar, in order.
                await stack.DisposeAsync();
                Line($"  ({queue}: {N(phaseClock.Elapsed.TotalSeconds)} s with the stack's start, stopped in {N(stopping.Elapsed.TotalSeconds, "0.0")} s; run time so far {N(_run.Elapsed.TotalSeconds)} s)");
                // What the app logged while it stopped (requests and work in flight cut off): shutdown, not load.
                PrintLog(_logs.TakePeriod(), quietIfNone: true, indent: "  ", what: "app warnings/errors while the stack stopped");
                _logs.TakeWatched(StaleHoldReleased);
            }
        }
    }

    // ---- timer lateness -------------------------------------------------------------------------------------------

    private async Task TimerAsync(LocalStack stack, BenchStorage storage, string queue, IReadOnlyList<string> callers, bool light, string note, CancellationToken ct)
    {
        var bench = new DueCallbacksBench(stack, storage);
        var n = callers.Count;
        var load = $"{Count(n)} over {N(settings.TimerSpread.TotalSeconds)} s";
        var step = settings.TimerSpread / n;
        // Made in due order from 10 s before the first is due, as callbacks keep coming while others come due.
        var lead = TimeSpan.FromSeconds(10);
        // The meters run from the first callback made: making them overlaps their coming due.
        var cpu = _cpu.Now();
        var phaseStart = TimeProvider.System.GetUtcNow();
        using var requests = new StorageRequestLog(stack);
        using var stalls = new StallMeter(stack.Azurite!);
        var first = TimeProvider.System.GetUtcNow() + lead;
        var last = first + step * (n - 1);
        var tail = light ? settings.LightTimerTail : settings.HeavyTimerTail;
        DueCallbacksBench.Creation created;
        int pending;
        string queueLine;
        await using (var queues = storage.SampleQueues())
        {
            created = await bench.CreateAsync(queue, callers, i => first + step * i, ct);
            pending = await CountOrMinusOne(storage.PendingInstancesAsync, ct);
            await bench.WaitForCustomersAsync(queue, created, last - TimeProvider.System.GetUtcNow() + tail, ct);
            queueLine = queues.Summary();
        }
        _creationRate = created.PerSecond;
        var cpuLine = _cpu.Since(cpu);
        var requestLine = RequestLine(requests);
        var stallLine = stalls.Summary(0);
        var episodes = stalls.Episodes(1000);
        var stallList = stalls.Stalls(0, 200).ToList();

        var placements = await bench.ReadPlacementsAsync(created, ct);
        var traces = await bench.ReadTimerTracesAsync(placements, settings.TracedCallbacks, ct);
        var lateness = placements.Where(p => p.LatenessMs is not null).Select(p => p.LatenessMs!.Value).Order().ToList();
        var early = lateness.Where(l => l < 0).ToList();
        var farEarly = lateness.Count(l => l < -1000);
        // A callback with no agent call by the end of the wait is later than the wait's tail: it counts as +infinity in
        // the percentiles, which then read "over" the tail rather than leaving it out.
        var withUnplaced = lateness.Concat(Enumerable.Repeat(double.PositiveInfinity, n - lateness.Count)).ToList();
        var p99 = Percentiles.Of(withUnplaced, 0.99);
        string Late(double ms) => double.IsPositiveInfinity(ms) ? $"over {N(tail.TotalSeconds)} s ({n - lateness.Count} of {n} had no agent call {N(tail.TotalSeconds)} s after the last due moment)" : Time(ms);
        // A stress load: no target (the targets are the steady and busy loads').
        Figure("timer lateness p50", load, Late(Percentiles.Of(withUnplaced, 0.50)), null, light ? BeforeFigures.TimerLightP50 : BeforeFigures.TimerHeavyP50);
        Figure("timer lateness p99", load, Late(p99), null, light ? BeforeFigures.TimerLightP99 : BeforeFigures.TimerHeavyP99);
        Figure("timer lateness max", load, Late(withUnplaced.Count == 0 ? double.NaN : withUnplaced[^1]), null, light ? BeforeFigures.TimerLightMax : BeforeFigures.TimerHeavyMax);
        Figure("timer early", load, $"{early.Count} of {n} agent calls placed before their due moment" +
               (early.Count > 0 ? $" (earliest {Time(-early[0])} early; {farEarly} more than 1 s early)" : ""),
            null, light ? BeforeFigures.TimerLightEarly : BeforeFigures.TimerHeavyEarly);
        Line($"  {n} IVR-style callbacks (MissedCallService, FirstDelay) made through the app's service in due order, 16 at a time, in {Ms(created.Took)} ({N(created.PerSecond)}/s), " +
             $"the first due {N(lead.TotalSeconds)} s after the first was made; {created.CreatedAfterDue} made after their due moment, {Describe(pending)} orchestrations not yet started when the last was made; " +
             $"due one every {Ms(step)} over {N(settings.TimerSpread.TotalSeconds)} s; {note}");
        Line("  lateness = the simulator's creation moment of the callback's first agent call (found by the CallSid its timeline names) - the due moment asked for (= the stored DueAt); " +
             "early = that call created before the due moment");
        Line($"  agent call placed for {lateness.Count}/{n}; {Final(placements)}/{n} final, {placements.Count(p => p.Status == CallbackStatus.Completed)} Completed; " +
             $"{placements.Count(p => p.WaitedForAgent)} waited for an agent, {placements.Count(p => p.WaitedForLine)} for a line, {placements.Count(p => p.Offers > 1)} needed more than one offer{Unread(bench)}");
        WhereTheTimeWentMeanwhile(placements, traces, cpuLine, requestLine, queueLine, stallLine);
        StallEpisodes(episodes, stalls.StartedAt, placements);
        var byDue = placements.Where(p => p.LatenessMs is not null).OrderBy(p => p.DueAt).ToList();
        if (byDue.Count >= 10)
        {
            var tenth = byDue.Count / 10;
            Line("  lateness p50 per tenth of the spread, earliest due first: " + string.Join(", ", Enumerable.Range(0, 10).Select(k =>
                Time(Percentiles.Of(byDue.Skip(k * tenth).Take(tenth).Select(p => p.LatenessMs!.Value).Order().ToList(), 0.5)))));
        }
        if (settings.Detail) Detail(stallList, requests, placements, stalls.StartedAt);
        AppLog();
        var releases = await StaleHoldsAsync(stack, ct);
        Line($"  {DoubleBooked(stack, phaseStart, bench.AgentCalls, releases)}");
    }

    // ---- burst ----------------------------------------------------------------------------------------------------

    private async Task BurstAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, string note, CancellationToken ct)
    {
        var bench = new DueCallbacksBench(stack, storage);
        var n = callers.Count;
        var load = $"{Count(n)} due at one moment";
        var lead = Lead(n);
        var moment = TimeProvider.System.GetUtcNow() + lead;
        var created = await bench.CreateAsync("burst", callers, _ => moment, ct);
        var pending = await CountOrMinusOne(storage.PendingInstancesAsync, ct);
        var untilMoment = moment - TimeProvider.System.GetUtcNow();
        if (untilMoment > TimeSpan.Zero) await Task.Delay(untilMoment, ct);
        var cpu = _cpu.Now();
        var phaseStart = TimeProvider.System.GetUtcNow();
        using var requests = new StorageRequestLog(stack);
        using var stalls = new StallMeter(stack.Azurite!);
        string queueLine;
        await using (var queues = storage.SampleQueues())
        {
            await bench.WaitForCustomersAsync("burst", created, settings.BurstLimit, ct);
            queueLine = queues.Summary();
        }
        var waited = (TimeProvider.System.GetUtcNow() - moment).TotalSeconds;
        var cpuLine = _cpu.Since(cpu);
        var requestLine = RequestLine(requests);
        var stallLine = stalls.Summary(0);
        var episodes = stalls.Episodes(1000);
        var placements = await bench.ReadPlacementsAsync(created, ct);
        var traces = await bench.ReadTimerTracesAsync(placements, settings.TracedCallbacks, ct);
        var placed = placements.Where(p => p.PlacedAt is not null).Select(p => (p.PlacedAt!.Value - moment).TotalMilliseconds).Order().ToList();
        var drained = placed.Count == n;
        var drain = drained ? placed[^1] : double.NaN;
        Figure("burst time to drain", load, drained ? Time(drain) : $"over {N(waited)} s (not drained: {placed.Count} of {n} agent calls placed by then)", null, BeforeFigures.BurstDrain);
        Figure("burst rate", load, drained ? $"{N(n / (drain / 1000.0))} agent calls placed per s" : $"{N(placed.Count(ms => ms <= waited * 1000) / waited, "0.0")} agent calls placed per s over the {N(waited)} s waited",
            null, BeforeFigures.BurstRate);
        Line($"  {n} IVR-style callbacks due at one moment, made {N(lead.TotalSeconds)} s ahead in {Ms(created.Took)} ({N(created.PerSecond)}/s; {created.CreatedAfterDue} after the moment; " +
             $"{Describe(pending)} orchestrations not yet started when the last was made); drain = the last first agent call's creation at the simulator - the moment; rate = {n} / drain; {note}");
        Line($"  agent calls placed: first {Time(placed.Count > 0 ? placed[0] : double.NaN)}, p50 {Time(Percentiles.Of(placed, 0.5))}, p90 {Time(Percentiles.Of(placed, 0.9))} after the moment; " +
             $"{Final(placements)}/{n} final, {placements.Count(p => p.Status == CallbackStatus.Completed)} Completed; {placements.Count(p => p.WaitedForAgent)} waited for an agent, " +
             $"{placements.Count(p => p.WaitedForLine)} for a line{Unread(bench)}");
        if (placed.Count > 0)
        {
            var buckets = placed.GroupBy(ms => (int)(ms / 5000)).OrderBy(g => g.Key).Select(g => $"{g.Key * 5}-{g.Key * 5 + 5} s: {g.Count()}");
            Line("  agent calls placed per 5 s after the moment: " + string.Join(", ", buckets));
        }
        WhereTheTimeWent(placements, traces);
        Line($"  from the moment until all final: {cpuLine}");
        Line($"  app storage requests meanwhile: {requestLine}");
        Line($"  {queueLine}");
        Line($"  {stallLine}");
        StallEpisodes(episodes, stalls.StartedAt, placements);
        if (settings.Detail) Detail(stalls.Stalls(0, 200).ToList(), requests, placements, stalls.StartedAt);
        AppLog();
        var releases = await StaleHoldsAsync(stack, ct);
        Line($"  {DoubleBooked(stack, phaseStart, bench.AgentCalls, releases)}");
    }

    // ---- agent freed -> agent call ----------------------------------------------------------------------------------

    private async Task FreedAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> agentPhones, IReadOnlyList<string> callers, string note, CancellationToken ct)
    {
        var bench = new FreedAgentBench(stack, storage);
        _agentIds = agentPhones.Select((phone, i) => (phone, i)).ToDictionary(a => a.phone, a => FreedAgentBench.AgentId(a.i), StringComparer.Ordinal);
        var cpu = _cpu.Now();
        var phaseStart = TimeProvider.System.GetUtcNow();
        using var requests = new StorageRequestLog(stack);
        FreedAgentBench.Result result;
        string queueLine;
        await using (var queues = storage.SampleQueues())
        {
            result = await bench.RunAsync(agentPhones, callers, settings.FreedSamples, settings.FreedPause, ct);
            queueLine = queues.Summary();
        }
        var cpuLine = _cpu.Since(cpu);
        var requestLine = RequestLine(requests);
        var samples = result.Samples;
        var after = samples.Where(s => s.AfterAnswerMs is not null).Select(s => s.AfterAnswerMs!.Value).Order().ToList();
        var fromSend = samples.Where(s => s.AfterAnswerMs is not null).Select(s => s.AfterAnswerMs!.Value + s.PutMs).Order().ToList();
        var puts = samples.Select(s => s.PutMs).Order().ToList();
        var missed = samples.Count(s => s.AfterAnswerMs is null);
        var load = $"{samples.Count} agents freed one at a time, {samples.Min(s => s.Waiting)}-{samples.Max(s => s.Waiting)} callbacks waiting";
        var p99 = Percentiles.Of(after, 0.99);
        Figure("agent freed -> agent call p50", load, Time(Percentiles.Of(after, 0.5)), null, BeforeFigures.FreedP50);
        Figure("agent freed -> agent call p99", load, Time(p99), $"target p99 < 1 s: {Met(missed == 0 && p99 < 1000)}", BeforeFigures.FreedP99);
        Line($"  {result.Created} callbacks of the queue '{FreedAgentBench.Queue}' came due at once while its {samples.Count} agents were all unavailable; " +
             $"{result.WaitingAtStart} were waiting for an agent (the waiting index) {N(result.UntilAllWaiting.TotalSeconds, "0.0")} s later; {note}");
        Line($"  then, one at a time, {FreedAgentBench.Queue}NNN made available (PUT /api/agents/{{id}}/availability {{\"available\":true}}); time = the PUT's answer to the " +
             $"simulator's creation of that agent's call; the agent made unavailable again once the call was seen (customers talk {N(FreedAgentBench.TalkSeconds)} s); " +
             $"{Ms(settings.FreedPause)} between samples; max {Time(after.Count == 0 ? double.NaN : after[^1])}; {missed} freed agents got no call within 15 s");
        Line($"  the PUT itself (the app wakes the two longest-waiting callbacks before it answers): p50 {Ms(Percentiles.Of(puts, 0.5))}, p99 {Ms(Percentiles.Of(puts, 0.99))}; " +
             $"from sending the PUT to the agent call: p50 {Time(Percentiles.Of(fromSend, 0.5))}, p99 {Time(Percentiles.Of(fromSend, 0.99))}");
        Line($"  calls to the freed agents in all: {result.CallsToFreedAgents} (one per sample expected; more means an agent took a second callback before being made unavailable)");
        Line($"  meanwhile (whole phase, {N(result.Took.TotalSeconds)} s): {cpuLine}");
        Line($"  app storage requests meanwhile: {requestLine}");
        Line($"  {queueLine}");
        if (settings.Detail)
            Line("    samples (waiting, PUT, after answer): " + string.Join(", ", samples.Select(s => $"{s.Waiting}/{Ms(s.PutMs)}/{Time(s.AfterAnswerMs ?? double.NaN)}")));
        AppLog();
        var releases = await StaleHoldsAsync(stack, ct);
        Line($"  {DoubleBooked(stack, phaseStart, new Dictionary<string, string>(), releases)}");
    }

    // ---- storage requests per callback ------------------------------------------------------------------------------

    private async Task StorageCostAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, string note, CancellationToken ct)
    {
        var bench = new StorageCostBench(stack, storage);
        var freshCpu = _cpu.Now();
        var fresh = await StorageCostBench.MeasureRawAsync(stack.StorageConnectionString, "benchrawfresh", settings.RawOperations, settings.RawConcurrency, ct);
        var freshCpuLine = _cpu.Since(freshCpu);
        var linesHeld = await storage.HeldLinesAsync(ct);
        var unfinishedBefore = await storage.UnfinishedInstancesAsync(ct);
        var queuedBefore = await storage.WaitForDurableQueuesEmptyAsync(TimeSpan.FromSeconds(10), ct);
        AppLog(quietIfNone: true);
        // Long enough to take in the watchdog's sweep (every 10 s locally) once.
        var idle = await bench.IdleAsync(TimeSpan.FromSeconds(settings.Quick ? 5 : 10), ct);
        var cpu = _cpu.Now();
        var cost = await bench.MeasureAsync(callers, ct);
        var cpuLine = _cpu.Since(cpu);
        var k = cost.Callbacks;
        // The floor on this same stack, right after, counted the same way: its orchestrations arrive as ours did (one
        // every 200 ms, each due 1 s after its start), then all at once (receives depend on how work arrives).
        var floorBench = new FloorBench(stack, storage);
        var floorCpu = _cpu.Now();
        var floor = await floorBench.MeasureAsync("paced", k, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), cost.Gaps, ct);
        var floorCpuLine = _cpu.Since(floorCpu);
        var floorAtOnce = await floorBench.MeasureAsync("atonce", k, TimeSpan.Zero, TimeSpan.FromSeconds(1), cost.Gaps, ct);
        var idleShare = idle.Rate * cost.Window.TotalSeconds / k;
        var load = $"{k} callbacks, 5 a second";
        var ratio = cost.PerCallback / floor.PerCallback;
        Figure("storage requests per completed one-attempt callback", load, N(cost.PerCallback, "0.0"),
            $"target ≤ 85: {Met(cost.OneAttempt == k && cost.PerCallback <= 85)}; {N(cost.PerCallback - idleShare, "0.0")} net of what the idle app asks meanwhile",
            BeforeFigures.StorageRequests);
        Line($"  counted, not estimated: every HTTP request the app's process (the app, Durable's backend and its sidecar) made to Azurite's table, queue and blob ports " +
             $"(HttpClient's activities), {cost.Total} over K = {k} callbacks, each driven from a missed-call webhook (a simulated caller hangs up in the queue) to Completed, " +
             $"5 calls a second: {cost.Found} made, {cost.Completed} Completed, {cost.OneAttempt} in one attempt and one offer, {cost.Waited} waited for an agent, a line or the number");
        Line($"  the count ran on {N(cost.QuietAfterCompletion.TotalSeconds, "0.0")} s after the last completion, until Durable's queues held no message " +
             $"(left: control {cost.QueueLeft.Control}, work items {cost.QueueLeft.WorkItems}), no orchestration was unfinished ({cost.UnfinishedLeft} left), " +
             $"no call was live and no more agents were held than before ({cost.AgentsHeld} vs {cost.AgentsHeldBefore}); before it started: " +
             $"{Describe(unfinishedBefore)} orchestrations unfinished, {Describe(queuedBefore)} messages in Durable's queues, {linesHeld} lines held; {note}");
        Line("  per callback, by what they were for:");
        foreach (var group in StorageNames.Groups)
        {
            var count = cost.ByGroup.GetValueOrDefault(group);
            if (count == 0 && group == StorageNames.Other) continue;
            var parts = group == StorageNames.OurTables
                ? cost.Resources[group].Select(r => $"{r.Resource} {PerCallback(r.Count, k)}")
                : cost.Operations[group].Select(o => $"{o.Operation} {PerCallback(o.Count, k)}");
            Line($"    {group}: {PerCallback(count, k)}" + (count > 0 ? $" ({string.Join(", ", parts)})" : "") +
                 $"; the idle app {N(idle.RateOf(group), "0.0")}/s, so {N((count - idle.RateOf(group) * cost.Window.TotalSeconds) / k, "0.0")} net");
        }
        Line($"  the idle app (nothing live, measured over {N(idle.Window.TotalSeconds)} s just before: Durable's queue polling, partition management, the watchdog) " +
             $"made {N(idle.Rate, "0.0")} requests/s: over this {N(cost.Window.TotalSeconds, "0.0")} s window, {N(idleShare, "0.0")} per callback");
        Line($"  cross-check: the app's own StorageOperationCounter (on our tables' clients) moved by {cost.OurTablesByAppCounter}; " +
             $"the log saw {cost.ByGroup.GetValueOrDefault(StorageNames.OurTables)} requests to our tables");
        Line($"  requests: {cost.Requests}; {cpuLine}");
        if (cost.FirstOdd is not null) Line($"  not a one-attempt completion: {cost.FirstOdd}");
        if (settings.Detail)
        {
            Line("    after the last completion: " + string.Join("; ", cost.QuietTrace));
            if (cost.SampleId is { } sample)
            {
                var rows = await storage.HistoryAsync(sample, ct);
                var origin = rows.FirstOrDefault()?.Written;
                Line($"    history of {sample} (+s written; timers: +s due): " + string.Join(", ", rows.Select(r =>
                    $"{r.EventType}{(r.Name is null ? "" : " " + r.Name)} +{N(((r.Written ?? origin) - origin)?.TotalSeconds ?? double.NaN, "0.0")}" +
                    (r.FireAt is { } at && origin is { } o ? $" (due +{N((new DateTimeOffset(at, TimeSpan.Zero) - o).TotalSeconds, "0.0")})" : ""))));
            }
            Line("    every kind per callback: " + string.Join(", ", cost.Kinds.Select(x => $"{x.Kind} {PerCallback(x.Count, k)}")));
        }
        AppLog();
        FloorFigures(cost, floor, floorAtOnce, idle, ratio, floorCpuLine);
        await RawAzuriteAsync(stack, cost.PerCallback, fresh, freshCpuLine, ct);
    }

    /// <summary>The floor's figures beside ours (same stack, same run, same counting), and ours to its ratio.</summary>
    private void FloorFigures(StorageCostBench.Cost cost, FloorBench.Cost floor, FloorBench.Cost atOnce, StorageCostBench.Idle idle, double ratio, string cpuLine)
    {
        var k = cost.Callbacks;
        var floorLoad = $"floor, {floor.Started} started 5 a second, each due 1 s later";
        var oursLoad = $"one attempt, {k} callbacks 5 a second";
        double Net(FloorBench.Cost c) => c.PerCallback - idle.Rate * c.Window.TotalSeconds / c.Started;
        NewFigure("storage requests per callback", floorLoad, N(floor.PerCallback, "0.0"), null);
        NewFigure("floor ratio", "storage", $"{N(ratio, "0.00")}×",
            $"target ≤ 1.5×: {Met(cost.OneAttempt == k && floor.Completed == floor.Started && ratio <= 1.5)}");
        NewFigure("storage requests per callback without queue receives", oursLoad, N(cost.PerCallbackWithoutReceives, "0.0"), null);
        NewFigure("storage requests per callback without queue receives", floorLoad, N(floor.PerCallbackWithoutReceives, "0.0"), null);
        NewFigure("floor ratio", "storage, without queue receives", $"{N(cost.PerCallbackWithoutReceives / floor.PerCallbackWithoutReceives, "0.00")}×", null);
        var ours = Lateness.Of(cost.LatenessMs);
        NewFigure("lateness p50 / p99 / max", floorLoad, $"{Time(floor.Lateness.P50)} / {Time(floor.Lateness.P99)} / {Time(floor.Lateness.Max)}", null);
        NewFigure("lateness p50 / p99 / max", oursLoad, $"{Time(ours.P50)} / {Time(ours.P99)} / {Time(ours.Max)}", null);
        Line($"  the floor: a minimal orchestration registered on the app's own worker and task hub for this phase (FloorBench): started, a durable timer to its due " +
             $"moment, one activity (the agent call) that does nothing but wait out what the timer fired early (as a callback's offer does), then three events raised by the benchmark " +
             $"each on its own at the moments a callback's webhooks came in this run: {cost.Gaps}; counted from its first start until Durable's queues were empty " +
             $"and no orchestration unfinished ({N(floor.Window.TotalSeconds, "0.0")} s; left: control {floor.QueueLeft.Control}, work items {floor.QueueLeft.WorkItems}, " +
             $"unfinished {floor.UnfinishedLeft}); {floor.Completed}/{floor.Started} completed" +
             (floor.RaiseFailures > 0 ? $"; {floor.RaiseFailures} could not be told their events (first: {floor.FirstFailure})" : ""));
        Line($"  the floor per callback: {FloorGroups(floor)}; {N(Net(floor), "0.0")} net of what the idle app asks meanwhile; queue receives {PerCallback(floor.Receives, floor.Started)} " +
             $"(ours {PerCallback(cost.Receives, k)}); lateness = its activity's start - its due moment; ours = the agent call at the simulator - the due moment");
        Line($"  the floor with all {atOnce.Started} started at once (each due 1 s later): {N(atOnce.PerCallback, "0.0")} per callback gross, {N(Net(atOnce), "0.0")} net, " +
             $"{N(atOnce.PerCallbackWithoutReceives, "0.0")} without queue receives ({atOnce.Completed}/{atOnce.Started} completed; lateness p50 {Time(atOnce.Lateness.P50)}, " +
             $"p99 {Time(atOnce.Lateness.P99)}): receives follow how work arrives, not what a callback needs");
        Line($"  the floor's requests: {floor.Requests}; {cpuLine}");
    }

    private static string FloorGroups(FloorBench.Cost floor) =>
        string.Join(", ", StorageNames.Groups.Where(g => floor.ByGroup.GetValueOrDefault(g) > 0).Select(g =>
            $"{g} {PerCallback(floor.ByGroup[g], floor.Started)} ({string.Join(", ", floor.Operations[g].Select(o => $"{o.Operation} {PerCallback(o.Count, floor.Started)}"))})"));

    private async Task RawAzuriteAsync(LocalStack stack, double perCallback, StorageCostBench.Raw fresh, string freshCpu, CancellationToken ct)
    {
        var cpu = _cpu.Now();
        var raw = await StorageCostBench.MeasureRawAsync(stack.StorageConnectionString, "benchraw", settings.RawOperations, settings.RawConcurrency, ct);
        Figure("azurite raw single-entity ops/s", "same run, right after the count", N(raw.OpsPerSecond), null, BeforeFigures.AzuriteRaw);
        Line($"  {raw.Upserts} upserts then {raw.Reads} point reads of small entities (upserts {N(raw.UpsertsPerSecond)}/s, point reads {N(raw.ReadsPerSecond)}/s), " +
             $"{raw.Concurrency} concurrent, Azure.Data.Tables, a table of our own in the same Azurite (500 + 500 warm-up operations first); {_cpu.Since(cpu)}");
        Line($"  the same on this phase's fresh Azurite before the count: {N(fresh.OpsPerSecond)} ops/s (upserts {N(fresh.UpsertsPerSecond)}/s, " +
             $"point reads {N(fresh.ReadsPerSecond)}/s); {freshCpu}");
        Line($"  so at most ≈ {N(raw.OpsPerSecond / perCallback, "0.0")} callbacks/s on this box if every request cost a single-entity operation " +
             $"(= {N(raw.OpsPerSecond)} raw ops/s / {N(perCallback, "0.0")} requests per callback; Durable's queue requests go to the queue service's own process)");
        AppLog(quietIfNone: true);
    }

    // ---- webhooks ---------------------------------------------------------------------------------------------------

    private async Task WebhooksAsync(LocalStack stack, BenchStorage storage, IReadOnlyList<string> callers, string note, CancellationToken ct)
    {
        // The callbacks this load makes would be due 1 s later and ring agents in the middle of the measurement. Move the
        // first interval to 10 minutes (a setting the app reads live; production's default is 1 minute) so that this
        // measures the webhook and the work it does itself (the callback's projection and its orchestration's start).
        var config = (IConfigurationRoot)stack.App.Configuration;
        config["Callbacks:Intervals"] = "00:10:00";
        config.Reload();
        var intervals = stack.Service<IOptionsMonitor<CallbackOptions>>().CurrentValue.Intervals;

        // A deployment has agents for the queues its webhooks name: one agent serves every queue of this phase (none is
        // called: the first interval is 10 minutes), so no webhook is reported as naming a queue nobody serves.
        await stack.PutAgentAsync("webhookbench", "Webhook bench", "+14155550990", ["warmup", "bench", .. settings.StepRates.Select(r => $"step{r}")]);
        using var bench = new WebhookLoadBench(stack, storage);
        await bench.WarmUpAsync(callers.Take(20).ToList(), ct);
        _logs.TakePeriod();
        var cpu = _cpu.Now();
        WebhookLoadBench.Step latency;
        string cpuLine;
        using (var requests = new StorageRequestLog(stack))
        {
            latency = await bench.OfferAsync("bench", settings.LatencyRate, settings.LatencyDuration, callers, settings.SettleLimit, ct);
            cpuLine = $"{_cpu.Since(cpu)}; app storage requests: {RequestLine(requests)}";
        }
        var spooled = new Dictionary<int, int> { [latency.Rate] = _logs.CountOf(2002) + _logs.CountOf(2006) };
        var latencyLog = _logs.TakePeriod();
        var load = $"{latency.Rate} requests/s";
        Figure("webhook latency p50", load, Ms(latency.P50), null, BeforeFigures.WebhookP50);
        // A stress load: no target (the target is at 20 requests/s, in the two-instance phase).
        Figure("webhook latency p99", load, Ms(latency.P99), null, BeforeFigures.WebhookP99);
        Line($"  {latency.Sent} signed POSTs to /api/twilio/missed-call?queue=bench (QueueResult=hangup, distinct callers and CallSids), open-loop at " +
             $"{latency.Rate}/s for {N(settings.LatencyDuration.TotalSeconds)} s, after 20 warm-up requests; latency = scheduled send moment to the end of the answer");
        Line($"  max {Ms(latency.Max)}, errors {latency.Errors}, callbacks made {latency.Callbacks}/{latency.Sent}, spooled {spooled[latency.Rate]}, " +
             $"sender behind schedule by at most {Ms(latency.MaxSendLagMs)}; first interval during this load: {intervals}; {cpuLine}; {note}");
        PrintLog(latencyLog, quietIfNone: false);

        var steps = new List<WebhookLoadBench.Step> { latency };
        var stepLogs = new Dictionary<int, IReadOnlyList<(string Kind, int Count, string Example)>>();
        var stepNotes = new Dictionary<int, string>();
        var notRun = new List<int>();
        if (latency.Passed)
        {
            foreach (var rate in settings.StepRates)
            {
                if (_run.Elapsed > settings.StepCutoff) { notRun.Add(rate); continue; }
                var stepCpu = _cpu.Now();
                WebhookLoadBench.Step step;
                using (var requests = new StorageRequestLog(stack))
                {
                    step = await bench.OfferAsync($"step{rate}", rate, settings.StepDuration, callers, settings.SettleLimit, ct);
                    stepNotes[rate] = $"{_cpu.Since(stepCpu)}; app storage requests: {RequestLine(requests)}";
                }
                spooled[rate] = _logs.CountOf(2002) + _logs.CountOf(2006);
                if (spooled[rate] > 0) stepNotes[rate] += $"; {stack.Service<Spool.WebhookSpool>().Count} spooled webhooks still waiting at the end of the step";
                stepLogs[rate] = _logs.TakePeriod();
                steps.Add(step);
                if (!step.Passed) break;
            }
        }
        var passed = steps.Where(s => s.Passed).ToList();
        var best = passed.Select(s => s.Rate).DefaultIfEmpty(0).Max();
        var keptUp = passed.Where(s => s.AnsweredRate >= 0.95 * s.Rate && s.P99 < 1000).Select(s => s.Rate).DefaultIfEmpty(0).Max();
        Figure("webhook highest sustained rate with nothing lost", $"steps of {N(settings.StepDuration.TotalSeconds)} s up to {settings.StepRates.DefaultIfEmpty(0).Max()}/s",
            best == 0 ? "none" : $"{best} requests/s" + (notRun.Count > 0 ? $" (steps {string.Join(", ", notRun)}/s not run: near the time limit)" : ""),
            null, BeforeFigures.WebhookSustained);
        Line($"  steps (the first is the {settings.LatencyRate}/s run above), open-loop; a step fails on any error, any answer over " +
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
            if (stepNotes.TryGetValue(s.Rate, out var stepNote)) Line($"    {stepNote}");
            if (stepLogs.TryGetValue(s.Rate, out var log)) PrintLog(log, quietIfNone: true, indent: "    ");
        }
        if (keptUp != best)
            Line($"  highest step the app also kept up with (answered >= 95% of the offered rate, p99 < 1 s): {(keptUp == 0 ? "none" : $"{keptUp} req/s")}; " +
                 "above it, requests queued inside the app" + (spooled.Values.Sum() > 0 ? "; those beyond Spool:MaxInFlight at work at once (or past the 8 s storage budget) were answered from the local spool and replayed" : ""));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

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

    /// <summary>How far ahead to make n callbacks so that all are made (and their orchestrations started) before the first is due.</summary>
    private TimeSpan Lead(int n)
    {
        var rate = double.IsNaN(_creationRate) ? 25 : _creationRate;
        return TimeSpan.FromSeconds(Math.Max(10, Math.Ceiling(n / rate * 1.25 + 5)));
    }

    /// <summary>Due moment to offer to agent call, and what Durable's history says of the due timers.</summary>
    /// <summary>A due phase's tail: where the time went, and what the machine, the storage and Azurite's queues did meanwhile.</summary>
    private void WhereTheTimeWentMeanwhile(IReadOnlyList<DueCallbacksBench.Placement> placements, IReadOnlyList<DueCallbacksBench.TimerTrace> traces,
        string cpuLine, string requestLine, string queueLine, string stallLine)
    {
        WhereTheTimeWent(placements, traces);
        Line($"  meanwhile (the first made to all final, or the tail's end): {cpuLine}");
        Line($"  app storage requests meanwhile: {requestLine}");
        Line($"  {queueLine}");
        Line($"  {stallLine}");
    }

    private void WhereTheTimeWent(IReadOnlyList<DueCallbacksBench.Placement> placements, IReadOnlyList<DueCallbacksBench.TimerTrace> traces)
    {
        var offer = placements.Where(p => p.OfferMs is not null).Select(p => p.OfferMs!.Value).Order().ToList();
        var dial = placements.Where(p => p.DialMs is not null).Select(p => p.DialMs!.Value).Order().ToList();
        var handled = traces.Select(t => t.HandledMs).Order().ToList();
        Line($"  where the time went: due -> offer saved (timer, orchestration, activity dispatch, holds) p50 {Time(Percentiles.Of(offer, 0.5))}, " +
             $"p99 {Time(Percentiles.Of(offer, 0.99))}, max {Time(offer.Count == 0 ? double.NaN : offer[^1])}; offer -> agent call at the simulator " +
             $"(pacing slot, Twilio create) p50 {Ms(Percentiles.Of(dial, 0.5))}, p99 {Ms(Percentiles.Of(dial, 0.99))}");
        Line($"  Durable's history ({traces.Count} callbacks read): due -> the episode that took the due timer in was written (it schedules the offer's activity) " +
             $"p50 {Time(Percentiles.Of(handled, 0.5))}, p99 {Time(Percentiles.Of(handled, 0.99))}, max {Time(handled.Count == 0 ? double.NaN : handled[^1])}; " +
             $"{handled.Count(h => h < 0)} taken in before the due moment; {traces.Count(t => t.Fired > 1)} callbacks had their due timer set again after it fired early " +
             $"(up to {traces.Select(t => t.Fired).DefaultIfEmpty(0).Max()} timers for one due moment)");
    }

    /// <summary>Each stall over a second, with the lateness of the callbacks due in it (or up to 2 s before) beside the rest.</summary>
    private void StallEpisodes(IReadOnlyList<(string What, double From, double Seconds)> episodes, DateTimeOffset meterStart, IReadOnlyList<DueCallbacksBench.Placement> placements)
    {
        if (episodes.Count == 0)
        {
            Line("  no stall over 1 s (thread pool, Azurite tables, queues, blobs)");
            return;
        }
        var placed = placements.Where(p => p.LatenessMs is not null).ToList();
        foreach (var (what, from, seconds) in episodes.Take(10))
        {
            var start = meterStart + TimeSpan.FromSeconds(from);
            var end = start + TimeSpan.FromSeconds(seconds);
            var inside = placed.Where(p => p.DueAt >= start - TimeSpan.FromSeconds(2) && p.DueAt <= end).Select(p => p.LatenessMs!.Value).Order().ToList();
            var outside = placed.Where(p => p.DueAt < start - TimeSpan.FromSeconds(2) || p.DueAt > end).Select(p => p.LatenessMs!.Value).Order().ToList();
            Line($"  stall: {what} answered slower than 1 s for {N(seconds, "0.0")} s from +{N(from, "0.0")} s; " +
                 (inside.Count == 0 ? "no callback due in it" : $"{inside.Count} callbacks due in it or 2 s before: lateness p50 {Time(Percentiles.Of(inside, 0.5))}, " +
                  $"max {Time(inside[^1])} (the others: p50 {Time(Percentiles.Of(outside, 0.5))})"));
        }
        if (episodes.Count > 10) Line($"  ... and {episodes.Count - 10} more stalls over 1 s");
    }

    private void Detail(IReadOnlyList<string> stallList, StorageRequestLog requests, IReadOnlyList<DueCallbacksBench.Placement> placements, DateTimeOffset meterStart)
    {
        foreach (var s in stallList.Take(40)) Line("    " + s);
        foreach (var g in requests.Slow.GroupBy(r => (int)(r.Start - meterStart).TotalSeconds).Take(30))
            Line($"    slow requests starting at +{g.Key} s: " + string.Join(", ", g.GroupBy(r => (r.Kind, r.Outcome)).Select(k => $"{k.Key.Kind} {k.Key.Outcome} x{k.Count()} (max {Ms(k.Max(r => r.Ms))})")));
        foreach (var p in placements.Where(p => p.LatenessMs is not null).OrderByDescending(p => p.LatenessMs).Take(15))
            Line($"    late {Time(p.LatenessMs!.Value)}: {p.Id} due +{N((p.DueAt - meterStart).TotalSeconds, "0.00")} s, offered +{N(((p.OfferedAt ?? p.DueAt) - meterStart).TotalSeconds, "0.00")} s, " +
                 $"agent call +{N((p.PlacedAt!.Value - meterStart).TotalSeconds, "0.00")} s");
    }

    /// <summary>
    /// The watchdog's releases of holds "that no longer dial", looked at closely. A hold is named "{callback}/{offer}",
    /// the offer the activity is about to make; every try of a callback waiting for its offer takes holds under the
    /// same name. A release is of a try under way when that offer's intent is on the timeline around the release (the
    /// watchdog read the projection before the intent's write landed) and its agent call was placed: the offer was
    /// dialling while the watchdog said it no longer did.
    /// </summary>
    private async Task<IReadOnlyList<AppLogCapture.Captured>> StaleHoldsAsync(LocalStack stack, CancellationToken ct)
    {
        var releases = _logs.TakeWatched(StaleHoldReleased);
        if (releases.Count == 0) return releases;
        var repository = stack.Service<Storage.CallbackRepository>();
        var underWay = 0;
        var later = 0;
        string? example = null;
        foreach (var release in releases)
        {
            if (release.Values.GetValueOrDefault("Holder") is not { } holder) continue;
            var slash = holder.LastIndexOf('/');
            if (slash < 0 || !int.TryParse(holder[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var offer)) continue;
            Domain.Callbacks.Callback? callback;
            try { callback = (await repository.GetAsync(holder[..slash], ct))?.Value; }
            catch (Exception e) when (TransientFaults.IsTransient(e, ct)) { continue; }
            var offered = callback?.Timeline.FirstOrDefault(e => e.To == CallbackStatus.DialingAgent && e.Reason.Contains($"(offer {offer}", StringComparison.Ordinal));
            var placedEvent = offered is null ? null : callback!.Timeline.FirstOrDefault(e => e.Reason.StartsWith("agent call placed", StringComparison.Ordinal) && e.At >= offered.At);
            if (offered is null || placedEvent is null || offered.At < release.At - TimeSpan.FromSeconds(1)) continue;
            if (offered.At > release.At + TimeSpan.FromSeconds(5))
            {
                later++;
                continue;
            }
            underWay++;
            example ??= $"{release.Values.GetValueOrDefault("What")} held by {holder} released at {release.At:HH:mm:ss.fff}; that offer's intent is on the timeline at " +
                        $"{offered.At:HH:mm:ss.fff} (the moment the activity decided it, before its write) and its agent call was placed at {placedEvent.At:HH:mm:ss.fff}; the callback ended {callback!.Status}";
        }
        Line($"  watchdog: {releases.Count} holds released as \"no longer dials\"; {underWay} of them by a try under way (that offer's intent on the timeline from 1 s before " +
             $"to 5 s after the release, and its agent call placed), {later} by tries whose offer came more than 5 s later" + (example is null ? "" : $"; e.g. {example}"));
        return releases;
    }

    /// <summary>
    /// Agents rung twice at once: two outbound calls to one agent's number alive together at the simulator (a call to
    /// an agent is made only while the agent is held, so an overlap means the hold was lost or given twice), with the
    /// callbacks that placed them and whether the watchdog had released that agent's hold just before.
    /// </summary>
    private string DoubleBooked(LocalStack stack, DateTimeOffset since, IReadOnlyDictionary<string, string> owners, IReadOnlyList<AppLogCapture.Captured> releases)
    {
        var releasedAgents = releases.Select(r => (What: r.Values.GetValueOrDefault("What") ?? "", Holder: r.Values.GetValueOrDefault("Holder"), r.At))
            .Where(r => r.What.StartsWith("agent ", StringComparison.Ordinal)).ToList();
        var watchdogBefore = 0;
        var calls = stack.Simulator.Calls.Where(c => c.Direction == "outbound-api" && c.DateCreated >= since).GroupBy(c => c.To, StringComparer.Ordinal);
        var agents = 0;
        var overlaps = 0;
        string? example = null;
        foreach (var agent in calls)
        {
            var ordered = agent.OrderBy(c => c.DateCreated).ToList();
            var found = 0;
            var agentId = _agentIds.GetValueOrDefault(agent.Key);
            for (var i = 1; i < ordered.Count; i++)
            {
                var before = ordered[i - 1];
                if (before.EndTime is { } end && end <= ordered[i].DateCreated) continue;
                found++;
                var released = releasedAgents.FirstOrDefault(r => r.What == "agent " + agentId && r.At >= before.DateCreated - TimeSpan.FromSeconds(30) && r.At <= ordered[i].DateCreated);
                if (released.Holder is not null) watchdogBefore++;
                example ??= $"{CallbackFunctions.Domain.Telephony.PhoneMask.Mask(agent.Key)}: call {before.Sid} ({Owner(before.Sid)}) created {before.DateCreated:HH:mm:ss.fff}, ended " +
                            $"{before.EndTime?.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) ?? "not yet"}; call {ordered[i].Sid} ({Owner(ordered[i].Sid)}) created {ordered[i].DateCreated:HH:mm:ss.fff}";
            }
            if (found > 0) agents++;
            overlaps += found;
        }
        return $"agents rung twice at once (two calls to one agent alive together at the simulator): {agents} agents, {overlaps} overlaps" +
               (overlaps == 0 ? "" : $"; for {watchdogBefore} of them the watchdog had released that agent's hold (as \"no longer dials\") between the first call's offer and the second call") +
               (example is null ? "" : $"; e.g. {example}");

        string Owner(string sid) => owners.TryGetValue(sid, out var owner) ? "callback " + owner : "named by no callback's timeline";
    }

    private static string DurableSettings(LocalStack stack)
    {
        var o = stack.DurableOptions!;
        return $"Durable (Azure Storage backend on Azurite, gRPC sidecar, worker and client in the app's process): task hub {o.TaskHubName}, {o.PartitionCount} partition(s), " +
               $"queue polling cap {Ms(o.MaxQueuePollingInterval)}, visibility timeout {N(o.VisibilityTimeout.TotalSeconds)} s, " +
               $"{o.MaxConcurrentOrchestrations} orchestrations and {o.MaxConcurrentActivities} activities at once";
    }

    /// <summary>A request log's summary and its split by what the requests were for.</summary>
    private static string RequestLine(StorageRequestLog requests)
    {
        var groups = requests.ByGroup;
        return requests.Summary() + "; by what for: " +
               string.Join(", ", StorageNames.Groups.Where(groups.ContainsKey).Select(g => $"{g} {groups[g]}"));
    }

    private static async Task<int> CountOrMinusOne(Func<CancellationToken, Task<int>> count, CancellationToken ct)
    {
        try { return await count(ct); }
        catch (Exception e) when (TransientFaults.IsTransient(e, ct)) { return -1; }
    }

    private static int Final(IEnumerable<DueCallbacksBench.Placement> placements) => placements.Count(p => p.Status is { } s && s.IsTerminal());

    private static string Describe(int count) => count < 0 ? "(could not read)" : count.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string PerCallback(int count, int callbacks) => N((double)count / callbacks, "0.0");

    private static string Met(bool met) => met ? "met" : "missed";

    private static string Unread(DueCallbacksBench bench) => bench.Unread == 0 ? "" : $"; {bench.Unread} callbacks could not be read back (storage kept failing)";

    /// <summary>One figure: <c>name (load): value  [target]  | before (home-made engine, ...): value</c>.</summary>
    private void Figure(string name, string load, string value, string? target, string before) =>
        Line($"{name} ({load}): {value}" + (target is null ? "" : $"  [{target}]") + $"  | {BeforeFigures.Label}: {before}");

    /// <summary>A figure the home-made engine's bench did not have: <c>name (load): value  [target]</c>.</summary>
    private void NewFigure(string name, string load, string value, string? target) =>
        Line($"{name} ({load}): {value}" + (target is null ? "" : $"  [{target}]"));

    /// <summary>The app's warnings and errors since the last call, one line per kind.</summary>
    private void AppLog(bool quietIfNone = false) => PrintLog(_logs.TakePeriod(), quietIfNone);

    private void PrintLog(IReadOnlyList<(string Kind, int Count, string Example)> log, bool quietIfNone, string indent = "  ", string what = "app warnings/errors meanwhile")
    {
        if (log.Count == 0)
        {
            if (!quietIfNone) Line($"{indent}{what}: none");
            return;
        }
        Line($"{indent}{what}: {log.Sum(e => e.Count)}");
        foreach (var (kind, count, example) in log.Take(6)) Line($"{indent}  {count} x {kind}: {example}");
        if (log.Count > 6) Line($"{indent}  ... and {log.Count - 6} other kinds ({log.Skip(6).Sum(e => e.Count)} entries)");
    }

    private void Line(string text)
    {
        output.WriteLine(text);
        output.Flush();
    }
}
