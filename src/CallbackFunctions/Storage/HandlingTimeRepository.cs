using System.Globalization;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>
/// How long each offer of a queue took, from the offer to the end of the agent's call (issue 15 §5: the estimate's
/// handling time). One row per offer (partition = queue, row = newest first), written when the offer's agent is freed,
/// which happens once per offer; a repeat writes the same row.
/// </summary>
public sealed class HandlingTimeRepository(StorageAccount storage)
{
    private TableClient Table => storage.Handling;

    public async Task AddAsync(string queue, string holder, DateTimeOffset offeredAt, DateTimeOffset endedAt, CancellationToken ct) =>
        await Table.UpsertEntityAsync(new TableEntity(Key(queue), Row(endedAt, holder))
        {
            ["Seconds"] = Math.Max(0, (endedAt - offeredAt).TotalSeconds),
            ["EndedAt"] = endedAt,
        }, TableUpdateMode.Replace, ct);

    /// <summary>The most recent handling times of the queue since <paramref name="since"/>, newest first, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<TimeSpan>> RecentAsync(string queue, DateTimeOffset since, int max, CancellationToken ct)
    {
        var found = new List<TimeSpan>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Key(queue)} and RowKey lt {Row(since, "~")}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, maxPerPage: max, select: ["Seconds"], cancellationToken: ct))
        {
            found.Add(TimeSpan.FromSeconds(e.GetDouble("Seconds") ?? 0));
            if (found.Count == max) break;
        }
        return found;
    }

    private static string Key(string queue) => queue.ToLowerInvariant();

    // Inverted ticks: a partition reads newest first.
    private static string Row(DateTimeOffset at, string holder) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + holder.Replace('/', '_');
}
