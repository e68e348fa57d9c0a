using System.Globalization;
using System.Reflection;
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
/// Durable client the host would bind.
/// </summary>
public sealed class LocalFunctionTimers(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<LocalFunctionTimers> logger)
    : BackgroundService
{
    public sealed record Found(string Name, MethodInfo Method, string Schedule);

    public static IReadOnlyList<Found> In(Assembly assembly) =>
        [.. assembly.GetTypes()
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
        Task.WhenAll(In(typeof(CallbackFunctions.CallbackApp).Assembly).Select(f => RunAsync(f, stoppingToken)));

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
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LocalHostLog.TimerFailed(logger, e, function.Name);
            }
        }
    }

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
}
