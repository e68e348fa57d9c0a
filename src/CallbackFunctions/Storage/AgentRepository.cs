using Azure;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Agents;

namespace CallbackFunctions.Storage;

/// <summary>Agents in Table Storage (one partition; a contact center has tens to hundreds of agents).</summary>
public sealed class AgentRepository(StorageAccount storage)
{
    private const string Partition = "agent";
    private TableClient Table => storage.Agents;

    public async Task<IReadOnlyList<Stored<Agent>>> ListAsync(CancellationToken ct)
    {
        var result = new List<Stored<Agent>>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
            result.Add(new Stored<Agent>(FromEntity(e), e.ETag, e.Timestamp));
        return result;
    }

    public async Task<Stored<Agent>?> GetAsync(string id, CancellationToken ct)
    {
        if (!TableKeys.IsKey(id)) return null;
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        return response.HasValue ? new Stored<Agent>(FromEntity(response.Value!), response.Value!.ETag) : null;
    }

    public async Task<ETag?> TryAddAsync(Agent agent, CancellationToken ct)
    {
        try { return (await Table.AddEntityAsync(ToEntity(agent), ct)).Headers.ETag; }
        catch (RequestFailedException e) when (e.Status == 409) { return null; }
    }

    public async Task<ETag?> TryReplaceAsync(Agent agent, ETag etag, CancellationToken ct)
    {
        try { return (await Table.UpdateEntityAsync(ToEntity(agent), etag, TableUpdateMode.Replace, ct)).Headers.ETag; }
        catch (RequestFailedException e) when (e.Status is 412 or 404) { return null; }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        if (!TableKeys.IsKey(id)) return false;
        // The SDK answers a missing entity's 404 rather than throwing it (older versions threw).
        try { return (await Table.DeleteEntityAsync(Partition, id, ETag.All, ct)).Status != 404; }
        catch (RequestFailedException e) when (e.Status == 404) { return false; }
    }

    private static TableEntity ToEntity(Agent a)
    {
        var entity = new TableEntity(Partition, a.Id)
        {
            ["Name"] = a.Name,
            ["Phone"] = a.Phone,
            ["Queues"] = string.Join(',', a.Queues),
            ["Available"] = a.Available,
            ["IdleSince"] = a.IdleSince,
        };
        if (a.HeldBy is not null) entity["HeldBy"] = a.HeldBy;
        // Ids are id-shaped (IdShape): never a comma.
        if (!a.Campaigns.IsDefaultOrEmpty) entity["Campaigns"] = string.Join(',', a.Campaigns);
        if (!a.OwnershipCodes.IsDefaultOrEmpty) entity["OwnershipCodes"] = string.Join(',', a.OwnershipCodes);
        if (a.CooldownUntil is { } until) entity["CooldownUntil"] = until;
        if (a.CooldownCause is { } cause) entity["CooldownCause"] = cause;
        if (!a.Handled.IsEmpty) entity["Handled"] = string.Join(';', a.Handled.Select(h => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{h.Queue}|{h.EndedAt.ToUnixTimeMilliseconds()}|{(long)h.Took.TotalMilliseconds}")));
        return entity;
    }

    private static Agent FromEntity(TableEntity e) => new()
    {
        Id = e.RowKey,
        Name = e.GetString("Name"),
        Phone = e.GetString("Phone"),
        Queues = [.. (e.GetString("Queues") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)],
        Available = e.GetBoolean("Available") ?? false,
        HeldBy = e.GetString("HeldBy"),
        IdleSince = e.GetDateTimeOffset("IdleSince") ?? DateTimeOffset.MinValue,
        Handled = [.. ReadHandled(e.GetString("Handled"))],
        Campaigns = [.. (e.GetString("Campaigns") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)],
        OwnershipCodes = [.. (e.GetString("OwnershipCodes") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)],
        CooldownUntil = e.GetDateTimeOffset("CooldownUntil"),
        CooldownCause = e.GetString("CooldownCause"),
    };

    /// <summary>"queue|endedAt (Unix ms)|took (ms)" entries, ';'-separated; one that does not read is skipped.</summary>
    private static IEnumerable<HandledOffer> ReadHandled(string? text)
    {
        foreach (var entry in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split('|');
            if (parts.Length == 3 && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var ended)
                && long.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var took) && took >= 0)
                yield return new HandledOffer(parts[0], DateTimeOffset.FromUnixTimeMilliseconds(ended), TimeSpan.FromMilliseconds(took));
        }
    }
}
