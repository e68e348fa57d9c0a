using System.Diagnostics;
using System.Text;

namespace CallbackFunctions.WebConsole.Tests.Support;

/// <summary>
/// Runs one browser scenario, <c>node browser/{name}.mjs</c> (playwright-core driving Debian's <c>/usr/bin/chromium</c>,
/// headless), against a running app: the base URL and the function key go in the environment, never on a command
/// line. The scenario exits 0 or prints <c>FAILED: why</c> and exits 1; a scenario still running after its deadline is
/// killed with its browser (by its PID, the whole tree).
/// </summary>
public static class BrowserScenario
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>The repository's root (where node_modules and the scenarios are), found from the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Where the scenarios save their screenshots: <c>CONSOLE_SCREENSHOTS</c> (docs/console to refresh README's), else a temporary folder.</summary>
    public static string Screenshots { get; } = Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS") is { Length: > 0 } dir
        ? Path.GetFullPath(dir, Root)
        : Path.Combine(Path.GetTempPath(), "callbackfunctions-console-screenshots");

    /// <param name="onLine">Told each line the scenario prints, as it prints it: a scenario prints <c>READY ...</c> when the page
    /// waits for something the test does (a call to ring an agent), which the test then does.</param>
    public static async Task<string> RunAsync(string name, Uri appUrl, IReadOnlyDictionary<string, string>? values = null, string functionKey = "",
        Func<string, Task>? onLine = null)
    {
        foreach (var (what, path) in new[] { ("Debian's chromium (apt-get install -y chromium)", "/usr/bin/chromium"),
                     ("playwright-core (npm ci)", Path.Combine(Root, "node_modules/playwright-core/package.json")),
                     ("axe-core (npm ci)", Path.Combine(Root, "node_modules/axe-core/axe.min.js")) })
            Assert.True(File.Exists(path), $"{what} is missing: {path} (./test.sh installs it)");

        var script = Path.Combine(Root, "tests/CallbackFunctions.Console.Tests/browser", name + ".mjs");
        var start = new ProcessStartInfo("node", [script])
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["CONSOLE_BASE_URL"] = appUrl.ToString();
        start.Environment["CONSOLE_FUNCTION_KEY"] = functionKey;
        start.Environment["CONSOLE_SCREENSHOTS"] = Screenshots;
        foreach (var (key, value) in values ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var reading = Task.WhenAll(Pump(process.StandardOutput, output, onLine), Pump(process.StandardError, output, null));
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"browser scenario {name} did not end within {Deadline.TotalSeconds} s:\n{output}");
        }
        await reading;
        Assert.True(process.ExitCode == 0, $"browser scenario {name} failed (exit {process.ExitCode}):\n{output}");
        return output.ToString();
    }

    private static async Task Pump(StreamReader reader, StringBuilder into, Func<string, Task>? onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (into) into.AppendLine(line);
            if (onLine is not null) await onLine(line);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CallbackFunctions.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no CallbackFunctions.sln above {AppContext.BaseDirectory}");
    }
}
