using Azure;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Storage;

/// <summary>
/// A recording of a callback's customer call (seed 001 "outbound call recording"): which call and attempt made it, the
/// rule it followed (its storage period applies), and when it was deleted at Twilio.
/// </summary>
public sealed record CallRecording(
    string CallbackId,
    string RecordingSid,
    string CallSid,
    int Attempt,
    RuleKind? Rule,
    string Url,
    int? DurationSeconds,
    DateTimeOffset RecordedAt,
    DateTimeOffset? DeletedAt = null)
{
    public bool Deleted => DeletedAt is not null;
}

/// <summary>Recordings by callback (partition = callback id, row = RecordingSid).</summary>
public sealed class RecordingRepository(StorageAccount storage)
{
    private TableClient Table => storage.Recordings;

    /// <summary>Stores a recording once; a repeated status callback changes nothing (nor undoes a deletion). False if it was known.</summary>
    public async Task<bool> TryAddAsync(CallRecording recording, CancellationToken ct)
    {
        try
        {
            await Table.AddEntityAsync(ToEntity(recording), ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<CallRecording>> ListAsync(string callbackId, CancellationToken ct)
    {
        var list = new List<CallRecording>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {callbackId}"), cancellationToken: ct))
            list.Add(FromEntity(e));
        return list;
    }

    /// <summary>Recordings not deleted yet that were made at or before <paramref name="recordedBy"/> (a scan of the table).</summary>
    public async IAsyncEnumerable<CallRecording> QueryKeptRecordedByAsync(DateTimeOffset recordedBy, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"Deleted eq {false} and RecordedAt le {recordedBy}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            yield return FromEntity(e);
    }

    /// <summary>Marks a recording deleted at Twilio (idempotent: the first time stays).</summary>
    public async Task MarkDeletedAsync(CallRecording recording, DateTimeOffset at, CancellationToken ct)
    {
        var entity = new TableEntity(recording.CallbackId, recording.RecordingSid) { ["Deleted"] = true, ["DeletedAt"] = at };
        try { await Table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, ct); }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }

    private static TableEntity ToEntity(CallRecording r) => new(r.CallbackId, r.RecordingSid)
    {
        ["CallSid"] = r.CallSid,
        ["Attempt"] = r.Attempt,
        ["Rule"] = r.Rule?.ToString() ?? "",
        ["Url"] = r.Url,
        ["DurationSeconds"] = r.DurationSeconds,
        ["RecordedAt"] = r.RecordedAt,
        ["Deleted"] = r.Deleted,
        ["DeletedAt"] = r.DeletedAt,
    };

    private static CallRecording FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.RowKey,
        e.GetString("CallSid") ?? "",
        e.GetInt32("Attempt") ?? 0,
        Enum.TryParse<RuleKind>(e.GetString("Rule"), out var kind) ? kind : null,
        e.GetString("Url") ?? "",
        e.GetInt32("DurationSeconds"),
        e.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue,
        e.GetBoolean("Deleted") == true ? e.GetDateTimeOffset("DeletedAt") ?? e.GetDateTimeOffset("RecordedAt") : null);
}
