using System.Diagnostics;

namespace CallbackFunctions.Tests.Support;

/// <summary>The app as its own OS process (<c>./run.sh app</c>: the local host on the given settings), so a test can kill it hard.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AppProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, Uri url)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CallbackFunctions.LocalRun.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("app");
        info.Environment["ASPNETCORE_URLS"] = url.AbsoluteUri;
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = url };
        await Eventually.GetAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"the app exited with {process.ExitCode}");
            try { return (await http.GetAsync("/")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, up => up, TimeSpan.FromSeconds(30), "the app process to answer GET /");
        return new AppProcess(process);
    }

    /// <summary>SIGKILL, by PID: no shutdown, no cleanup, like a crashed host.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
