using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CallbackFunctions.Storage;

namespace CallbackFunctions.LocalRun;

/// <summary>Storage the app cannot start on: the message is one line, for the operator (the setting, where, what to do).</summary>
public sealed class StorageUnreachableException(string message) : Exception(message);

/// <summary>
/// Before the local host starts on <c>AzureWebJobsStorage</c>, one quick request to each of its services (table, queue,
/// blob: Durable uses all three), no retries: storage that is not there stops the start at once with one line naming
/// the setting, its value (secrets masked), the endpoint that failed and what to do, instead of the Durable backend's
/// retries and stack traces.
/// </summary>
public static class StorageProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task CheckAsync(string connectionString, CancellationToken ct)
    {
        string? problem;
        try { problem = await FirstProblemAsync(connectionString, ct); }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new StorageUnreachableException(
                $"AzureWebJobsStorage ({Masked(connectionString)}) is not a storage connection string ({e.Message.Split('\n')[0].Trim()}). " +
                "Use UseDevelopmentStorage=true for Azurite on its default ports, or the connection string of a storage account.");
        }
        if (problem is not null)
            throw new StorageUnreachableException(
                $"Storage is not reachable: AzureWebJobsStorage is \"{Masked(connectionString)}\" and {problem}. " +
                "Start Azurite (npx azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry, as README says) " +
                "or point AzureWebJobsStorage at a storage account.");
    }

    private static async Task<string?> FirstProblemAsync(string connection, CancellationToken ct)
    {
        var tables = new TableServiceClient(connection, Quick(new TableClientOptions()));
        var queues = new QueueServiceClient(connection, Quick(new QueueClientOptions()));
        // Azurite 3.35 refuses the newest blob API version (DESIGN §1), as the Durable backend's client is pinned.
        var blobs = new BlobServiceClient(connection, Quick(new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_05_05)));
        var checks = new (string Service, Uri Endpoint, Func<Task> Request)[]
        {
            ("table storage", tables.Uri, () => FirstPageAsync(tables.QueryAsync(maxPerPage: 1, cancellationToken: ct).AsPages())),
            ("queue storage", queues.Uri, () => FirstPageAsync(queues.GetQueuesAsync(cancellationToken: ct).AsPages(pageSizeHint: 1))),
            ("blob storage", blobs.Uri, () => FirstPageAsync(blobs.GetBlobContainersAsync(cancellationToken: ct).AsPages(pageSizeHint: 1))),
        };
        var results = await Task.WhenAll(checks.Select(async c =>
        {
            try
            {
                await c.Request();
                return null;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                return StorageFaultText.Describe(e, c.Service, StorageFaultText.Endpoint(c.Endpoint));
            }
        }));
        return results.FirstOrDefault(r => r is not null);
    }

    private static async Task FirstPageAsync<T>(IAsyncEnumerable<T> pages)
    {
        await foreach (var _ in pages) return;
    }

    private static T Quick<T>(T options) where T : ClientOptions
    {
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = Timeout;
        return options;
    }

    /// <summary>The connection string with its secrets (account key, shared access signature) shown as ***.</summary>
    public static string Masked(string connectionString) =>
        string.Join(';', connectionString.Split(';').Select(part =>
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals].Trim();
            return key.Equals("AccountKey", StringComparison.OrdinalIgnoreCase) || key.Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase)
                ? $"{key}=***" : part;
        }));
}
