using Azure;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>
/// An inbound call a webhook of ours saw: its caller (E.164, or what Twilio sent as <c>From</c> when that is no number)
/// the number it called (E.164, when it is one) and the queue it was in. <c>POST /api/callbacks</c> with <c>fromCallSid</c> takes its caller and queue as defaults.
/// </summary>
public sealed record SeenCall(string CallSid, string From, string? Caller, string? Problem, string? Queue, string? Called, DateTimeOffset SeenAt);

/// <summary>Seen inbound calls in Table Storage, one row per CallSid (its own partition); the latest sighting wins.</summary>
public sealed class SeenCallRepository(StorageAccount storage)
{
    private TableClient Table => storage.SeenCalls;

    /// <summary>Records the call (idempotent: a repeat replaces the row with the same facts, or a later queue).</summary>
    public async Task SaveAsync(SeenCall call, CancellationToken ct) =>
        await Table.UpsertEntityAsync(new TableEntity(call.CallSid, "")
        {
            ["From"] = call.From.Length <= NoCallbackRepository.MaxRawCaller ? call.From : call.From[..NoCallbackRepository.MaxRawCaller],
            ["Caller"] = call.Caller,
            ["Problem"] = call.Problem,
            ["Queue"] = call.Queue,
            ["Called"] = call.Called,
            ["SeenAt"] = call.SeenAt,
        }, TableUpdateMode.Merge, ct);

    public async Task<SeenCall?> GetAsync(string callSid, CancellationToken ct)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(callSid, "", cancellationToken: ct);
        if (!found.HasValue || found.Value is not { } e) return null;
        return new SeenCall(callSid, e.GetString("From") ?? "", e.GetString("Caller"), e.GetString("Problem"), e.GetString("Queue"), e.GetString("Called"),
            e.GetDateTimeOffset("SeenAt") ?? DateTimeOffset.MinValue);
    }
}
