using System.Globalization;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>The sizes of one benchmark run. <c>--quick</c> shrinks everything for a smoke run (not for figures).</summary>
public sealed record BenchSettings
{
    /// <summary>The phases, in the order they run (each on a fresh stack); <c>--only</c> takes a comma-separated list of these names.</summary>
    public static readonly IReadOnlyList<string> Phases = ["timer200", "timer1000", "burst", "freed", "ops", "webhook", "steady", "busy", "partitions", "twoinstances"];

    /// <summary>
    /// Other names <c>--only</c> takes for a phase: the floor is measured in the storage phase, on the same stack as
    /// our count (the ratio needs both from one run).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["floor"] = "ops" };

    /// <summary>The light timer load: this many callbacks due evenly over <see cref="TimerSpread"/>.</summary>
    public int LightTimerCallbacks { get; init; } = 200;
    /// <summary>The heavy timer load.</summary>
    public int HeavyTimerCallbacks { get; init; } = 1000;
    public TimeSpan TimerSpread { get; init; } = TimeSpan.FromSeconds(60);
    public int BurstCallbacks { get; init; } = 1000;
    /// <summary>Agents freed one at a time while callbacks wait for one: one sample each.</summary>
    public int FreedSamples { get; init; } = 50;
    /// <summary>Callbacks waiting for an agent beyond the samples, so the last sample still has a queue behind it.</summary>
    public int FreedExtraWaiting { get; init; } = 10;
    /// <summary>Between two samples, so that the callbacks the last one woke have mostly gone back to waiting.</summary>
    public TimeSpan FreedPause { get; init; } = TimeSpan.FromMilliseconds(300);
    public int StorageCostCallbacks { get; init; } = 100;
    public int RawOperations { get; init; } = 2000;
    public int RawConcurrency { get; init; } = 16;
    public int LatencyRate { get; init; } = 100;
    public TimeSpan LatencyDuration { get; init; } = TimeSpan.FromSeconds(10);
    public IReadOnlyList<int> StepRates { get; init; } = [200, 400, 800, 1600];
    public TimeSpan StepDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The steady load (DESIGN §1 "Realistic load"): this many callbacks due a second, for <see cref="SteadyDuration"/>.</summary>
    public double SteadyRate { get; init; } = 1;
    public TimeSpan SteadyDuration { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Callbacks queued for later (due an hour on) while the steady load runs, as a contact centre has.</summary>
    public int SteadyPending { get; init; } = 2000;
    /// <summary>The busy load: this many due a second, for <see cref="BusyDuration"/>.</summary>
    public double BusyRate { get; init; } = 5;
    public TimeSpan BusyDuration { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>The steady load again with 4 partitions (and with 1, when the steady phase did not run), this long.</summary>
    public TimeSpan PartitionsDuration { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>The partition count compared with host.json's 1.</summary>
    public int OtherPartitionCount { get; init; } = 4;
    /// <summary>How long before its due moment each callback of these loads is made.</summary>
    public TimeSpan LoadLead { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How long after the last due moment these loads may take to reach every customer.</summary>
    public TimeSpan LoadTail { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Agents serving a load's queue (calls last about a second, so far fewer than the callbacks suffice).</summary>
    public int LoadAgents { get; init; } = 100;
    /// <summary>Two instances: missed-call webhooks a second to the instance without the partition, for <see cref="TwoInstanceDuration"/>.</summary>
    public int TwoInstanceRate { get; init; } = 20;
    public TimeSpan TwoInstanceDuration { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Callbacks queued beforehand, each cancelled by a served webhook (one at a time, during the load).</summary>
    public int TwoInstancePrepared { get; init; } = 200;

    /// <summary>Callbacks in the steady load.</summary>
    public int SteadyCallbacks => (int)Math.Round(SteadyRate * SteadyDuration.TotalSeconds);
    public int BusyCallbacks => (int)Math.Round(BusyRate * BusyDuration.TotalSeconds);
    public int PartitionsCallbacks => (int)Math.Round(SteadyRate * PartitionsDuration.TotalSeconds);
    /// <summary>Callers of the two-instance phase: the prepared ones, the load's and 10 for the warm-up.</summary>
    public int TwoInstanceCallers => TwoInstancePrepared + (int)Math.Round(TwoInstanceRate * TwoInstanceDuration.TotalSeconds) + 10;
    /// <summary>How long after its last answer a step may take to show every callback (spooled webhooks replay late).</summary>
    public TimeSpan SettleLimit { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How long after the last due moment the light timer load may take to reach every customer.</summary>
    public TimeSpan LightTimerTail { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>The same for the heavy load; a callback with no agent call by then is counted as later than this.</summary>
    public TimeSpan HeavyTimerTail { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long the burst may take to drain; not drained by then is reported as such.</summary>
    public TimeSpan BurstLimit { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>
    /// The whole run stops by itself after this; the phases' own limits (spreads, loads, tails, the storage count's
    /// run-on, the webhook steps) are meant to keep it to about 23 minutes on 2 cores.
    /// </summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(32);
    /// <summary>No new webhook load step starts after this much of the run.</summary>
    public TimeSpan StepCutoff { get; init; } = TimeSpan.FromMinutes(10.75);
    public bool Quick { get; init; }
    /// <summary>Callbacks whose Durable history is read to see where a due timer's time went (evenly over the due moments).</summary>
    public int TracedCallbacks { get; init; } = 100;
    /// <summary><c>--only timer200,burst,...</c>: run only these phases (to look into one figure; not for the README).</summary>
    public IReadOnlySet<string>? Only { get; init; }
    /// <summary>Names given to <c>--only</c> that are no phase (the run then stops at once, saying so).</summary>
    public IReadOnlyList<string> UnknownPhases { get; init; } = [];

    /// <summary><c>--detail</c>: also list every stall, the slow storage requests, the latest agent calls and every request kind.</summary>
    public bool Detail { get; init; }

    public bool Runs(string phase) => Only is null || Only.Contains(phase);

    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new BenchSettings();
        if (args.Contains("--quick"))
        {
            settings = settings with
            {
                Quick = true,
                LightTimerCallbacks = 50,
                HeavyTimerCallbacks = 100,
                TimerSpread = TimeSpan.FromSeconds(10),
                BurstCallbacks = 100,
                FreedSamples = 5,
                FreedExtraWaiting = 3,
                StorageCostCallbacks = 20,
                RawOperations = 500,
                LatencyDuration = TimeSpan.FromSeconds(3),
                StepRates = [200],
                StepDuration = TimeSpan.FromSeconds(2),
                SettleLimit = TimeSpan.FromSeconds(10),
                SteadyDuration = TimeSpan.FromSeconds(20),
                SteadyPending = 100,
                BusyDuration = TimeSpan.FromSeconds(10),
                PartitionsDuration = TimeSpan.FromSeconds(15),
                LoadTail = TimeSpan.FromSeconds(15),
                LoadAgents = 20,
                TwoInstanceDuration = TimeSpan.FromSeconds(5),
                TwoInstancePrepared = 30,
            };
        }
        if (args.Contains("--detail")) settings = settings with { Detail = true };
        var only = args.ToList().IndexOf("--only");
        if (only >= 0 && only + 1 < args.Count)
        {
            var given = args[only + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var names = given.Select(n => Aliases.GetValueOrDefault(n, n)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            settings = settings with { Only = names, UnknownPhases = [.. names.Where(n => !Phases.Contains(n, StringComparer.OrdinalIgnoreCase))] };
        }
        return settings;
    }

    public static string Ms(TimeSpan t) => Ms(t.TotalMilliseconds);

    public static string Ms(double ms) => double.IsNaN(ms) ? "n/a" : ms.ToString(Math.Abs(ms) < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Milliseconds, or seconds from 10 s up (lateness and drains run to seconds).</summary>
    public static string Time(double ms) => double.IsNaN(ms) ? "n/a" : Math.Abs(ms) >= 10_000 ? N(ms / 1000, "0.0") + " s" : Ms(ms);

    public static string N(double value, string format = "0") => double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A count for a load label: 1,000.</summary>
    public static string Count(int value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}

/// <summary>Nearest-rank percentiles of a sample.</summary>
public static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
