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

    public sealed record Sample(TimeSpan Wall, double SelfSeconds, double ChildSeconds, double MachineBusySeconds);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Sample Now() => new(_clock.Elapsed, Ticks(Environment.ProcessId) / TicksPerSecond, Children().Sum(Ticks) / TicksPerSecond, MachineBusy() / TicksPerSecond);

    /// <summary>The 1-minute load average (other work on a shared machine skews every figure).</summary>
    public static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    /// <summary>e.g. "cpu: app+simulator+client 1.10 cores, Azurite 0.95 cores (of 2)".</summary>
    public string Since(Sample start)
    {
        var now = Now();
        var wall = (now.Wall - start.Wall).TotalSeconds;
        if (wall <= 0) return "cpu: n/a";
        var self = (now.SelfSeconds - start.SelfSeconds) / wall;
        var child = (now.ChildSeconds - start.ChildSeconds) / wall;
        var busy = (now.MachineBusySeconds - start.MachineBusySeconds) / wall;
        return string.Create(CultureInfo.InvariantCulture,
            $"cpu: app+simulator+client {self:0.00} cores, Azurite (node) {child:0.00}, other processes {Math.Max(0, busy - self - child):0.00} (of {Environment.ProcessorCount})");
    }

    /// <summary>
    /// e.g. "cpu: app+simulator+client 0.50 cores, everything else 1.10 (of 2)", for a span over which child processes
    /// came and went (Azurite, one per phase): their time cannot be read once they have exited.
    /// </summary>
    public string SinceWithoutChildren(Sample start)
    {
        var now = Now();
        var wall = (now.Wall - start.Wall).TotalSeconds;
        if (wall <= 0) return "cpu: n/a";
        var self = (now.SelfSeconds - start.SelfSeconds) / wall;
        var busy = (now.MachineBusySeconds - start.MachineBusySeconds) / wall;
        return string.Create(CultureInfo.InvariantCulture,
            $"cpu: app+simulator+client {self:0.00} cores, everything else (Azurite and other processes) {Math.Max(0, busy - self):0.00} (of {Environment.ProcessorCount})");
    }

    /// <summary>Busy ticks of the whole machine: the "cpu" line of /proc/stat minus idle and iowait.</summary>
    private static long MachineBusy()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal (guest time is already in user)
            return cpu.Take(8).Sum() - cpu[3] - cpu[4];
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
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
