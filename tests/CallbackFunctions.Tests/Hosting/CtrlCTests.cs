using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// Ctrl+C as a terminal sends it: <c>LocalRun.dll</c> (what <c>./run.sh</c> execs once it has built) is started in a
/// process group and session of its own, with SIGINT at its default (a background child of a script or of the test
/// host starts with it ignored), and once it is ready SIGINT goes to the whole group. It says <c>Stopping...</c> at
/// once, ends with a line that starts <c>Stopped.</c> and exits within 3 s of the signal, leaving no process of its
/// group and none of the Azurite services it started (which run in sessions of their own, so the terminal's signal
/// does not reach them before the app has stopped). In the "runs alone" collection: the bound is wall-clock time.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class CtrlCTests
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StoppingBound = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData("run", "Callback events appear below", 0)]
    [InlineData("demo", "Intervals ", 1)] // stopped before its end: not as scripted
    public async Task Stack_OnCtrlCToItsProcessGroup_SaysStoppingAtOnceAndStopsTheAppAndAzuriteWithin3Seconds(string mode, string ready, int exitCode)
    {
        using var dir = new TempDir();
        await using var run = GroupRun.Start([mode, "--log-file", Path.Combine(dir.Path, "run.log")], new Dictionary<string, string>(), dir.Path);
        await run.WaitForLineAsync(ready, TimeSpan.FromSeconds(90));

        var azurite = run.Children();
        Assert.Equal(3, azurite.Count);
        Assert.All(azurite, p => Assert.True(p.Comm == "node" && p.Session == p.Pid && p.Session != run.Pgid,
            $"an Azurite service runs as node in a session of its own: {p}"));

        await run.InterruptGroupAndWaitAsync(StopBound, StoppingBound);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.StartsWith("Stopped. (the app at ", run.Stdout.Last(), StringComparison.Ordinal);
        Assert.Empty(run.GroupMembers());
        Assert.DoesNotContain(azurite, p => ProcessInfo.IsAlive(p.Pid));
    }

    [Fact]
    public async Task App_OnCtrlCToItsProcessGroup_SaysStoppingAtOnceAndStopsWithin3Seconds()
    {
        using var dir = new TempDir();
        var prefix = SharedAzurite.UniquePrefix(nameof(CtrlCTests));
        var url = $"http://127.0.0.1:{Azurite.FreePort()}";
        await using var run = GroupRun.Start(["app"], new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = await SharedAzurite.ConnectionStringAsync(),
            ["DurableTaskHubName"] = LocalStack.TaskHubFor(prefix),
            ["Storage__TablePrefix"] = prefix,
            ["Spool__Path"] = Path.Combine(dir.Path, "spool"),
            ["ASPNETCORE_URLS"] = url,
            ["Logging__LogLevel__Default"] = "Warning",
        }, dir.Path);
        await run.WaitForLineAsync("CallbackFunctions is listening on", TimeSpan.FromSeconds(90));

        await run.InterruptGroupAndWaitAsync(StopBound, StoppingBound);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"Stopped. (the app at {url})", run.Stdout.Last());
        Assert.Empty(run.GroupMembers());
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ctrlc-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>A process as /proc/PID/stat says: its name, parent, process group and session.</summary>
    private sealed record ProcessInfo(int Pid, string Comm, char State, int Parent, int Group, int Session)
    {
        public static IEnumerable<ProcessInfo> All()
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(System.IO.Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
                if (Read(pid) is { } info) yield return info;
            }
        }

        public static ProcessInfo? Read(int pid)
        {
            string stat;
            try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; } // gone meanwhile
            // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses, so split after the last ')'.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var rest = stat[(close + 2)..].Split(' ');
            return new ProcessInfo(pid, stat[(open + 1)..close], rest[0][0],
                int.Parse(rest[1], CultureInfo.InvariantCulture), int.Parse(rest[2], CultureInfo.InvariantCulture), int.Parse(rest[3], CultureInfo.InvariantCulture));
        }

        /// <summary>Running (a zombie has ended; its parent has only not reaped it yet).</summary>
        public static bool IsAlive(int pid) => Read(pid) is { State: not ('Z' or 'X') };

        /// <summary>Whether <paramref name="pid"/> ignores SIGINT (bit 1 of SigIgn, signal 2).</summary>
        public static bool IgnoresSigInt(int pid)
        {
            var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0b10) != 0;
        }
    }

    /// <summary>
    /// <c>LocalRun.dll</c> through <c>setsid env --default-signal=INT dotnet ...</c>: setsid execs in place (the test
    /// host's child is not a group leader), so the child's PID is its process group and session; env puts SIGINT back
    /// to its default before dotnet starts. Every process of the group, and the children it had, are killed when
    /// disposed, whatever the test did.
    /// </summary>
    private sealed class GroupRun : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<(TimeSpan At, string Line)> _stdout = new();
        private readonly ConcurrentQueue<string> _stderr = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<int> _children = [];

        private GroupRun(Process process) => _process = process;

        public int Pgid => _process.Id;
        public IReadOnlyList<string> Stdout => [.. _stdout.Select(l => l.Line)];
        public int ExitCode => _process.ExitCode;

        public static GroupRun Start(IReadOnlyList<string> args, Dictionary<string, string> environment, string workingDirectory)
        {
            var info = new ProcessStartInfo("/usr/bin/setsid")
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory,
            };
            foreach (var a in new[] { "/usr/bin/env", "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "CallbackFunctions.LocalRun.dll") })
                info.ArgumentList.Add(a);
            foreach (var a in args) info.ArgumentList.Add(a);
            // Only the test's settings: none of the app's inherited from the test process.
            foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Callbacks__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Twilio__", StringComparison.OrdinalIgnoreCase)).ToList())
                info.Environment.Remove(key);
            foreach (var (k, v) in environment) info.Environment[k] = v;
            var run = new GroupRun(Process.Start(info)!);
            run._process.OutputDataReceived += (_, e) => { if (e.Data is not null) run._stdout.Enqueue((run._clock.Elapsed, e.Data)); };
            run._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) run._stderr.Enqueue(e.Data); };
            run._process.BeginOutputReadLine();
            run._process.BeginErrorReadLine();
            return run;
        }

        public async Task WaitForLineAsync(string prefix, TimeSpan timeout)
        {
            var deadline = _clock.Elapsed + timeout;
            while (!_stdout.Any(l => l.Line.StartsWith(prefix, StringComparison.Ordinal)))
            {
                if (_process.HasExited) throw new Xunit.Sdk.XunitException($"it exited with {_process.ExitCode} before '{prefix}':\n{Describe()}");
                if (_clock.Elapsed > deadline) throw new Xunit.Sdk.XunitException($"no line '{prefix}' within {timeout.TotalSeconds:0} s:\n{Describe()}");
                await Task.Delay(50);
            }
        }

        /// <summary>Its children now (the Azurite services), remembered so that disposing kills them too.</summary>
        public IReadOnlyList<ProcessInfo> Children()
        {
            var children = ProcessInfo.All().Where(p => p.Parent == _process.Id).ToList();
            _children.AddRange(children.Select(c => c.Pid));
            return children;
        }

        /// <summary>Processes of its group still running.</summary>
        public IReadOnlyList<ProcessInfo> GroupMembers() => [.. ProcessInfo.All().Where(p => p.Group == Pgid && ProcessInfo.IsAlive(p.Pid))];

        /// <summary>
        /// SIGINT to the whole group, as a terminal's Ctrl+C; asserts "Stopping..." within <paramref name="stopping"/> and
        /// the exit within <paramref name="bound"/> (waiting at most 15 s more, to say how long it took).
        /// </summary>
        public async Task InterruptGroupAndWaitAsync(TimeSpan bound, TimeSpan stopping)
        {
            var me = ProcessInfo.Read(_process.Id)!;
            Assert.True(me is { Comm: "dotnet" } && me.Group == me.Pid && me.Session == me.Pid, $"the runner leads its own group and session: {me}");
            Assert.False(ProcessInfo.IgnoresSigInt(_process.Id), "SIGINT is ignored by the runner, as by a background job: the test would prove nothing");
            var sent = _clock.Elapsed;
            Assert.Equal(0, await SignalGroupAsync("-INT"));
            using var limit = new CancellationTokenSource(bound + TimeSpan.FromSeconds(15));
            try { await _process.WaitForExitAsync(limit.Token); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException($"still running {(_clock.Elapsed - sent).TotalSeconds:0} s after SIGINT:\n{Describe()}"); }
            var exited = _clock.Elapsed - sent;

            var stoppingAt = _stdout.Where(l => l.Line == "Stopping...").Select(l => (TimeSpan?)(l.At - sent)).FirstOrDefault();
            Assert.True(stoppingAt is { } s && s <= stopping, $"'Stopping...' {(stoppingAt is { } t ? $"{t.TotalMilliseconds:0} ms" : "never")} after SIGINT:\n{Describe()}");
            Assert.True(exited <= bound, $"exited {exited.TotalSeconds:0.00} s after SIGINT:\n{Describe()}");
            Assert.Single(_stdout, l => l.Line == "Stopping...");
            Assert.Empty(_stderr);
        }

        /// <summary><c>kill SIGNAL -- -PGID</c>: the signal to every process of the group; its exit code.</summary>
        private async Task<int> SignalGroupAsync(string signal)
        {
            var info = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
            foreach (var a in new[] { signal, "--", "-" + Pgid.ToString(CultureInfo.InvariantCulture) }) info.ArgumentList.Add(a);
            using var kill = Process.Start(info)!;
            await kill.StandardError.ReadToEndAsync();
            await kill.WaitForExitAsync();
            return kill.ExitCode;
        }

        private string Describe() => "stdout:\n" + string.Join('\n', _stdout.Select(l => $"{l.At.TotalSeconds,8:0.000}  {l.Line}")) + "\nstderr:\n" + string.Join('\n', _stderr);

        public async ValueTask DisposeAsync()
        {
            await SignalGroupAsync("-KILL"); // "no such process" once it has all ended, as it should have
            foreach (var child in _children.Where(ProcessInfo.IsAlive))
            {
                try { Process.GetProcessById(child).Kill(); }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException) { } // gone meanwhile
            }
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(bound.Token); }
            catch (OperationCanceledException) { }
            _process.Dispose();
        }
    }
}
