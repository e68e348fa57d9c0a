using Grpc.Net.Client;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackFunctions.LocalRun.Durable;

public static class LocalDurableServices
{
    /// <summary>
    /// What the Functions host's Durable extension gives the app, here: a worker that runs its orchestrators and
    /// activities (registered by their function names) and a client, both on the local backend's gRPC channel, and the
    /// timer functions on their schedules (the app's, and those of <paramref name="extraTimerTypes"/>: tests add theirs).
    /// <paramref name="extraTasks"/> registers more orchestrators and activities beside the app's (the benchmark's floor).
    /// </summary>
    public static IServiceCollection AddLocalDurable(this IServiceCollection services, GrpcChannel channel, IReadOnlyList<Type>? extraTimerTypes = null,
        Action<DurableTaskRegistry>? extraTasks = null)
    {
        services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(channel);
            b.AddTasks(r =>
            {
                r.AddFunctions(typeof(CallbackFunctions.CallbackApp).Assembly);
                extraTasks?.Invoke(r);
            });
        });
        services.AddDurableTaskClient(b =>
        {
            b.UseGrpc(channel);
            b.RegisterDirectly();
        });
        IReadOnlyList<LocalFunctionTimers.Found> timers =
            [.. LocalFunctionTimers.In(typeof(CallbackFunctions.CallbackApp).Assembly), .. LocalFunctionTimers.In(extraTimerTypes ?? [])];
        // Registered after the worker, so the host stops the timers before it stops the worker.
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<LocalFunctionTimers>(sp, timers));
        return services;
    }
}
