using Azure;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>
/// Callbacks waiting for a free agent, by queue (partition = queue, row = callback id), so a freed agent finds them
/// with one partition read instead of a scan of every callback.
/// </summary>
public sealed class WaitingIndex(StorageAccount storage)
{
    private TableClient Table => storage.Waiting;

    public async Task AddAsync(string queue, string callbackId, CancellationToken ct) =>
        await Table.UpsertEntityAsync(new TableEntity(Key(queue), callbackId), TableUpdateMode.Replace, ct);

    public async Task RemoveAsync(string queue, string callbackId, CancellationToken ct)
    {
        try { await Table.DeleteEntityAsync(Key(queue), callbackId, ETag.All, ct); }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string queue, CancellationToken ct)
    {
        var ids = new List<string>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Key(queue)}"), select: ["RowKey"], cancellationToken: ct))
            ids.Add(e.RowKey);
        return ids;
    }

    private static string Key(string queue) => queue.ToLowerInvariant();
}
