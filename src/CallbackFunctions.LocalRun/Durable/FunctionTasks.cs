using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.LocalRun.Durable;

/// <summary>
/// Registers the app's Durable functions on a plain Durable Task worker, by the names their <c>[Function]</c> attributes
/// give, so the local host runs the very methods the Functions host runs (DESIGN §5): an <c>[OrchestrationTrigger]</c>
/// method becomes an orchestrator, an <c>[ActivityTrigger]</c> method an activity. Classes are built from the services,
/// as the Functions worker builds them; an activity may also take a <see cref="CancellationToken"/>.
/// </summary>
public static class FunctionTasks
{
    public sealed record Found(string Name, MethodInfo Method, bool IsOrchestrator);

    /// <summary>Every orchestrator and activity function in <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<Found> In(Assembly assembly) =>
        [.. assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Function is not null)
            .Select(x => (x.Method, x.Function, Trigger: x.Method.GetParameters().Select(TriggerOf).FirstOrDefault(t => t is not null)))
            .Where(x => x.Trigger is not null)
            .Select(x => new Found(x.Function!.Name, x.Method, x.Trigger == typeof(OrchestrationTriggerAttribute)))];

    private static Type? TriggerOf(ParameterInfo p) =>
        p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null ? typeof(OrchestrationTriggerAttribute)
        : p.GetCustomAttribute<ActivityTriggerAttribute>() is not null ? typeof(ActivityTriggerAttribute)
        : null;

    public static DurableTaskRegistry AddFunctions(this DurableTaskRegistry registry, Assembly assembly)
    {
        foreach (var found in In(assembly))
        {
            if (found.IsOrchestrator) registry.AddOrchestrator(found.Name, () => new FunctionOrchestrator(found.Method));
            else registry.AddActivity(found.Name, services => new FunctionActivity(found.Method, services));
        }
        return registry;
    }

    private static object? Target(MethodInfo method, IServiceProvider? services) =>
        method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services ?? throw new InvalidOperationException($"{method.Name} needs services"), method.DeclaringType!);

    private static async Task<object?> ResultOf(object? returned)
    {
        if (returned is not Task task) return returned;
        await task;
        var type = task.GetType();
        return type.IsGenericType && type.GetProperty("Result") is { } result && result.PropertyType.Name != "VoidTaskResult" ? result.GetValue(task) : null;
    }

    private static Type OutputOf(MethodInfo method) =>
        method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>) ? method.ReturnType.GetGenericArguments()[0]
        : method.ReturnType == typeof(Task) || method.ReturnType == typeof(void) ? typeof(object)
        : method.ReturnType;

    private sealed class FunctionActivity(MethodInfo method, IServiceProvider services) : ITaskActivity
    {
        private readonly ParameterInfo _input = method.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null);

        public Type InputType => _input.ParameterType;
        public Type OutputType => OutputOf(method);

        public Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            var args = method.GetParameters().Select(p =>
                p == _input ? input
                : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
                : throw new NotSupportedException($"activity {context.Name}: the local host cannot bind parameter {p.Name} ({p.ParameterType.Name})")).ToArray();
            return ResultOf(method.Invoke(Target(method, services), args));
        }
    }

    /// <summary>
    /// A function-based orchestrator reads its input with <c>context.GetInput&lt;T&gt;()</c>; under the Functions host the
    /// extension deserializes it for the type asked for. Here the raw JSON is kept and deserialized the same way.
    /// </summary>
    private sealed class FunctionOrchestrator(MethodInfo method) : ITaskOrchestrator
    {
        public Type InputType => typeof(JsonElement?);
        public Type OutputType => OutputOf(method);

        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
            ResultOf(method.Invoke(null, [new InputContext(context, (JsonElement?)input)]));
    }

    /// <summary>The worker's context with <see cref="GetInput{T}"/> deserializing for the type asked for; all else passes through.</summary>
    private sealed class InputContext(TaskOrchestrationContext inner, JsonElement? input) : TaskOrchestrationContext
    {
        public override TaskName Name => inner.Name;
        public override string InstanceId => inner.InstanceId;
        public override ParentOrchestrationInstance? Parent => inner.Parent;
        public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;
        public override bool IsReplaying => inner.IsReplaying;
        public override string Version => inner.Version;
        public override IReadOnlyDictionary<string, object?> Properties => inner.Properties;
        public override Microsoft.DurableTask.Entities.TaskOrchestrationEntityFeature Entities => inner.Entities;
        // Loggers come from the worker's context (CreateReplaySafeLogger below), never from this factory.
        protected override ILoggerFactory LoggerFactory => Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

        public override T? GetInput<T>() where T : default => input is { } json ? JsonDataConverter.Default.Deserialize<T>(json.GetRawText()) : default;

        public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null) => inner.CallActivityAsync<TResult>(name, input, options);
        public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) => inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, options);
        public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => inner.ContinueAsNew(newInput, preserveUnprocessedEvents);
        public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => inner.CreateTimer(fireAt, cancellationToken);
        public override Guid NewGuid() => inner.NewGuid();
        public override void SendEvent(string instanceId, string eventName, object payload) => inner.SendEvent(instanceId, eventName, payload);
        public override void SetCustomStatus(object? customStatus) => inner.SetCustomStatus(customStatus);
        public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) => inner.WaitForExternalEvent<T>(eventName, cancellationToken);
        public override ILogger CreateReplaySafeLogger(string categoryName) => inner.CreateReplaySafeLogger(categoryName);
    }
}
