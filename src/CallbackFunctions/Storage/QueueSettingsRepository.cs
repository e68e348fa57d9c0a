using Azure;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Queues;

namespace CallbackFunctions.Storage;

/// <summary>Queue settings in Table Storage: one row per configured queue (lower-case name), in one partition.</summary>
public sealed class QueueSettingsRepository(StorageAccount storage)
{
    private const string Partition = "queue";
    private TableClient Table => storage.QueueSettings;

    /// <summary>The queue's saved settings, or null when it was never configured (it then works on <see cref="QueueSettings.Default"/>).</summary>
    public async Task<Stored<QueueSettings>?> GetAsync(string queue, CancellationToken ct)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, Row(queue), cancellationToken: ct);
        return response.HasValue ? new Stored<QueueSettings>(StorageJson.Read<QueueSettings>(response.Value!, "State"), response.Value!.ETag) : null;
    }

    /// <summary>Saves the settings if the row is still as last read (null ETag: it must not exist yet); false if someone moved first.</summary>
    public Task<bool> TrySaveAsync(string queue, QueueSettings settings, ETag? expected, CancellationToken ct) =>
        Table.TryPutAsync(Entity(queue, settings), expected, ct);

    /// <summary>Saves the settings whatever stood before (a PUT replaces them).</summary>
    public async Task SaveAsync(string queue, QueueSettings settings, CancellationToken ct) =>
        await Table.UpsertEntityAsync(Entity(queue, settings), TableUpdateMode.Replace, ct);

    /// <summary>Forgets the queue's settings (it is back on the defaults); false when it had none.</summary>
    public async Task<bool> DeleteAsync(string queue, CancellationToken ct)
    {
        try
        {
            // The SDK answers a missing entity's 404 rather than throwing it (older versions threw).
            return (await Table.DeleteEntityAsync(Partition, Row(queue), ETag.All, ct)).Status != 404;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private static TableEntity Entity(string queue, QueueSettings settings)
    {
        var entity = new TableEntity(Partition, Row(queue));
        StorageJson.Write(entity, "State", settings);
        return entity;
    }

    // Queue names are compared ignoring case everywhere (agents' queues, the list): one row per queue whatever its spelling.
    private static string Row(string queue) => queue.ToLowerInvariant();
}
