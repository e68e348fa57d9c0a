using Azure;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>
/// Which callback is the live one for a caller in a queue (partition = caller, row = queue). It is what makes "one live
/// callback per caller number per queue" hold across concurrent webhooks and instances: a newer callback takes the
/// row with If-Match, and a callback that finds the row pointing elsewhere knows it was superseded.
/// </summary>
public sealed class LiveCallbackIndex(StorageAccount storage)
{
    private TableClient Table => storage.Live;

    public async Task<Stored<string>?> GetAsync(string caller, string queue, CancellationToken ct)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(caller, Key(queue), cancellationToken: ct);
        return response.HasValue ? new Stored<string>(response.Value!.GetString("CallbackId"), response.Value.ETag) : null;
    }

    /// <summary>Points the row at <paramref name="callbackId"/> if it is still as last read; false if someone moved first.</summary>
    public async Task<bool> TrySetAsync(string caller, string queue, string callbackId, ETag? expected, CancellationToken ct)
    {
        var entity = new TableEntity(caller, Key(queue)) { ["CallbackId"] = callbackId, ["Queue"] = queue };
        return await Table.TryPutAsync(entity, expected, ct);
    }

    /// <summary>Every live callback of a caller, across queues (a served call cancels them all: seed 002).</summary>
    public async Task<IReadOnlyList<(string Queue, string CallbackId)>> ListForCallerAsync(string caller, CancellationToken ct)
    {
        var result = new List<(string, string)>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {caller}"), cancellationToken: ct))
            result.Add((e.GetString("Queue"), e.GetString("CallbackId")));
        return result;
    }

    /// <summary>Removes the row if it still points at <paramref name="callbackId"/> (a newer callback keeps its row).</summary>
    public async Task RemoveAsync(string caller, string queue, string callbackId, CancellationToken ct)
    {
        var current = await GetAsync(caller, queue, ct);
        if (current is null || current.Value != callbackId) return;
        try
        {
            await Table.DeleteEntityAsync(caller, Key(queue), current.ETag, ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // someone else moved first; the row is theirs now
        }
    }

    // Row keys cannot hold '/', '\', '#', '?'; queue names are validated to avoid them, and case is folded.
    private static string Key(string queue) => queue.ToLowerInvariant();
}
