using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using CallbackFunctions.Settings;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Storage;

/// <summary>
/// The storage clients, built from <c>AzureWebJobsStorage</c> the way the Functions host reads it: a connection string
/// (or <c>UseDevelopmentStorage=true</c>), or identity-based <c>AzureWebJobsStorage__accountName</c> (+ <c>__clientId</c>).
/// </summary>
public sealed class StorageAccount
{
    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }

    /// <summary>
    /// The timer queue for receiving only, without retries: a receive that times out on our side may still have taken
    /// messages on the service's, and those stay invisible for a whole lease. The next poll asks afresh.
    /// </summary>
    public QueueClient TimerQueueReceiver { get; }
    public StorageOptions Options { get; }

    public StorageAccount(IConfiguration configuration, IOptions<StorageOptions> options, StorageOperationCounter counter)
    {
        Options = options.Value;
        var tableOptions = new TableClientOptions();
        var queueOptions = new QueueClientOptions(QueueClientOptions.ServiceVersion.V2025_11_05)
        {
            // The Functions host's queue trigger reads base64 by default (DESIGN §2).
            MessageEncoding = QueueMessageEncoding.Base64,
        };
        foreach (var o in new ClientOptions[] { tableOptions, queueOptions })
        {
            o.Retry.MaxRetries = 2;
            o.Retry.Delay = TimeSpan.FromMilliseconds(100);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
            o.Retry.NetworkTimeout = Options.RequestTimeout;
        }
        queueOptions.Retry.MaxRetries = 1;
        queueOptions.Retry.NetworkTimeout = Options.QueueRequestTimeout;
        var receiveOptions = new QueueClientOptions(QueueClientOptions.ServiceVersion.V2025_11_05) { MessageEncoding = QueueMessageEncoding.Base64 };
        receiveOptions.Retry.MaxRetries = 0;
        receiveOptions.Retry.NetworkTimeout = Options.QueueRequestTimeout;
        tableOptions.AddPolicy(counter.Tables, HttpPipelinePosition.PerRetry);
        queueOptions.AddPolicy(counter.Queues, HttpPipelinePosition.PerRetry);
        receiveOptions.AddPolicy(counter.Queues, HttpPipelinePosition.PerRetry);
        // Bounded connection pools: a storage service that stalls would otherwise get a new connection for every request
        // made meanwhile, past its listen backlog (SYNs dropped, seconds lost to retransmission for everyone). The
        // receiver has a pool of its own, so a poll never waits behind sends and deletes.
        tableOptions.Transport = Transport(Options.MaxConnections);
        queueOptions.Transport = Transport(Options.MaxConnections);
        receiveOptions.Transport = Transport(2);
        QueueServiceClient receiver;

        var connection = configuration["AzureWebJobsStorage"];
        var accountName = configuration["AzureWebJobsStorage:accountName"];
        if (!string.IsNullOrWhiteSpace(connection))
        {
            Tables = new TableServiceClient(connection, tableOptions);
            Queues = new QueueServiceClient(connection, queueOptions);
            receiver = new QueueServiceClient(connection, receiveOptions);
        }
        else if (!string.IsNullOrWhiteSpace(accountName))
        {
            var clientId = configuration["AzureWebJobsStorage:clientId"];
            TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
            Tables = new TableServiceClient(new Uri($"https://{accountName}.table.core.windows.net"), credential, tableOptions);
            Queues = new QueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net"), credential, queueOptions);
            receiver = new QueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net"), credential, receiveOptions);
        }
        else
        {
            throw new InvalidOperationException(
                "Storage is not configured: set AzureWebJobsStorage (a connection string or UseDevelopmentStorage=true) or AzureWebJobsStorage__accountName.");
        }
        TimerQueueReceiver = receiver.GetQueueClient(Options.TimerQueue);
    }

    private static HttpClientTransport Transport(int maxConnections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, UseCookies = false, AllowAutoRedirect = false });

    public TableClient Callbacks => Tables.GetTableClient(Options.CallbacksTable);
    public TableClient Live => Tables.GetTableClient(Options.LiveTable);
    public TableClient Agents => Tables.GetTableClient(Options.AgentsTable);
    public TableClient Waiting => Tables.GetTableClient(Options.WaitingTable);
    public TableClient Rules => Tables.GetTableClient(Options.RulesTable);
    public TableClient Holds => Tables.GetTableClient(Options.HoldsTable);
    public TableClient Recordings => Tables.GetTableClient(Options.RecordingsTable);
    public QueueClient TimerQueue => Queues.GetQueueClient(Options.TimerQueue);
    public QueueClient PoisonQueue => Queues.GetQueueClient(Options.PoisonQueue);

    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        foreach (var table in new[] { Callbacks, Live, Agents, Waiting, Rules, Holds, Recordings }) await table.CreateIfNotExistsAsync(ct);
        await TimerQueue.CreateIfNotExistsAsync(cancellationToken: ct);
        await PoisonQueue.CreateIfNotExistsAsync(cancellationToken: ct);
    }
}

/// <summary>Counts every storage request the app makes (the benchmark reports operations per callback from it).</summary>
public sealed class StorageOperationCounter
{
    public Counter Tables { get; } = new();
    public Counter Queues { get; } = new();
    public long Total => Tables.Count + Queues.Count;

    public sealed class Counter : HttpPipelineSynchronousPolicy
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);
        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
