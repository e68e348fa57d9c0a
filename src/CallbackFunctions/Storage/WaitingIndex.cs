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

    /// <summary>The callbacks waiting in any of <paramref name="queues"/>, queue by queue in the order given: one query for all.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(IReadOnlyList<string> queues, CancellationToken ct)
    {
        if (queues.Count == 0) return [];
        var keys = queues.Select(Key).Distinct().ToList();
        var filter = string.Join(" or ", keys.Select(k => TableClient.CreateQueryFilter($"PartitionKey eq {k}")));
        var found = new List<(string Queue, string Id)>();
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            found.Add((e.PartitionKey, e.RowKey));
        return [.. found.OrderBy(f => keys.IndexOf(f.Queue)).Select(f => f.Id).Distinct()];
    }

    private static string Key(string queue) => queue.ToLowerInvariant();
}
