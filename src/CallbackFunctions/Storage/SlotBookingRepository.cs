using Azure;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Scheduling;

namespace CallbackFunctions.Storage;

/// <summary>What booking a place in a slot instance came to.</summary>
public enum SlotBooking
{
    /// <summary>A place was taken now.</summary>
    Booked,
    /// <summary>This holder had a place already (a repeated webhook): nothing more was taken.</summary>
    AlreadyHeld,
    /// <summary>No room left: the caller must pick another slot.</summary>
    Full,
}

/// <summary>
/// Places booked in call slots (issue 15 §2): one row per queue (partition, lower case) and slot instance (row,
/// "2026-03-08T14:30"), with the count and who holds the places (the inbound CallSid). Every change is a conditional
/// write on the row (insert-if-absent, then If-Match): two callers racing for the last place cannot both have it, and
/// the loser reads again and finds it full. A holder is kept once, so a webhook Twilio repeats takes no second place.
/// </summary>
public sealed class SlotBookingRepository(StorageAccount storage)
{
    /// <summary>Conflicts tolerated before giving up: each one means another booking of the same instance went through.</summary>
    private const int MaxConflicts = 50;
    private TableClient Table => storage.SlotBookings;

    /// <summary>How many places are booked per instance of the queue's slots from <paramref name="from"/> for <paramref name="days"/> days.</summary>
    public async Task<IReadOnlyDictionary<SlotInstance, int>> CountsAsync(string queue, DateOnly from, int days, CancellationToken ct)
    {
        var first = new SlotInstance(from, TimeOnly.MinValue).ToString();
        var end = new SlotInstance(from.AddDays(days + 1), TimeOnly.MinValue).ToString();
        var counts = new Dictionary<SlotInstance, int>();
        await foreach (var row in Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition(queue)} and RowKey ge {first} and RowKey lt {end}"),
            select: ["RowKey", "Count"], cancellationToken: ct))
        {
            if (SlotInstance.Parse(row.RowKey) is { } instance) counts[instance] = row.GetInt32("Count") ?? 0;
        }
        return counts;
    }

    /// <summary>Takes a place in <paramref name="instance"/> for <paramref name="holder"/> if fewer than <paramref name="capacity"/> are taken.</summary>
    public async Task<SlotBooking> BookAsync(string queue, SlotInstance instance, int capacity, string holder, CancellationToken ct)
    {
        for (var conflicts = 0; ; conflicts++)
        {
            var stored = await ReadAsync(queue, instance, ct);
            var holders = stored?.Value ?? [];
            if (holders.Contains(holder, StringComparer.Ordinal)) return SlotBooking.AlreadyHeld;
            if (holders.Count >= capacity) return SlotBooking.Full;
            if (await Table.TryPutAsync(Entity(queue, instance, [.. holders, holder]), stored?.ETag, ct)) return SlotBooking.Booked;
            if (conflicts == MaxConflicts) throw new RequestFailedException(412, $"slot {instance} of queue '{queue}' kept changing under {MaxConflicts} bookings");
        }
    }

    /// <summary>Gives back <paramref name="holder"/>'s place (the callback it was for was not made); nothing when they hold none.</summary>
    public async Task ReleaseAsync(string queue, SlotInstance instance, string holder, CancellationToken ct)
    {
        for (var conflicts = 0; ; conflicts++)
        {
            if (await ReadAsync(queue, instance, ct) is not { } stored || !stored.Value.Contains(holder, StringComparer.Ordinal)) return;
            if (await Table.TryPutAsync(Entity(queue, instance, [.. stored.Value.Where(h => h != holder)]), stored.ETag, ct)) return;
            if (conflicts == MaxConflicts) throw new RequestFailedException(412, $"slot {instance} of queue '{queue}' kept changing under {MaxConflicts} releases");
        }
    }

    /// <summary>Who holds places in <paramref name="instance"/>, with the row's ETag; null when nobody ever booked it.</summary>
    public async Task<Stored<IReadOnlyList<string>>?> ReadAsync(string queue, SlotInstance instance, CancellationToken ct)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition(queue), instance.ToString(), cancellationToken: ct);
        return response.HasValue
            ? new Stored<IReadOnlyList<string>>(StorageJson.Read<List<string>>(response.Value!, "Holders"), response.Value!.ETag)
            : null;
    }

    private static TableEntity Entity(string queue, SlotInstance instance, IReadOnlyList<string> holders)
    {
        var entity = new TableEntity(Partition(queue), instance.ToString()) { ["Count"] = holders.Count };
        StorageJson.Write(entity, "Holders", holders);
        return entity;
    }

    // Queue names are compared ignoring case everywhere: one partition per queue whatever its spelling.
    private static string Partition(string queue) => queue.ToLowerInvariant();
}
