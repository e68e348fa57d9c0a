using Azure;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Contacts;
using CallbackFunctions.Domain.Telephony;

namespace CallbackFunctions.Storage;

/// <summary>Our Twilio numbers and what the callback alert says of each (one partition; a contact center has tens to hundreds).</summary>
public sealed class NumberRepository(StorageAccount storage)
{
    private const string Partition = "number";
    private TableClient Table => storage.Numbers;

    /// <summary>Our numbers, by number, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<OurNumber>> ListAsync(int max, CancellationToken ct)
    {
        var result = new List<OurNumber>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: Math.Min(max, 1000), cancellationToken: ct))
        {
            if (result.Count == max) break;
            result.Add(FromEntity(e));
        }
        return result;
    }

    /// <summary>One of our numbers (E.164), or null: one read.</summary>
    public async Task<OurNumber?> GetAsync(string e164, CancellationToken ct)
    {
        if (!Contact.IsE164(e164)) return null;
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, e164, cancellationToken: ct);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>Creates or replaces it (what it says is all there is to it: the last writer wins).</summary>
    public async Task SaveAsync(OurNumber number, CancellationToken ct) =>
        await Table.UpsertEntityAsync(ToEntity(number), TableUpdateMode.Replace, ct);

    public async Task<bool> DeleteAsync(string e164, CancellationToken ct)
    {
        if (!Contact.IsE164(e164)) return false;
        // The SDK answers a missing entity's 404 rather than throwing it.
        try { return (await Table.DeleteEntityAsync(Partition, e164, ETag.All, ct)).Status != 404; }
        catch (RequestFailedException e) when (e.Status == 404) { return false; }
    }

    private static TableEntity ToEntity(OurNumber n)
    {
        var entity = new TableEntity(Partition, n.Number);
        if (n.Location is not null) entity["Location"] = n.Location;
        if (n.AdSource is not null) entity["AdSource"] = n.AdSource;
        return entity;
    }

    private static OurNumber FromEntity(TableEntity e) => new(e.RowKey, e.GetString("Location"), e.GetString("AdSource"));
}
