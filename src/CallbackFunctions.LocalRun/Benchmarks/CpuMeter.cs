using System.Diagnostics;
using System.Globalization;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// CPU time of this process (the app, the simulator and the benchmark's client share it) and of its children (Azurite's
/// node), from /proc, so each phase can say where the cores went.
/// </summary>
public sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public sealed record Sample(TimeSpan Wall, double SelfSeconds, double ChildSeconds);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Sample Now() => new(_clock.Elapsed, Ticks(Environment.ProcessId) / TicksPerSecond, Children().Sum(Ticks) / TicksPerSecond);

    /// <summary>e.g. "cpu: app+simulator+client 1.10 cores, Azurite 0.95 cores (of 2)".</summary>
    public string Since(Sample start)
    {
        var now = Now();
        var wall = (now.Wall - start.Wall).TotalSeconds;
        if (wall <= 0) return "cpu: n/a";
        return string.Create(CultureInfo.InvariantCulture,
            $"cpu: app+simulator+client {(now.SelfSeconds - start.SelfSeconds) / wall:0.00} cores, Azurite (node) {(now.ChildSeconds - start.ChildSeconds) / wall:0.00} cores (of {Environment.ProcessorCount})");
    }

    private static IEnumerable<int> Children()
    {
        var me = Environment.ProcessId;
        foreach (var dir in SafeDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == me) continue;
            var fields = StatFields(pid);
            if (fields is not null && fields.Length > 1 && fields[1] == me.ToString(CultureInfo.InvariantCulture)) yield return pid;
        }
    }

    /// <summary>utime + stime of a process (fields 14 and 15 of /proc/pid/stat), in ticks.</summary>
    private static long Ticks(int pid)
    {
        var fields = StatFields(pid);
        if (fields is null || fields.Length < 13) return 0;
        // StatFields starts after the ")" that closes the command name: state is [0], ppid [1], utime [11], stime [12].
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close < 0 ? null : stat[(close + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[] SafeDirectories(string path)
    {
        try { return Directory.GetDirectories(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
