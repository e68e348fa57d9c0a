using Azure;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Agents;

namespace CallbackFunctions.Storage;

/// <summary>
/// Callbacks waiting for a free agent, by queue (partition = queue, row = callback id, with the moment it is waiting
/// since), so a freed agent finds them with one partition read instead of a scan of every callback, and wakes the
/// head of the line rather than everyone (each woken callback runs a whole offer: waking a hundred for one agent
/// costs a hundred offers, ninety-nine of which find nobody).
/// </summary>
public sealed class WaitingIndex(StorageAccount storage)
{
    /// <summary>A callback woken this recently is making its offer: the next freed agent wakes the one behind it.</summary>
    public static readonly TimeSpan WokenFor = TimeSpan.FromSeconds(10);

    private TableClient Table => storage.Waiting;

    /// <summary>
    /// The line a waiting callback stands in: its bound or preferred agent's own (<c>@agentId</c>; agent ids have no
    /// '@'), woken first when that agent frees up, else its queue's.
    /// </summary>
    public static string LineOf(Domain.Callbacks.Callback callback) => callback.BoundAgent is { } agent ? "@" + agent : callback.Queue;

    /// <summary>The lines a freed agent looks at, in order: callbacks waiting for them, then their queues'.</summary>
    public static IReadOnlyList<string> LinesFor(Agent agent) => ["@" + agent.Id, .. agent.Queues];

    /// <summary>
    /// Puts the callback in a line (<see cref="LineOf"/>), placed by <paramref name="since"/> (its place, then id), with
    /// who may take it (<paramref name="access"/>: a freed agent wakes only callbacks they may take); idempotent.
    /// </summary>
    public async Task AddAsync(string queue, string callbackId, DateTimeOffset since, ContactAccess access, CancellationToken ct)
    {
        var row = new TableEntity(Key(queue), callbackId) { ["Since"] = since };
        if (access.Campaign is { } campaign) row["Campaign"] = campaign;
        if (access.OwnershipCode is { } owner) row["OwnershipCode"] = owner;
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
    }

    public async Task RemoveAsync(string queue, string callbackId, CancellationToken ct)
    {
        try { await Table.DeleteEntityAsync(Key(queue), callbackId, ETag.All, ct); }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }

    /// <summary>The callbacks waiting in any of <paramref name="queues"/>, queue by queue in the order given, each line longest-waiting first.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(IReadOnlyList<string> queues, CancellationToken ct) =>
        [.. (await ReadAsync(queues, ct)).Select(r => r.Id).Distinct()];

    /// <summary>
    /// Claims up to <paramref name="count"/> callbacks at the head of the lines of <paramref name="agent"/> (<see cref="LinesFor"/>) that were
    /// not woken within <see cref="WokenFor"/>, marking each woken with an If-Match write, so agents freed together
    /// wake different callbacks across threads and instances. Returns their ids, head first.
    /// </summary>
    /// <remarks>Only callbacks <paramref name="agent"/> may take (campaign, ownership code; seed 000) are claimed.</remarks>
    public async Task<IReadOnlyList<string>> ClaimHeadAsync(Agent agent, int count, DateTimeOffset now, CancellationToken ct)
    {
        var claimed = new List<string>();
        foreach (var row in await ReadAsync(LinesFor(agent), ct))
        {
            if (claimed.Count == count) break;
            if (claimed.Contains(row.Id) || row.WokenAt > now - WokenFor || !Eligibility.HasAccess(agent, row.Access)) continue;
            try
            {
                await Table.UpdateEntityAsync(new TableEntity(row.Partition, row.Id) { ["WokenAt"] = now }, row.ETag, TableUpdateMode.Merge, ct);
                claimed.Add(row.Id);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Offered meanwhile (the row is gone) or woken by another freed agent: the next in line, then.
            }
        }
        return claimed;
    }

    /// <summary>A callback waiting in a line: its id, its place, and when a freed agent last woke it.</summary>
    public sealed record Waiting(string Line, string CallbackId, DateTimeOffset Since, DateTimeOffset WokenAt);

    /// <summary>
    /// The first callback of <paramref name="line"/> ahead of this one (an earlier place, then id) that the same agents
    /// may take (the same <paramref name="access"/>), or null. A private contact's callback ahead never holds up a
    /// common one its owner's agents are not there to take, nor the other way round.
    /// </summary>
    public async Task<Waiting?> FirstAheadAsync(string line, string callbackId, DateTimeOffset place, ContactAccess access, CancellationToken ct) =>
        (await ReadAsync([line], ct)).Where(r => r.Id != callbackId && r.Access == access
                && (r.Since < place || (r.Since == place && string.CompareOrdinal(r.Id, callbackId) < 0)))
            .Select(r => new Waiting(r.Partition, r.Id, r.Since, r.WokenAt)).FirstOrDefault();

    private sealed record Row(string Partition, string Id, DateTimeOffset Since, DateTimeOffset WokenAt, ETag ETag, ContactAccess Access);

    private async Task<IReadOnlyList<Row>> ReadAsync(IReadOnlyList<string> queues, CancellationToken ct)
    {
        if (queues.Count == 0) return [];
        var keys = queues.Select(Key).Distinct().ToList();
        var filter = string.Join(" or ", keys.Select(k => TableClient.CreateQueryFilter($"PartitionKey eq {k}")));
        var found = new List<Row>();
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            found.Add(new Row(e.PartitionKey, e.RowKey, e.GetDateTimeOffset("Since") ?? DateTimeOffset.MinValue,
                e.GetDateTimeOffset("WokenAt") ?? DateTimeOffset.MinValue, e.ETag, new ContactAccess(e.GetString("Campaign"), e.GetString("OwnershipCode"))));
        return [.. found.OrderBy(r => keys.IndexOf(r.Partition)).ThenBy(r => r.Since).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    private static string Key(string queue) => queue.ToLowerInvariant();
}
