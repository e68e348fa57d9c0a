using System.Collections;
using System.Reflection;
using System.Text.Json;
using CallbackFunctions.LocalRun.Durable;
using CallbackFunctions.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// The two hosts cannot drift: what the Functions SDK wrote into <c>functions.metadata</c> (what the Functions host
/// runs) is exactly what the local host serves: every HTTP function on the same route and methods, every orchestrator
/// and activity registered by name on its Durable worker, every timer function on a schedule.
/// </summary>
public sealed class HostParityTests : StackTestBase
{
    private sealed record Binding(string Type, string? Route, string[]? Methods);

    private static List<(string Name, Binding Trigger)> Metadata()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.EnumerateArray().Select(f =>
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            return (f.GetProperty("name").GetString()!, new Binding(trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("route", out var r) ? r.GetString() : null,
                trigger.TryGetProperty("methods", out var m) ? [.. m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant())] : null));
        })];
    }

    [Fact]
    public void EveryHttpFunction_IsServedByTheLocalHost_OnItsRouteAndMethods()
    {
        var served = ((IEndpointRouteBuilder)Stack.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Route: e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))
            .ToList();
        var http = Metadata().Where(f => f.Trigger.Type == "httpTrigger").ToList();

        Assert.True(http.Count >= 25, $"only {http.Count} HTTP functions in functions.metadata");
        // The Functions host serves each route under host.json's routePrefix: empty, so the API's routes say "api/"
        // themselves and the console is "/console".
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));
        var prefix = host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();
        Assert.Equal("", prefix);
        foreach (var (name, trigger) in http)
            Assert.True(served.Any(s => s.Route == trigger.Route && s.Methods.Order().SequenceEqual(trigger.Methods!.Order())),
                $"{name}: {string.Join(",", trigger.Methods!)} {trigger.Route} is not served by the local host");
        Assert.All(http.Where(f => !f.Name.StartsWith("Console", StringComparison.Ordinal)), f => Assert.StartsWith("api/", f.Trigger.Route, StringComparison.Ordinal));
        // Besides the functions, the local host answers "/" alone (the Functions host's own page in Azure).
        Assert.Equal(http.Count, served.Count(s => s.Route.Length > 0));
    }

    [Fact]
    public void EveryOrchestratorAndActivity_IsRegisteredOnTheLocalWorker_AndEveryTimerRuns()
    {
        var registry = Stack.App.Services.GetRequiredService<IOptionsMonitor<DurableTaskRegistry>>().Get(Options.DefaultName);
        var orchestrators = Names(registry, "Orchestrators");
        var activities = Names(registry, "Activities");
        var metadata = Metadata();

        Assert.Equal(metadata.Where(f => f.Trigger.Type == "orchestrationTrigger").Select(f => f.Name).Order(), orchestrators.Order());
        Assert.Equal(metadata.Where(f => f.Trigger.Type == "activityTrigger").Select(f => f.Name).Order(), activities.Order());
        Assert.Equal(metadata.Where(f => f.Trigger.Type == "timerTrigger").Select(f => f.Name).Order(),
            LocalFunctionTimers.In(typeof(CallbackApp).Assembly).Select(t => t.Name).Order());
    }

    // The registry keeps its registrations internal; their names are what the worker dispatches on.
    private static List<string> Names(DurableTaskRegistry registry, string property)
    {
        var value = typeof(DurableTaskRegistry).GetProperty(property, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.GetValue(registry);
        return [.. ((IEnumerable)value!).Cast<object>().Select(kv => kv.GetType().GetProperty("Key")!.GetValue(kv)!.ToString()!)];
    }
}
