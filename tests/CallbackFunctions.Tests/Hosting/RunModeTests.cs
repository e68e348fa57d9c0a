using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CallbackFunctions.LocalRun;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// <c>./run.sh</c> (run mode) as a user meets it: <c>LocalRun.dll run</c> as a child process, killed by PID in the
/// end. Settings from the environment and local.settings.json override the embedded defaults and a bad one stops the
/// run at once; ports can be pinned; only the startup lines, callback events and why a lost call made no callback
/// reach stdout; the printed curl places a call and the printed ids work in the API. With local.settings.sample.json
/// copied, run mode runs on its minute timings and app mode refuses its placeholders.
/// </summary>
public sealed partial class RunModeTests
{
    /// <summary>A log line as the file log or the console logger writes it ("12:00:00.000 info Category: ..." or "info: ...").</summary>
    [GeneratedRegex(@"^(\d\d:\d\d:\d\d\.\d{3} )?(trce|dbug|info|warn|fail|crit)\b")]
    private static partial Regex LogLine();

    [GeneratedRegex(@"^\d\d:\d\d:\d\d\.\d{3}  (?<id>\S+)  ")]
    private static partial Regex EventLine();

    [GeneratedRegex(@"^\d\d:\d\d:\d\d\.\d{3}  no callback for ")]
    private static partial Regex NoCallbackLine();

