using System.Diagnostics;
using System.Globalization;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// A second instance of the app as its own OS process: this program in <c>app</c> mode (<c>./run.sh app</c>), on the
/// settings it is given (as environment variables, over those this process has), in this working directory. Stopped
/// by its PID: SIGTERM (the app stops in order and lets its partition leases go), then SIGKILL after a grace period.
/// </summary>
public sealed class AppInstanceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private int _warnings;
    private string? _firstWarning;

    private AppInstanceProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }
    public int Pid => _process.Id;

    /// <summary>Warning and error lines the instance logged, and the first of them.</summary>
    public (int Count, string? First) Warnings => (Volatile.Read(ref _warnings), _firstWarning);

    public static async Task<AppInstanceProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, Uri url, CancellationToken ct)
    {
        var dll = typeof(AppInstanceProcess).Assembly.Location;
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var info = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("app");
        info.Environment["ASPNETCORE_URLS"] = url.AbsoluteUri;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the second app instance");
        var instance = new AppInstanceProcess(process, url);
        process.OutputDataReceived += (_, e) => instance.Read(e.Data);
        process.ErrorDataReceived += (_, e) => instance.Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"the second app instance exited with code {process.ExitCode}; first warning: {instance._firstWarning}");
                try
                {
                    if ((await http.GetAsync("/", ct)).IsSuccessStatusCode) return instance;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the second app instance did not answer GET / within 60 s");
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    private void Read(string? line)
    {
        if (line is null || !(line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal) ||
                              line.StartsWith("warn: ", StringComparison.Ordinal) || line.StartsWith("fail: ", StringComparison.Ordinal))) return;
        // App mode listens where ASPNETCORE_URLS says and also binds that URL itself: Kestrel notes it once at start.
        if (line.Contains("Overriding address(es)", StringComparison.Ordinal)) return;
        if (Interlocked.Increment(ref _warnings) == 1) _firstWarning = line.Length > 300 ? line[..300] + "..." : line;
    }

    /// <summary>SIGTERM to this PID, then SIGKILL if it has not ended within 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                    await term!.WaitForExitAsync();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try { await _process.WaitForExitAsync(grace.Token); }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
            // gone meanwhile
        }
        _process.Dispose();
    }
}
