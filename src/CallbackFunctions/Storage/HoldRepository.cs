using Azure;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>
/// Exclusive holds shared by every instance (partition = what is held: "line", "number"; row = which one): taken and
/// freed with If-Match, so two instances can never both hold the same line or the same customer number.
/// </summary>
public sealed class HoldRepository(StorageAccount storage)
{
    private TableClient Table => storage.Holds;

    /// <summary>
    /// Holds taken from this instance, with the ETag their write got: releasing one then takes a single request (If-Match
    /// on it). If the row moved meanwhile, or another instance took the hold, the release reads the row as usual.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Kind, string Key), (string Holder, ETag ETag)> _taken = new();

    /// <summary>The pacers' last reservation from this instance: the next one is tried on it before anything is read.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ETag ETag, DateTimeOffset NextSlot)> _pacers = new();

    private const int TakenKept = 10_000;

    private bool Took(string kind, string key, string holder, ETag? etag)
    {
        if (etag is not { } e) return false;
        if (_taken.Count > TakenKept) _taken.Clear();
        _taken[(kind, key)] = (holder, e);
        return true;
    }

    /// <summary>
    /// Takes the hold unless someone else has it; true if <paramref name="holder"/> has it now. Tries an insert first
    /// (one request for a key never held before), and reads only when the row exists.
    /// </summary>
    public async Task<bool> TryHoldAsync(string kind, string key, string holder, CancellationToken ct)
    {
        if (Took(kind, key, holder, await Table.TryWriteAsync(new TableEntity(kind, key) { ["HeldBy"] = holder }, null, ct))) return true;
        var current = await Table.GetEntityIfExistsAsync<TableEntity>(kind, key, cancellationToken: ct);
        var held = current.HasValue ? current.Value!.GetString("HeldBy") : null;
        if (held == holder) return true;
        if (!string.IsNullOrEmpty(held)) return false;
        // Someone else taking it first is a plain false.
        return Took(kind, key, holder, await Table.TryWriteAsync(new TableEntity(kind, key) { ["HeldBy"] = holder }, current.HasValue ? current.Value!.ETag : null, ct));
    }

    /// <summary>Takes a hold whose row was just listed free (<paramref name="etag"/>), or never existed (null): one request.</summary>
    public async Task<bool> TryHoldListedAsync(string kind, string key, ETag? etag, string holder, CancellationToken ct) =>
        Took(kind, key, holder, await Table.TryWriteAsync(new TableEntity(kind, key) { ["HeldBy"] = holder }, etag, ct));

    /// <summary>Frees the hold if <paramref name="holder"/> still has it; idempotent.</summary>
    public async Task ReleaseAsync(string kind, string key, string holder, CancellationToken ct)
    {
        // Taken from here and not moved since: one request.
        if (_taken.TryRemove((kind, key), out var taken))
        {
            if (taken.Holder == holder && await Table.TryPutAsync(new TableEntity(kind, key) { ["HeldBy"] = "" }, taken.ETag, ct)) return;
            if (taken.Holder != holder) _taken.TryAdd((kind, key), taken);
        }
        var current = await Table.GetEntityIfExistsAsync<TableEntity>(kind, key, cancellationToken: ct);
        if (!current.HasValue || current.Value!.GetString("HeldBy") != holder) return;
        try
        {
            await Table.UpdateEntityAsync(new TableEntity(kind, key) { ["HeldBy"] = "" }, current.Value.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // taken over already
        }
    }

    /// <summary>Every current hold of a kind (key, holder).</summary>
    public async Task<IReadOnlyList<(string Key, string Holder)>> ListAsync(string kind, CancellationToken ct) =>
        [.. (await ListRowsAsync(kind, ct)).Where(r => r.Holder.Length > 0).Select(r => (r.Key, r.Holder))];

    /// <summary>Every current hold of a kind (key, holder, when it was taken as the store stamped it).</summary>
    public async Task<IReadOnlyList<(string Key, string Holder, DateTimeOffset Since)>> ListHeldAsync(string kind, CancellationToken ct) =>
        [.. (await ListRowsAsync(kind, ct)).Where(r => r.Holder.Length > 0).Select(r => (r.Key, r.Holder, r.Since))];

    /// <summary>Every row of a kind, held or free (holder ""), with its ETag and its last write as the store stamped it.</summary>
    public async Task<IReadOnlyList<(string Key, string Holder, ETag ETag, DateTimeOffset Since)>> ListRowsAsync(string kind, CancellationToken ct) =>
        [.. (await ListRowsAsync([kind], ct)).Select(r => (r.Key, r.Holder, r.ETag, r.Since))];

    /// <summary>Every row of several kinds, in one query.</summary>
    public async Task<IReadOnlyList<(string Kind, string Key, string Holder, ETag ETag, DateTimeOffset Since)>> ListRowsAsync(IReadOnlyList<string> kinds, CancellationToken ct)
    {
        var result = new List<(string, string, string, ETag, DateTimeOffset)>();
        var filter = string.Join(" or ", kinds.Select(k => TableClient.CreateQueryFilter($"PartitionKey eq {k}")));
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            result.Add((e.PartitionKey, e.RowKey, e.GetString("HeldBy") ?? "", e.ETag, e.Timestamp ?? DateTimeOffset.MinValue));
        return result;
    }

    /// <summary>
    /// Reserves the next send slot of a shared pacer (calls per second across instances): returns how long to wait
    /// before sending. Each reservation moves the pacer's next free slot on by 1/<paramref name="perSecond"/>.
    /// </summary>
    public async Task<TimeSpan> ReserveSlotAsync(string pacer, double perSecond, DateTimeOffset now, CancellationToken ct)
    {
        var spacing = TimeSpan.FromSeconds(1 / perSecond);
        for (var round = 0; round < 16; round++)
        {
            // First on this instance's last reservation (nobody else dialled since: one request), then on a fresh read.
            ETag? etag;
            DateTimeOffset next;
            if (round == 0 && _pacers.TryGetValue(pacer, out var last)) (etag, next) = (last.ETag, last.NextSlot);
            else
            {
                var current = await Table.GetEntityIfExistsAsync<TableEntity>("pacer", pacer, cancellationToken: ct);
                (etag, next) = current.HasValue ? (current.Value!.ETag, current.Value.GetDateTimeOffset("NextSlot") ?? now) : ((ETag?)null, now);
            }
            var slot = next > now ? next : now;
            var entity = new TableEntity("pacer", pacer) { ["NextSlot"] = slot + spacing };
            if (await Table.TryWriteAsync(entity, etag, ct) is { } written)
            {
                _pacers[pacer] = (written, slot + spacing);
                return slot - now;
            }
            // another dial took that slot; take the next
        }
        return spacing;
    }
}
