using System.Runtime.InteropServices;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>What the figures were measured on: cores, memory (/proc/meminfo), CPU, OS, .NET and Azurite versions.</summary>
public static class MachineInfo
{
    public static IEnumerable<string> Describe()
    {
        yield return $"machine: {Environment.ProcessorCount} cores ({CpuModel()}), {Memory()}";
        yield return $"os: {OsName()}, Linux {Kernel()}, .NET {Environment.Version}, Azurite {AzuriteVersion()} (in memory)";
    }

    private static string Memory()
    {
        var line = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        if (line is null) return "memory unknown";
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return $"{BenchSettings.N(kb / 1024.0 / 1024.0, "0.0")} GiB memory (MemTotal {BenchSettings.N(kb)} kB)";
    }

    private static string CpuModel() =>
        ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } l
            ? l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()
            : RuntimeInformation.ProcessArchitecture.ToString();

    private static string OsName() =>
        ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) is { } l
            ? l["PRETTY_NAME=".Length..].Trim('"')
            : RuntimeInformation.OSDescription;

    private static string Kernel() => ReadLines("/proc/sys/kernel/osrelease").FirstOrDefault()?.Trim() ?? "?";

    private static string AzuriteVersion()
    {
        try
        {
            var file = Path.Combine(RepositoryRoot.Find(), "node_modules", "azurite", "package.json");
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.GetProperty("version").GetString() ?? "?";
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            return "?";
        }
    }

    private static string[] ReadLines(string path)
    {
        try { return File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
