using System.Net;
using System.Reflection;
using Azure.Storage.Blobs;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.LocalRun.Durable;

/// <summary>How the local Durable backend runs (DESIGN §1 "Recommended settings", the local column).</summary>
public sealed record LocalDurableOptions
{
    /// <summary>Letters and digits only (Azure Storage names its queues, tables and containers after it).</summary>
    public required string TaskHubName { get; init; }
    public required string StorageConnectionString { get; init; }
    /// <summary>One partition: this product's volume is bounded by Twilio's calls per second, and every partition is polled.</summary>
    public int PartitionCount { get; init; } = 1;
    /// <summary>The idle polling cap; locally the queues cost nothing, so timers and events are picked up within 100 ms.</summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>A killed process's work items come back after this (the default, 5 minutes, is for production).</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxConcurrentActivities { get; init; } = 32;
    public int MaxConcurrentOrchestrations { get; init; } = 32;
}

/// <summary>
/// Durable Task on Azurite without the Functions host (DESIGN §5): the Azure Storage backend Durable Functions uses in
/// Azure (<see cref="AzureStorageOrchestrationService"/>), served over gRPC by the Durable Task sidecar
/// (<see cref="TaskHubGrpcServer"/>) on a loopback port. The app's worker and client connect to it through
/// <see cref="Channel"/>, exactly as they would to the Functions host's Durable extension.
/// </summary>
public sealed class LocalDurableBackend : IAsyncDisposable
{
    private readonly WebApplication _sidecar;

    private LocalDurableBackend(WebApplication sidecar, GrpcChannel channel, AzureStorageOrchestrationService service)
    {
        _sidecar = sidecar;
        Channel = channel;
        Service = service;
    }

    public GrpcChannel Channel { get; }
    public AzureStorageOrchestrationService Service { get; }

    /// <summary>
    /// Completes once the app's Durable worker has connected, and with it the backend started. The sidecar stops the
    /// backend when it stops; a backend stopped before it ever started throws on a thread-pool thread and takes the
    /// process down, so the local host is not ready (and never stops) before this.
    /// </summary>
    public Task WorkerConnectedAsync()
    {
        // The sidecar keeps this wait to itself (it is not public in this preview package).
        var wait = typeof(TaskHubGrpcServer).GetMethod("WaitForWorkItemClientConnection", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("TaskHubGrpcServer.WaitForWorkItemClientConnection is gone: check the sidecar package");
        return (Task)wait.Invoke(_sidecar.Services.GetRequiredService<TaskHubGrpcServer>(), null)!;
    }

    /// <param name="logCapture">Also gets the sidecar host's own warnings and errors (its gRPC and Kestrel logs).</param>
    public static async Task<LocalDurableBackend> StartAsync(LocalDurableOptions options, ILoggerFactory loggers, ILoggerProvider? logCapture = null, CancellationToken ct = default)
    {
        var connection = options.StorageConnectionString;
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHubName,
            PartitionCount = options.PartitionCount,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            UseTablePartitionManagement = true,
            ControlQueueVisibilityTimeout = options.VisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.VisibilityTimeout,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            // A start of an instance id that exists is reported, not silently dropped: the caller decides it is normal.
            ThrowExceptionOnInvalidDedupeStatus = true,
            LoggerFactory = loggers,
            StorageAccountClientProvider = new StorageAccountClientProvider(
                // Azurite 3.35 refuses the newest blob API version (DESIGN §1): pin the client to one it serves.
                StorageServiceClientProvider.ForBlob(connection, new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_05_05)),
                StorageServiceClientProvider.ForQueue(connection),
                StorageServiceClientProvider.ForTable(connection)),
        });
        // The sidecar never creates the task hub itself (DESIGN §5).
        await service.CreateIfNotExistsAsync();

        var port = Azurite.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        if (logCapture is not null) builder.Logging.SetMinimumLevel(LogLevel.Warning).AddProvider(logCapture);
        builder.Services.AddSingleton(loggers);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(ct);
        return new LocalDurableBackend(sidecar, GrpcChannel.ForAddress($"http://127.0.0.1:{port}"), service);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _sidecar.StopAsync(stop.Token); } catch (OperationCanceledException) { }
        await _sidecar.DisposeAsync();
    }
}