    [Fact]
    public async Task Run_WithAGarbageSetting_ExitsAtOnceNamingIt()
    {
        await using var run = RunProcess.Start(["run"], new() { ["Callbacks__Intervals"] = "garbage" });
        var code = await run.ExitCodeAsync(TimeSpan.FromSeconds(20));

        Assert.NotEqual(0, code);
        var error = Assert.Single(run.Stderr);
        Assert.Contains("Callbacks:Intervals", error, StringComparison.Ordinal);
        Assert.Contains("'garbage'", error, StringComparison.Ordinal);
        Assert.Contains("Callbacks__Intervals is set in the environment", error, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Stdout, l => l.StartsWith("App:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WithABadSettingInLocalSettingsJson_ExitsNamingItAndTheFile()
    {
        using var dir = new TempDir();
        dir.Write("local.settings.json", """{ "Values": { "Callbacks__Expiry": "-00:00:05" } }""");
        await using var run = RunProcess.Start(["run"], [], dir.Path);
        var code = await run.ExitCodeAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, code);
        var error = Assert.Single(run.Stderr);
        Assert.Contains("expiry must be positive", error, StringComparison.Ordinal);
        Assert.Contains("Callbacks__Expiry is set in local.settings.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_WithTheSampleSettingsCopied_RefusesEachPlaceholderByNameAndExits2()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(RepositoryRoot.Find(), "local.settings.sample.json"), Path.Combine(dir.Path, "local.settings.json"));
        await using var run = RunProcess.Start(["app"], [], dir.Path);
        var code = await run.ExitCodeAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, code);
        Assert.Collection(run.Stderr,
            l => Assert.Equal("Bad settings:", l),
            l => Assert.Matches(@"^  Twilio:AccountSid is a placeholder \('ACx+'\): put there .* \(Twilio__AccountSid is set in local.settings.json\)$", l),
            l => Assert.Matches(@"^  Twilio:AuthToken is a placeholder \('your-\*\*\*'\): put there .* \(Twilio__AuthToken is set in local.settings.json\)$", l),
            l => Assert.Matches(@"^  Twilio:WebhookBaseUrl is a placeholder \('https://your-public-host.example.com/'\): put there .* \(Twilio__WebhookBaseUrl is set in local.settings.json\)$", l));
        Assert.DoesNotContain(run.Stderr, l => l.Contains("your-auth-token", StringComparison.Ordinal));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Run_WithTheSampleSettingsCopied_RunsOnItsMinuteTimingsAndIgnoresItsPlaceholders()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(RepositoryRoot.Find(), "local.settings.sample.json"), Path.Combine(dir.Path, "local.settings.json"));
        await using var run = RunProcess.Start(["run"], [], dir.Path);
        await run.WaitForLineAsync(l => l.StartsWith("Callback events appear below", StringComparison.Ordinal), TimeSpan.FromSeconds(90));

        var output = string.Join('\n', run.Stdout);
        Assert.Contains("intervals 00:01:00,00:05:00,00:10:00, expiry 01:00:00", output, StringComparison.Ordinal);
        Assert.Contains("Twilio__AuthToken (from local.settings.json)", output, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
        Assert.Equal(0, await run.StopAsync(TimeSpan.FromSeconds(30)));
        var logPath = run.Stdout.Single(l => l.StartsWith("Logs:", StringComparison.Ordinal))["Logs:".Length..].Split(" (")[0].Trim();
        File.Delete(logPath);
    }

    [Fact]
    public async Task Run_WithATakenPort_ExitsNamingThePort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var run = RunProcess.Start(["run", "--app-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], []);
        var code = await run.ExitCodeAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, code);
        var error = Assert.Single(run.Stderr);
        Assert.Contains($"Port {port} (--app-port) is already in use", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NamesEveryModeAndOption_AndRunShHeaderDocumentsTheOptions()
    {
        await using var run = RunProcess.Start(["--help"], []);
        Assert.Equal(0, await run.ExitCodeAsync(TimeSpan.FromSeconds(20)));
        var help = string.Join('\n', run.Stdout);
        var header = string.Join('\n', File.ReadLines(Path.Combine(RepositoryRoot.Find(), "run.sh")).TakeWhile(l => l.StartsWith('#')));
        foreach (var word in new[] { "run", "demo", "app", "bench", "--app-port", "--sim-port", "--verbose", "--log-file", "--help", "Callbacks__Intervals" })
        {
            Assert.Contains(word, help, StringComparison.Ordinal);
            Assert.Contains(word, header, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_WithOverridesAndPinnedPorts_ShowsThemAnswersThereAndKeepsLogsOffStdout()
    {
        using var dir = new TempDir();
        // The environment wins over local.settings.json, which wins over the embedded defaults; the stack keeps its wiring.
        dir.Write("local.settings.json", """
            { "IsEncrypted": false, "Values": {
                "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
                "AzureWebJobsStorage": "UseDevelopmentStorage=true",
                "Twilio__AuthToken": "not-the-simulators",
                "Twilio__ApiBaseUrl": "https://api.twilio.com",
                "Callbacks__CustomerRingTimeout": "00:00:09",
                "Callbacks__Expiry": "00:00:40" } }
            """);
        var appPort = FreePort();
        var simPort = FreePort(except: appPort);
        await using var run = RunProcess.Start(
            ["run", "--app-port", appPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sim-port", simPort.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new() { ["Callbacks__Expiry"] = "00:00:30" }, dir.Path);
        await run.WaitForLineAsync(l => l.StartsWith("Callback events appear below", StringComparison.Ordinal), TimeSpan.FromSeconds(90));

        var output = string.Join('\n', run.Stdout);
        Assert.Contains($"App:        http://127.0.0.1:{appPort}/  (--app-port)", output, StringComparison.Ordinal);
        Assert.Contains($"Simulator:  http://127.0.0.1:{simPort}/  (--sim-port)", output, StringComparison.Ordinal);
        Assert.Contains("Callbacks__CustomerRingTimeout (from local.settings.json)", output, StringComparison.Ordinal);
        Assert.Contains("Callbacks__Expiry (from the environment)", output, StringComparison.Ordinal);
        Assert.Contains("expiry 00:00:30", output, StringComparison.Ordinal);
        Assert.Contains("customer ring timeout 00:00:09", output, StringComparison.Ordinal);
        Assert.Contains("intervals 00:00:03,", output, StringComparison.Ordinal);
        Assert.Contains("not used here: AzureWebJobsStorage (from local.settings.json), Twilio__ApiBaseUrl (from local.settings.json), Twilio__AuthToken (from local.settings.json)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-simulators", output, StringComparison.Ordinal);
        var logPath = run.Stdout.Single(l => l.StartsWith("Logs:", StringComparison.Ordinal))["Logs:".Length..].Split(" (")[0].Trim();

        using var app = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{appPort}"), Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/")).StatusCode);

        // The banner's curl places a call that its caller hangs up in the queue: the event line's id is the callback's
        // id in the API, as printed.
        var (curlUrl, curlBody) = PrintedCurl(run.Stdout);
        Assert.Equal($"http://127.0.0.1:{simPort}/sim/inbound-calls", curlUrl);
        Assert.Contains($"action=\\\"http://127.0.0.1:{appPort}/api/twilio/missed-call?queue=support\\\"", curlBody, StringComparison.Ordinal);
        using var sim = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var placed = await sim.PostAsync(curlUrl, new StringContent(curlBody, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var line = await run.WaitForLineAsync(l => EventLine().IsMatch(l), TimeSpan.FromSeconds(30));
        var id = EventLine().Match(line).Groups["id"].Value;
        var detail = await app.GetAsync($"/api/callbacks/{id}");
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Contains(id, await detail.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A caller lost where the URL names no queue: the console says why no callback came, number masked.
        var lost = await sim.PostAsJsonAsync(curlUrl, new
        {
            from = "+14155550612", to = LocalStack.SupportNumber, queueOutcome = "hangup",
            twiml = $"<Response><Enqueue action=\"http://127.0.0.1:{appPort}/api/twilio/missed-call\">support</Enqueue></Response>",
        });
        Assert.Equal(HttpStatusCode.Created, lost.StatusCode);
        await run.WaitForLineAsync(l => NoCallbackLine().IsMatch(l) && l.EndsWith("  no callback for +1415***0612: no ?queue= in the webhook URL and no Callbacks__DefaultQueue",
            StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        // The app logged (to the file), yet no log line reached stdout or stderr.
        await Support.Eventually.GetAsync(() => Task.FromResult(File.Exists(logPath) && ReadShared(logPath).Contains(id, StringComparison.Ordinal)),
            found => found, TimeSpan.FromSeconds(10), "the app's log of the callback in " + logPath);
        Assert.DoesNotContain(run.Stdout, l => LogLine().IsMatch(l));
        Assert.Empty(run.Stderr);

        Assert.Equal(0, await run.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("Stopped. (the app at ", run.Stdout.Last(), StringComparison.Ordinal);
        File.Delete(logPath);
    }

    /// <summary>The URL and the JSON body of the banner's two-line <c>curl -s -X POST "URL" ... \ -d 'BODY'</c>.</summary>
    private static (string Url, string Body) PrintedCurl(IReadOnlyList<string> stdout)
    {
        var at = stdout.ToList().FindIndex(l => l.StartsWith("  curl -s -X POST \"", StringComparison.Ordinal));
        Assert.True(at >= 0 && at + 1 < stdout.Count, "the banner prints a curl that places a call");
        var url = stdout[at].Split('"')[1];
        var body = stdout[at + 1].Trim();
        Assert.StartsWith("-d '", body, StringComparison.Ordinal);
        Assert.EndsWith("'", body, StringComparison.Ordinal);
        return (url, body[4..^1]);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private static int FreePort(int except = 0)
    {
        while (true)
        {
            var port = Azurite.FreePort();
            if (port != except) return port;
        }
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("runmode-").FullName;
        public void Write(string name, string text) => File.WriteAllText(System.IO.Path.Combine(Path, name), text);
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary><c>LocalRun.dll</c> as a child process; stopped (TERM, then KILL of its tree) by PID when disposed.</summary>
    private sealed class RunProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _stdout = new();
        private readonly ConcurrentQueue<string> _stderr = new();
        private readonly SemaphoreSlim _lines = new(0);

        private readonly TempDir? _dir;

        private RunProcess(Process process, TempDir? dir)
        {
            _process = process;
            _dir = dir;
        }

        public IReadOnlyList<string> Stdout => [.. _stdout];
        public IReadOnlyList<string> Stderr => [.. _stderr];

        public static RunProcess Start(IReadOnlyList<string> args, Dictionary<string, string> environment, string? workingDirectory = null)
        {
            // No local.settings.json but the test's own (the repository root may hold a developer's).
            var dir = workingDirectory is null ? new TempDir() : null;
            var info = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
                WorkingDirectory = workingDirectory ?? dir!.Path,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CallbackFunctions.LocalRun.dll"));
            foreach (var a in args) info.ArgumentList.Add(a);
            // Only the test's settings: none of the app's inherited from the test process.
            foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Callbacks__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Twilio__", StringComparison.OrdinalIgnoreCase)).ToList())
                info.Environment.Remove(key);
            foreach (var (k, v) in environment) info.Environment[k] = v;
            var run = new RunProcess(Process.Start(info)!, dir);
            run._process.OutputDataReceived += (_, e) => run.Add(run._stdout, e.Data);
            run._process.ErrorDataReceived += (_, e) => run.Add(run._stderr, e.Data);
            run._process.BeginOutputReadLine();
            run._process.BeginErrorReadLine();
            return run;
        }

        private void Add(ConcurrentQueue<string> lines, string? line)
        {
            if (line is null) return;
            lines.Enqueue(line);
            _lines.Release();
        }

        public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (_stdout.FirstOrDefault(match) is { } line) return line;
                if (_process.HasExited) throw new Xunit.Sdk.XunitException($"run exited with {_process.ExitCode} first:\n{Describe()}");
                var left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero) throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds:0} s waiting for a line:\n{Describe()}");
                await _lines.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
            }
        }

        public async Task<int> ExitCodeAsync(TimeSpan timeout)
        {
            using var bound = new CancellationTokenSource(timeout);
            try { await _process.WaitForExitAsync(bound.Token); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException($"run did not exit within {timeout.TotalSeconds:0} s:\n{Describe()}"); }
            return _process.ExitCode;
        }

        /// <summary>SIGTERM by PID (as run.sh forwards Ctrl+C), then the exit code.</summary>
        public async Task<int> StopAsync(TimeSpan timeout)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
                await kill.WaitForExitAsync();
            return await ExitCodeAsync(timeout);
        }

        private string Describe() => "stdout:\n" + string.Join('\n', _stdout) + "\nstderr:\n" + string.Join('\n', _stderr);

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await _process.WaitForExitAsync(bound.Token);
                }
            }
            catch (InvalidOperationException) { } // exited meanwhile
            _process.Dispose();
            _lines.Dispose();
            _dir?.Dispose();
        }
    }
}
