using System.Globalization;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>The sizes of one benchmark run. <c>--quick</c> shrinks everything for a smoke run (not for figures).</summary>
public sealed record BenchSettings
{
    public int Agents { get; init; } = 1000;
    public int TimerCallbacks { get; init; } = 1000;
    public TimeSpan TimerSpread { get; init; } = TimeSpan.FromSeconds(60);
    public int BurstCallbacks { get; init; } = 1000;
    public int StorageCostCallbacks { get; init; } = 100;
    public int RawOperations { get; init; } = 2000;
    public int RawConcurrency { get; init; } = 16;
    public int LatencyRate { get; init; } = 100;
    public TimeSpan LatencyDuration { get; init; } = TimeSpan.FromSeconds(10);
    public IReadOnlyList<int> StepRates { get; init; } = [200, 400, 800, 1600];
    public TimeSpan StepDuration { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long after its last answer a step may take to show every callback (spooled webhooks replay late).</summary>
    public TimeSpan SettleLimit { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>The whole run stops by itself after this.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(9);
    /// <summary>No new load step starts after this much of the run.</summary>
    public TimeSpan StepCutoff { get; init; } = TimeSpan.FromMinutes(7.25);
    public bool Quick { get; init; }
    /// <summary><c>--only timer,burst,ops,webhook</c>: run only these phases (to look into one figure; not for the README).</summary>
    public IReadOnlySet<string>? Only { get; init; }

    /// <summary><c>--detail</c>: also list every stall, the slow storage requests and the latest wake-ups.</summary>
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
                Agents = 200,
                TimerCallbacks = 100,
                TimerSpread = TimeSpan.FromSeconds(10),
                BurstCallbacks = 200,
                StorageCostCallbacks = 50,
                RawOperations = 500,
                LatencyDuration = TimeSpan.FromSeconds(3),
                StepRates = [200, 400],
                StepDuration = TimeSpan.FromSeconds(2),
            };
        }
        if (args.Contains("--detail")) settings = settings with { Detail = true };
        var only = args.ToList().IndexOf("--only");
        if (only >= 0 && only + 1 < args.Count)
            settings = settings with { Only = args[only + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase) };
        return settings;
    }

    public static string Ms(TimeSpan t) => Ms(t.TotalMilliseconds);

    public static string Ms(double ms) => ms.ToString(ms < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";

    public static string N(double value, string format = "0") => value.ToString(format, CultureInfo.InvariantCulture);
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
