using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
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
    public StorageOptions Options { get; }
    public StorageHealth Health { get; }
    /// <summary>Where the table service is, as host:port (what an operator is told when it does not answer).</summary>
    public string TableEndpoint => StorageFaultText.Endpoint(Tables.Uri);

    public StorageAccount(IConfiguration configuration, IOptions<StorageOptions> options, StorageOperationCounter counter, StorageHealth health,
        ILogger<StorageAccount> logger)
    {
        Options = options.Value;
        Health = health;
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(new StorageWatch(health, new HashSet<string>(TableNames, StringComparer.Ordinal),
            (table, ct) => Tables!.GetTableClient(table).CreateIfNotExistsAsync(ct), logger), HttpPipelinePosition.PerCall);
        tableOptions.Retry.MaxRetries = 2;
        tableOptions.Retry.Delay = TimeSpan.FromMilliseconds(100);
        tableOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        tableOptions.Retry.NetworkTimeout = Options.RequestTimeout;
        tableOptions.AddPolicy(counter.Tables, HttpPipelinePosition.PerRetry);
        // A bounded connection pool: a storage service that stalls would otherwise get a new connection for every
        // request made meanwhile, past its listen backlog (SYNs dropped, seconds lost to retransmission for everyone).
        tableOptions.Transport = new HttpClientTransport(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Options.MaxConnections, UseCookies = false, AllowAutoRedirect = false,
        });

        var connection = configuration["AzureWebJobsStorage"];
        var accountName = configuration["AzureWebJobsStorage:accountName"];
        if (!string.IsNullOrWhiteSpace(connection))
        {
            Tables = new TableServiceClient(connection, tableOptions);
        }
        else if (!string.IsNullOrWhiteSpace(accountName))
        {
            var clientId = configuration["AzureWebJobsStorage:clientId"];
            TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
            Tables = new TableServiceClient(new Uri($"https://{accountName}.table.core.windows.net"), credential, tableOptions);
        }
        else
        {
            throw new InvalidOperationException(
                "Storage is not configured: set AzureWebJobsStorage (a connection string or UseDevelopmentStorage=true) or AzureWebJobsStorage__accountName.");
        }
    }

    public TableClient Callbacks => Tables.GetTableClient(Options.CallbacksTable);
    public TableClient Live => Tables.GetTableClient(Options.LiveTable);
    public TableClient Agents => Tables.GetTableClient(Options.AgentsTable);
    public TableClient Waiting => Tables.GetTableClient(Options.WaitingTable);
    public TableClient Rules => Tables.GetTableClient(Options.RulesTable);
    public TableClient Holds => Tables.GetTableClient(Options.HoldsTable);
    public TableClient Recordings => Tables.GetTableClient(Options.RecordingsTable);
    public TableClient NoCallbacks => Tables.GetTableClient(Options.NoCallbacksTable);
    public TableClient QueueSettings => Tables.GetTableClient(Options.QueueSettingsTable);
    public TableClient SeenCalls => Tables.GetTableClient(Options.SeenCallsTable);
    public TableClient RequestCounts => Tables.GetTableClient(Options.RequestCountsTable);
    public TableClient SlotBookings => Tables.GetTableClient(Options.SlotBookingsTable);
    public TableClient Contacts => Tables.GetTableClient(Options.ContactsTable);
    public TableClient Numbers => Tables.GetTableClient(Options.NumbersTable);

    private IEnumerable<string> TableNames =>
        [Options.CallbacksTable, Options.LiveTable, Options.AgentsTable, Options.WaitingTable, Options.RulesTable, Options.HoldsTable, Options.RecordingsTable,
         Options.NoCallbacksTable, Options.QueueSettingsTable, Options.SeenCallsTable, Options.SlotBookingsTable,
         Options.RequestCountsTable, Options.ContactsTable, Options.NumbersTable];

    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        foreach (var table in TableNames) await Tables.GetTableClient(table).CreateIfNotExistsAsync(ct);
    }
}

/// <summary>Counts every storage request the app makes (the benchmark reports operations per callback from it).</summary>
public sealed class StorageOperationCounter
{
    public Counter Tables { get; } = new();
    public long Total => Tables.Count;

    public sealed class Counter : HttpPipelineSynchronousPolicy
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);
        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
