using System.Globalization;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>The sizes of one benchmark run. <c>--quick</c> shrinks everything for a smoke run (not for figures).</summary>
public sealed record BenchSettings
{
    /// <summary>The phases, in the order they run (each on a fresh stack); <c>--only</c> takes a comma-separated list of these names.</summary>
    public static readonly IReadOnlyList<string> Phases = ["timer200", "timer1000", "burst", "freed", "ops", "webhook"];

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
    /// <summary>How long after its last answer a step may take to show every callback (spooled webhooks replay late).</summary>
    public TimeSpan SettleLimit { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How long after the last due moment the light timer load may take to reach every customer.</summary>
    public TimeSpan LightTimerTail { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>The same for the heavy load; a callback with no agent call by then is counted as later than this.</summary>
    public TimeSpan HeavyTimerTail { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long the burst may take to drain; not drained by then is reported as such.</summary>
    public TimeSpan BurstLimit { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>
    /// The whole run stops by itself after this; the phases' own limits (spreads, tails, the storage count's run-on, the
    /// webhook steps) are meant to keep it to about 10 minutes on 2 cores.
    /// </summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(12);
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
            };
        }
        if (args.Contains("--detail")) settings = settings with { Detail = true };
        var only = args.ToList().IndexOf("--only");
        if (only >= 0 && only + 1 < args.Count)
        {
            var names = args[only + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
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
