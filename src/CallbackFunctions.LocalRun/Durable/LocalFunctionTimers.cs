using System.Globalization;
using System.Reflection;
using Grpc.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.LocalRun.Durable;

/// <summary>
/// Runs the app's timer-triggered functions without the Functions host: each <c>[TimerTrigger]</c> method on the period
/// its schedule gives (a local setting <c>LocalHost:Timers:{Function}</c> may make it shorter for tests), with the
/// Durable client the host would bind. A run that fails is logged as an error and the timer goes on, as under the
/// Functions host; a run cut off by the host stopping (its cancellation, or the Durable sidecar cancelling or already
/// gone) is only noted: it never faults this service, which would make the host log a critical failure.
/// </summary>
public sealed class LocalFunctionTimers(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<LocalFunctionTimers> logger,
    IReadOnlyList<LocalFunctionTimers.Found> functions) : BackgroundService
{
    public sealed record Found(string Name, MethodInfo Method, string Schedule);

    /// <summary>The timer functions of the app's assembly.</summary>
    public static IReadOnlyList<Found> In(Assembly assembly) => In(assembly.GetTypes());

    /// <summary>The timer functions of these classes.</summary>
    public static IReadOnlyList<Found> In(IEnumerable<Type> types) =>
        [.. types
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(),
                Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => new Found(x.Function!.Name, x.Method, x.Trigger!.Schedule))];

    /// <summary>
    /// The period of a six-field CRON schedule of the simple kinds we use ("*/30 * * * * *": every 30 s; "0 */5 * * * *":
    /// every 5 min); anything else runs once a minute.
    /// </summary>
    public static TimeSpan PeriodOf(string schedule)
    {
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 6 && Every(fields[0]) is { } seconds) return TimeSpan.FromSeconds(seconds);
        if (fields.Length == 6 && fields[0] == "0" && Every(fields[1]) is { } minutes) return TimeSpan.FromMinutes(minutes);
        return TimeSpan.FromMinutes(1);
    }

    private static int? Every(string field) =>
        field.StartsWith("*/", StringComparison.Ordinal) && int.TryParse(field[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(functions.Select(f => RunAsync(f, stoppingToken)));

    private async Task RunAsync(Found function, CancellationToken stoppingToken)
    {
        var period = configuration.GetValue<TimeSpan?>($"LocalHost:Timers:{function.Name}") ?? PeriodOf(function.Schedule);
        using var timer = new PeriodicTimer(period, time);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                var target = function.Method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, function.Method.DeclaringType!);
                var args = function.Method.GetParameters().Select(p =>
                    p.ParameterType == typeof(TimerInfo) ? new TimerInfo()
                    : p.ParameterType == typeof(DurableTaskClient) ? services.GetRequiredService<DurableTaskClient>()
                    : p.ParameterType == typeof(CancellationToken) ? (object)stoppingToken
                    : throw new NotSupportedException($"timer function {function.Name}: the local host cannot bind {p.Name}")).ToArray();
                if (function.Method.Invoke(target, args) is Task task) await task;
            }
            catch (Exception e)
            {
                var failure = e is TargetInvocationException { InnerException: { } thrown } ? thrown : e;
                if (stoppingToken.IsCancellationRequested && IsCutOffByStop(failure)) LocalHostLog.TimerStoppedMidRun(logger, function.Name, failure.GetType().Name);
                else LocalHostLog.TimerFailed(logger, failure, function.Name);
            }
        }
    }

    /// <summary>How a run ends when the host stops under it: cancelled, or its Durable calls cancelled or refused.</summary>
    private static bool IsCutOffByStop(Exception e) => e switch
    {
        OperationCanceledException => true,
        RpcException { StatusCode: StatusCode.Cancelled or StatusCode.Unavailable } => true,
        AggregateException a => a.InnerExceptions.All(IsCutOffByStop),
        _ => e.InnerException is { } inner && IsCutOffByStop(inner),
    };

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}

internal static partial class LocalHostLog
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Error, Message = "Timer function {Function} failed")]
    public static partial void TimerFailed(ILogger logger, Exception exception, string function);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Timer function {Function} stopped mid-run: the host is stopping ({Failure})")]
    public static partial void TimerStoppedMidRun(ILogger logger, string function, string failure);
}
