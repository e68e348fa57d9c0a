using Azure;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Storage;

/// <summary>
/// The callbacks' projection in Table Storage: one entity per callback (partition = id), the whole state as JSON plus a
/// few columns to filter on, and the number of the orchestration step that wrote it. The webhook that makes a callback
/// writes step 0; after that its orchestration is the only writer.
/// </summary>
public sealed class CallbackRepository(StorageAccount storage)
{
    private const string Row = "callback";
    private TableClient Table => storage.Callbacks;

    public async Task<Stored<Callback>?> GetAsync(string id, CancellationToken ct)
    {
        if (!TableKeys.IsKey(id)) return null;
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(id, Row, cancellationToken: ct);
        return response.HasValue ? new Stored<Callback>(FromEntity(response.Value!), response.Value!.ETag) : null;
    }

    /// <summary>The stored callback as its orchestration would start from it (state, ETag, version).</summary>
    public async Task<Callbacks.CallbackRun?> GetRunAsync(string id, CancellationToken ct)
    {
        if (!TableKeys.IsKey(id)) return null;
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(id, Row, cancellationToken: ct);
        return response.HasValue ? ToRun(response.Value!) : null;
    }

    /// <summary>Adds a new callback's projection (version 0); its ETag, or null when it exists already (a repeated webhook).</summary>
    public async Task<ETag?> TryCreateAsync(Callback callback, CancellationToken ct)
    {
        try
        {
            var response = await Table.AddEntityAsync(ToEntity(callback, version: 0), ct);
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes step <paramref name="version"/> of a callback's projection over the one its orchestration wrote before
    /// (<paramref name="etag"/>). The orchestration is its only writer, so a 412 means this step (or a later one) was
    /// written already by an earlier run of the same activity: the stored state is returned (Written false) and nothing
    /// is overwritten.
    /// </summary>
    public async Task<(ETag ETag, Callback Stored, long Version, bool Written)> SaveStepAsync(Callback callback, long version, ETag etag, CancellationToken ct)
    {
        try
        {
            var response = await Table.UpdateEntityAsync(ToEntity(callback, version), etag, TableUpdateMode.Replace, ct);
            return (response.Headers.ETag!.Value, callback, version, true);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            var stored = await Table.GetEntityAsync<TableEntity>(callback.Id, Row, cancellationToken: ct);
            var storedVersion = stored.Value.GetInt64("Version") ?? 0;
            if (storedVersion < version)
                throw new InvalidOperationException($"callback {callback.Id}: projection at version {storedVersion} changed under step {version}; it has one writer");
            return (stored.Value.ETag, FromEntity(stored.Value), storedVersion, false);
        }
    }

    /// <param name="statuses">Rows stored in any of these statuses (null: any).</param>
    public async Task<(IReadOnlyList<Callbacks.CallbackRun> Items, string? ContinuationToken)> ListRunsAsync(
        IReadOnlyCollection<CallbackStatus>? statuses, string? caller, string? queue, int pageSize, string? continuationToken, CancellationToken ct)
    {
        var filters = new List<string>();
        if (statuses is { Count: > 0 })
            filters.Add("(" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {s.ToString()}"))) + ")");
        if (caller is not null) filters.Add(TableClient.CreateQueryFilter($"Caller eq {caller}"));
        if (queue is not null) filters.Add(TableClient.CreateQueryFilter($"Queue eq {queue}"));
        var filter = filters.Count == 0 ? null : string.Join(" and ", filters);
        await foreach (var page in Table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: ct).AsPages(continuationToken, pageSize))
            return (page.Values.Select(ToRun).ToList(), page.ContinuationToken);
        return ([], null);
    }

    /// <summary>Live callbacks whose wake-up is due before <paramref name="before"/>: the sweeper re-arms them.</summary>
    public async IAsyncEnumerable<Callback> QueryOverdueAsync(DateTimeOffset before, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"IsLive eq {true} and WakeAt lt {before}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            yield return FromEntity(entity);
    }

    /// <summary>Every live callback, or those a rule made: a rule switched off or a frozen account cancels them.</summary>
    public async IAsyncEnumerable<Callback> QueryLiveAsync(Domain.Rules.RuleKind? rule, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = rule is { } r
            ? TableClient.CreateQueryFilter($"IsLive eq {true} and Rule eq {r.ToString()}")
            : TableClient.CreateQueryFilter($"IsLive eq {true}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            yield return FromEntity(entity);
    }

    /// <summary>Live callbacks of one queue (deleting the queue ends them).</summary>
    public async IAsyncEnumerable<Callback> QueryLiveInQueueAsync(string queue, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var entity in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"IsLive eq {true} and Queue eq {queue}"), cancellationToken: ct))
            yield return FromEntity(entity);
    }

    /// <summary>The callbacks of one queue made at or after <paramref name="from"/> (the queue's stats).</summary>
    public async IAsyncEnumerable<Callback> QueryCreatedSinceAsync(string queue, DateTimeOffset from, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var entity in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Queue eq {queue} and CreatedAt ge {from}"), cancellationToken: ct))
            yield return FromEntity(entity);
    }

    private static TableEntity ToEntity(Callback c, long? version = null)
    {
        var entity = new TableEntity(c.Id, Row)
        {
            ["Version"] = version ?? 0,
            ["Status"] = c.Status.ToString(),
            ["Queue"] = c.Queue,
            ["Caller"] = c.Caller,
            ["CreatedAt"] = c.CreatedAt,
            ["IsLive"] = c.IsLive,
            ["WaitingForAgent"] = c.WaitingForAgent,
        };
        if (c.Rule is { } rule) entity["Rule"] = rule.ToString();
        if (c.WakeAt is { } wake) entity["WakeAt"] = wake;
        StorageJson.Write(entity, "State", c);
        return entity;
    }

    private static Callback FromEntity(TableEntity entity) => StorageJson.Read<Callback>(entity, "State");

    private static Callbacks.CallbackRun ToRun(TableEntity entity) =>
        new(FromEntity(entity), entity.ETag.ToString(), entity.GetInt64("Version") ?? 0);
}
