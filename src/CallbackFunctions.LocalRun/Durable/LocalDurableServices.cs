using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackFunctions.LocalRun.Durable;

public static class LocalDurableServices
{
    /// <summary>
    /// What the Functions host's Durable extension gives the app, here: a worker that runs its orchestrators and
    /// activities (registered by their function names) and a client, both on the local backend's gRPC channel, and the
    /// timer functions on their schedules.
    /// </summary>
    public static IServiceCollection AddLocalDurable(this IServiceCollection services, GrpcChannel channel)
    {
        services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(channel);
            b.AddTasks(r => r.AddFunctions(typeof(CallbackFunctions.CallbackApp).Assembly));
        });
        services.AddDurableTaskClient(b =>
        {
            b.UseGrpc(channel);
            b.RegisterDirectly();
        });
        services.AddHostedService<LocalFunctionTimers>();
        return services;
    }
}
