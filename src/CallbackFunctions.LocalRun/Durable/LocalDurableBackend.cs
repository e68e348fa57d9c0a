using System.Collections.Concurrent;
using System.Diagnostics;
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
using Microsoft.Extensions.Hosting;
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
    /// <summary>
    /// The name this worker takes partition leases under; null: the backend's default, the machine's name. Two
    /// processes on one machine and one task hub need names of their own, or each takes the other's leases for its own;
    /// one process restarted under the same name takes its leases back at once.
    /// </summary>
    public string? WorkerId { get; init; }
}

/// <summary>
/// Durable Task on Azurite without the Functions host (DESIGN §5): the Azure Storage backend Durable Functions uses in
/// Azure (<see cref="AzureStorageOrchestrationService"/>), served over gRPC by the Durable Task sidecar
/// (<see cref="TaskHubGrpcServer"/>) on a loopback port. The app's worker and client connect to it through
/// <see cref="Channel"/>, exactly as they would to the Functions host's Durable extension.
/// <para>
/// It stops in order (<see cref="StopWorkAsync"/>, then <see cref="DisposeAsync"/>): the sidecar hands out no more
/// work, the work the worker has under way finishes, the backend stops (its partition leases released, so a process
/// started next on the same task hub takes them at once); only then may the worker go, and then the sidecar and the
/// channel. The sidecar would stop the backend itself, from an un-awaited callback, while its dispatchers could still
/// send work to a worker already gone: the backend it is given here starts and stops only once, when this says.
/// </para>
/// </summary>
public sealed partial class LocalDurableBackend : IAsyncDisposable
{
    /// <summary>How long the worker gets to finish what it has under way, and the backend to stop gracefully, then forced.</summary>
    public static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

    private readonly WebApplication _sidecar;
    private readonly OwnedService _owned;
    private int _disposed;

    private readonly AzureStorageOrchestrationServiceSettings _settings;

    private LocalDurableBackend(WebApplication sidecar, GrpcChannel channel, AzureStorageOrchestrationService service, OwnedService owned,
        AzureStorageOrchestrationServiceSettings settings)
    {
        _sidecar = sidecar;
        _settings = settings;
        Channel = channel;
        Service = service;
        _owned = owned;
    }

    public GrpcChannel Channel { get; }
    public AzureStorageOrchestrationService Service { get; }

