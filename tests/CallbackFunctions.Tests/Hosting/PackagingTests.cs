using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using CallbackFunctions.LocalRun;
using Microsoft.Azure.Functions.Worker;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// <c>dotnet publish</c> of the app gives what the Functions host loads: <c>functions.metadata</c> listing every
/// <c>[Function]</c> with its trigger, the Durable extension in the host-side extensions, host.json with Durable.
/// </summary>
public sealed class PackagingTests
{
    [Fact]
    public async Task Publish_ListsEveryFunctionWithItsTrigger_AndCarriesTheDurableExtension()
    {
        var output = Path.Combine(Path.GetTempPath(), "callbackfunctions-publish-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var project = Path.Combine(RepositoryRoot.Find(), "src", "CallbackFunctions", "CallbackFunctions.csproj");
            var info = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-o", output, "-nologo", "-v", "q"])
                { RedirectStandardOutput = true, RedirectStandardError = true };
            using var publish = Process.Start(info)!;
            var log = publish.StandardOutput.ReadToEndAsync();
            var errors = publish.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await publish.WaitForExitAsync(limit.Token);
            Assert.True(publish.ExitCode == 0, await log + await errors);

            using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "functions.metadata")));
            var published = metadata.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!,
                f => f.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()!).First(t => t.EndsWith("Trigger", StringComparison.Ordinal)));
            var declared = typeof(CallbackApp).Assembly.GetTypes()
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
                .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
                .ToDictionary(m => m.GetCustomAttribute<FunctionAttribute>()!.Name, Trigger);
            Assert.Equal(declared.OrderBy(d => d.Key), published.OrderBy(p => p.Key));
            Assert.Contains("CallbackOrchestration", published.Keys);

            Assert.True(File.Exists(Path.Combine(output, ".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.DurableTask.dll")), "the Durable extension is in the output");
            Assert.Contains("DurableTask", await File.ReadAllTextAsync(Path.Combine(output, "extensions.json")));
            using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "host.json")));
            Assert.Equal("%DurableTaskHubName%", host.RootElement.GetProperty("extensions").GetProperty("durableTask").GetProperty("hubName").GetString());
            Assert.False(host.RootElement.TryGetProperty("customHandler", out _), "no custom handler");
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    private static string Trigger(MethodInfo method)
    {
        var attribute = method.GetParameters().SelectMany(p => p.GetCustomAttributes()).First(a => a.GetType().Name.EndsWith("TriggerAttribute", StringComparison.Ordinal));
        var name = attribute.GetType().Name[..^"Attribute".Length];
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
