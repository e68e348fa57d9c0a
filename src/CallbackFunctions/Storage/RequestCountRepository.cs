using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>
/// How many callbacks each number asked for on each UTC day (issue 15 §6: a per-number daily cap stops abuse). One row per
/// number and day (partition = number, row = yyyyMMdd) with the count and the requests counted, changed only by
/// conditional writes, so requests at once are all counted and a webhook Twilio repeats is counted once.
/// </summary>
public sealed class RequestCountRepository(StorageAccount storage)
{
    private const int Rounds = 20;
    private TableClient Table => storage.RequestCounts;

    /// <summary>
    /// Counts the request <paramref name="requestId"/> of <paramref name="number"/> on <paramref name="now"/>'s day if
    /// the number has asked fewer than <paramref name="cap"/> times that day (a request counted already is admitted
    /// again); false when it is over the cap. The count after.
    /// </summary>
    public async Task<(bool Admitted, int Count)> TryCountAsync(string number, string requestId, int cap, DateTimeOffset now, CancellationToken ct)
    {
        var day = now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        for (var round = 0; round < Rounds; round++)
        {
            var found = await Table.GetEntityIfExistsAsync<TableEntity>(number, day, cancellationToken: ct);
            var row = found.HasValue ? found.Value : null;
            var ids = (row?.GetString("Requests") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Contains(requestId, StringComparer.Ordinal)) return (true, ids.Length);
            if (ids.Length >= cap) return (false, ids.Length);
            var next = new TableEntity(number, day) { ["Count"] = ids.Length + 1, ["Requests"] = string.Join(",", ids.Append(requestId)) };
            try
            {
                if (row is null) await Table.AddEntityAsync(next, ct);
                else await Table.UpdateEntityAsync(next, row.ETag, TableUpdateMode.Replace, ct);
                return (true, ids.Length + 1);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another request of this number counted first: read again.
            }
        }
        throw new InvalidOperationException($"could not count a request after {Rounds} tries");
    }
}