    /// <summary>Completes once the app's Durable worker has connected (the sidecar then starts the backend).</summary>
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
        var backendSettings = new AzureStorageOrchestrationServiceSettings
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
        };
        if (options.WorkerId is { } worker) backendSettings.WorkerId = worker;
        var service = new AzureStorageOrchestrationService(backendSettings);
        // The sidecar never creates the task hub itself (DESIGN §5).
        await service.CreateIfNotExistsAsync();
        var owned = new OwnedService(service, loggers.CreateLogger<LocalDurableBackend>());

        var port = Azurite.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        if (logCapture is not null) builder.Logging.SetMinimumLevel(LogLevel.Warning).AddProvider(logCapture);
        // Ctrl+C and SIGTERM stop the local host in order (LocalAppHost.DisposeAsync), not the sidecar on its own.
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(owned);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(ct);
        return new LocalDurableBackend(sidecar, GrpcChannel.ForAddress($"http://127.0.0.1:{port}"), service, owned, backendSettings);
    }

    /// <summary>
    /// After storage was away: re-creates what the task hub lacks (all of it, when storage came back empty, e.g. an
    /// in-memory Azurite restarted), so work goes on without a restart. Idempotent; costs a few requests when nothing is missing.
    /// </summary>
    public async Task HealAsync(CancellationToken ct)
    {
        // A service creates its task hub once (it remembers having done so): a new one, on the same settings, looks again.
        await new AzureStorageOrchestrationService(_settings).CreateIfNotExistsAsync().WaitAsync(ct);
        Log.TaskHubChecked(_owned.Logger);
    }

    /// <summary>
    /// The sidecar hands the worker no more work; what the worker has under way finishes (for up to
    /// <see cref="StopBound"/>); the backend stops, gracefully (up to <see cref="StopBound"/>) or else forced. The
    /// worker and the client stay connected meanwhile: stop the worker after this, and dispose this last.
    /// </summary>
    public async Task StopWorkAsync()
    {
        _sidecar.Lifetime.StopApplication();
        if (!await _owned.IdleAsync(StopBound)) Log.WorkStillUnderWay(_owned.Logger, StopBound, _owned.UnderWay);
        await _owned.StopOnceAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await StopWorkAsync();
        Channel.Dispose();
        using var stop = new CancellationTokenSource(StopBound);
        try { await _sidecar.StopAsync(stop.Token); } catch (OperationCanceledException) { }
        await _sidecar.DisposeAsync();
    }

    /// <summary>The host's lifetime without the console's signal handlers: the program stops the local host itself.</summary>
    internal sealed class NoSignalsLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// The backend as the sidecar sees it: started once (never once stopping began), stopped once, when the local host
    /// says (the sidecar's own stop call gets that same stop), and the work items it has handed out counted until they
    /// are done, so the host can wait for the worker to finish them.
    /// </summary>
    private sealed class OwnedService(AzureStorageOrchestrationService inner, ILogger logger) : IOrchestrationService
    {
        private readonly Lock _lock = new();
        private readonly ConcurrentDictionary<object, byte> _handedOut = new(ReferenceEqualityComparer.Instance);
        private int _fetching;
        private Task? _started;
        private Task? _stopped;

        public ILogger Logger => logger;
        public int UnderWay => _handedOut.Count;

        public Task StartAsync()
        {
            lock (_lock) return _stopped is not null ? Task.CompletedTask : _started ??= inner.StartAsync();
        }

        public Task StopAsync() => StopOnceAsync();
        public Task StopAsync(bool isForced) => StopOnceAsync();

        public Task StopOnceAsync()
        {
            lock (_lock) return _stopped ??= StopCoreAsync(_started);
        }

        private async Task StopCoreAsync(Task? started)
        {
            if (started is null) return;
            try { await started; }
            catch (Exception e) { Log.BackendStopFailed(logger, e); return; }
            try
            {
                var graceful = inner.StopAsync(isForced: false);
                if (await Task.WhenAny(graceful, Task.Delay(StopBound)) == graceful) { await graceful; return; }
                Log.BackendStopForced(logger, StopBound);
                var forced = inner.StopAsync(isForced: true);
                if (await Task.WhenAny(forced, Task.Delay(StopBound)) == forced) await forced;
                else Log.BackendStopTimedOut(logger, StopBound);
            }
            catch (Exception e)
            {
                Log.BackendStopFailed(logger, e);
            }
        }

        /// <summary>True once no work item is being fetched nor handed out and not yet done; false after <paramref name="bound"/>.</summary>
        public async Task<bool> IdleAsync(TimeSpan bound)
        {
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref _fetching) > 0 || !_handedOut.IsEmpty)
            {
                if (clock.Elapsed > bound) return false;
                await Task.Delay(TimeSpan.FromMilliseconds(25));
            }
            return true;
        }

        private async Task<T?> FetchAsync<T>(Func<Task<T?>> fetch, CancellationToken cancellationToken) where T : class
        {
            Interlocked.Increment(ref _fetching);
            try
            {
                var item = await fetch();
                if (item is not null) _handedOut.TryAdd(item, 0);
                // The backend answers a cancelled fetch with null, which the sidecar's loop takes for "nothing yet" and
                // fetches again at once: once the sidecar stops, a hot loop that never looks idle. Cancelled, it ends.
                else cancellationToken.ThrowIfCancellationRequested();
                return item;
            }
            finally
            {
                Interlocked.Decrement(ref _fetching);
            }
        }

        private async Task DoneAsync(object item, Task finishing)
        {
            try { await finishing; }
            finally { _handedOut.TryRemove(item, out _); }
        }

        public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;
        public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;
        public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;
        public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;
        public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;
        public Task CreateAsync() => inner.CreateAsync();
        public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);
        public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();
        public Task DeleteAsync() => inner.DeleteAsync();
        public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);
        public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
        public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);
        public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

        // An orchestration work item is done when the sidecar releases it (always, last); an activity's when it is completed or abandoned.
        public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
            FetchAsync(() => inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken), cancellationToken)!;
        public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);
        public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
            IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage,
            OrchestrationState orchestrationState) =>
            inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages,
                continuedAsNewMessage, orchestrationState);
        public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
        public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => DoneAsync(workItem, inner.ReleaseTaskOrchestrationWorkItemAsync(workItem));
        public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
            FetchAsync(() => inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken), cancellationToken)!;
        public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);
        public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
            DoneAsync(workItem, inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage));
        public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => DoneAsync(workItem, inner.AbandonTaskActivityWorkItemAsync(workItem));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8110, Level = LogLevel.Warning, Message = "Durable: the worker still had {Count} work items under way after {Bound}; stopping anyway (they run again after their visibility timeout)")]
        public static partial void WorkStillUnderWay(ILogger logger, TimeSpan bound, int count);

        [LoggerMessage(EventId = 8111, Level = LogLevel.Warning, Message = "Durable: the backend did not stop gracefully within {Bound}; forcing it")]
        public static partial void BackendStopForced(ILogger logger, TimeSpan bound);

        [LoggerMessage(EventId = 8112, Level = LogLevel.Warning, Message = "Durable: the backend did not stop within {Bound} even forced; leaving it")]
        public static partial void BackendStopTimedOut(ILogger logger, TimeSpan bound);

        [LoggerMessage(EventId = 8114, Level = LogLevel.Warning, Message = "Durable: the task hub was checked after storage was away; what it lacked is created again")]
        public static partial void TaskHubChecked(ILogger logger);

        [LoggerMessage(EventId = 8113, Level = LogLevel.Warning, Message = "Durable: the backend could not be stopped")]
        public static partial void BackendStopFailed(ILogger logger, Exception exception);
    }
}
