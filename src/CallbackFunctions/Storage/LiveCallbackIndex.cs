using Azure;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>
/// Which callback is the live one for a caller in a queue (partition = caller, row = queue). It is what makes "one live
/// callback per caller number per queue" hold across concurrent webhooks and instances: a newer callback takes the
/// row with If-Match, and a callback that finds the row pointing elsewhere knows it was superseded. The caller's
/// partition also keeps when they were last served (or dialled by hand): a callback made before that never dials,
/// even if the cancellation sent to it was lost because its orchestration had not started yet.
/// </summary>
public sealed class LiveCallbackIndex(StorageAccount storage)
{
    private TableClient Table => storage.Live;

    /// <summary>Rows this instance pointed at a callback, with the ETag of that write: removing one then takes a single request.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Caller, string Queue), (string CallbackId, ETag ETag)> _set = new();

    /// <summary>The row of the caller's last served call; queue names start with a letter or digit, so it never clashes.</summary>
    private const string ServedRow = "~served";

    /// <summary>What an offer needs to know in one request: the caller's live callback in the queue, and their last served call.</summary>
    public async Task<(string? LiveCallbackId, DateTimeOffset? ServedAt, string? ServedHow)> ReadAsync(string caller, string queue, CancellationToken ct)
    {
        string? live = null;
        DateTimeOffset? servedAt = null;
        string? how = null;
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {caller}"), cancellationToken: ct))
        {
            if (e.RowKey == Key(queue)) live = e.GetString("CallbackId");
            else if (e.RowKey == ServedRow) (servedAt, how) = (e.GetDateTimeOffset("At"), e.GetString("How"));
        }
        return (live, servedAt, how);
    }

    /// <summary>The caller was served (or dialled by hand) at <paramref name="at"/>; a later call of this moves it on.</summary>
    public async Task MarkServedAsync(string caller, DateTimeOffset at, string how, CancellationToken ct) =>
        await Table.UpsertEntityAsync(new TableEntity(caller, ServedRow) { ["At"] = at, ["How"] = how }, TableUpdateMode.Replace, ct);

    public async Task<Stored<string>?> GetAsync(string caller, string queue, CancellationToken ct)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(caller, Key(queue), cancellationToken: ct);
        return response.HasValue ? new Stored<string>(response.Value!.GetString("CallbackId"), response.Value.ETag) : null;
    }

    /// <summary>Points the row at <paramref name="callbackId"/> if it is still as last read; false if someone moved first.</summary>
    public async Task<bool> TrySetAsync(string caller, string queue, string callbackId, ETag? expected, CancellationToken ct)
    {
        var entity = new TableEntity(caller, Key(queue)) { ["CallbackId"] = callbackId, ["Queue"] = queue };
        if (await Table.TryWriteAsync(entity, expected, ct) is not { } etag) return false;
        if (_set.Count > 10_000) _set.Clear();
        _set[(caller, Key(queue))] = (callbackId, etag);
        return true;
    }

    /// <summary>Every live callback of a caller, across queues (a served call cancels them all: seed 002).</summary>
    public async Task<IReadOnlyList<(string Queue, string CallbackId)>> ListForCallerAsync(string caller, CancellationToken ct)
    {
        var result = new List<(string, string)>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {caller}"), cancellationToken: ct))
            if (e.RowKey != ServedRow) result.Add((e.GetString("Queue"), e.GetString("CallbackId")));
        return result;
    }

    /// <summary>Removes the row if it still points at <paramref name="callbackId"/> (a newer callback keeps its row).</summary>
    public async Task RemoveAsync(string caller, string queue, string callbackId, CancellationToken ct)
    {
        // Pointed at this callback from here and not moved since: one request. A 412 (moved) or 404 (gone) is read as usual.
        if (_set.TryRemove((caller, Key(queue)), out var set))
        {
            if (set.CallbackId != callbackId) _set.TryAdd((caller, Key(queue)), set);
            else
            {
                try
                {
                    await Table.DeleteEntityAsync(caller, Key(queue), set.ETag, ct);
                    return;
                }
                catch (RequestFailedException e) when (e.Status is 404 or 412)
                {
                    // moved since: read it below
                }
            }
        }
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
