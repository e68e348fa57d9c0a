using System.Diagnostics;
using System.Reflection;

namespace CallbackFunctions.Infra.Tests;

/// <summary>The bicep binary from the Azure.Bicep.CommandLine.linux-x64 package, run as a child process.</summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string RepoRoot { get; } = Metadata("RepoRoot");

    public static string ExecutablePath { get; } = Metadata("BicepPath");

    public static async Task<BicepRun> RunAsync(params string[] arguments)
    {
        EnsureExecutable();
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepRun(string.Join(' ', arguments), process.ExitCode, await stdout, await stderr);
    }

    // NuGet does not promise to keep the executable bit when it extracts a package.
    private static void EnsureExecutable()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException(
                "The bicep binary is missing: restore tests/CallbackFunctions.Infra.Tests (Azure.Bicep.CommandLine.linux-x64).",
                ExecutablePath);
        }

        if (OperatingSystem.IsWindows())
        {
            return; // the package is the linux-x64 build; nothing to fix up elsewhere
        }

        var mode = File.GetUnixFileMode(ExecutablePath);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(ExecutablePath, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata (see the csproj).");
}

internal sealed record BicepRun(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() =>
        $"bicep {Command} exited {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}
