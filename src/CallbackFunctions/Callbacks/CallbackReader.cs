using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// Where the API and the webhooks read a callback. Its orchestration's custom status (<see cref="CallbackSnapshot"/>)
/// shows every change once the orchestration has made it; the table row shows what was last written. The row is the
/// whole truth except while an agent is on the line (an accept or an answer made meanwhile is written with that call's
/// end) and, the other way round, for the milliseconds between an activity's write and the orchestration taking its
/// result. Neither exists before the orchestration first runs (the row does) or once its history is purged (the row
/// has everything by then).
/// </summary>
public sealed class CallbackReader(CallbackRepository table)
{
    /// <summary>Statuses a row can show while its callback has moved on (a change made while the agent was on the line).</summary>
    private static readonly CallbackStatus[] InFlight = [CallbackStatus.DialingAgent, CallbackStatus.DialingCustomer];

    /// <summary>The callback as it is now, for the management API: the newer of the custom status and the row (two reads).</summary>
    public async Task<Callback?> GetAsync(DurableTaskClient client, string id, CancellationToken ct)
    {
        if (!TableKeys.IsKey(id)) return null;
        var shown = SnapshotAsync(client, id, ct);
        var row = await table.GetRunAsync(id, ct);
        return Newer(await shown, row);
    }

    /// <summary>
    /// The callback as its orchestration shows it, for a webhook's preview: one read, the row only when there is no
    /// custom status. It may miss an activity's write of the last milliseconds, which no leg's result depends on.
    /// </summary>
    public Task<Callback?> ShownAsync(DurableTaskClient client, string id, CancellationToken ct) => ForOfferAsync(client, id, offer: 0, ct);

    /// <summary>
    /// The callback as the agent's call of <paramref name="offer"/> finds it. The offer is written to the table before its
    /// call is placed, while the custom status shows it only once the orchestration has taken the offer's result: an
    /// agent who answers the moment their phone rings may come first. The table is read then.
    /// </summary>
    public async Task<Callback?> ForOfferAsync(DurableTaskClient client, string id, int offer, CancellationToken ct)
    {
        if (!TableKeys.IsKey(id)) return null;
        if (await SnapshotAsync(client, id, ct) is { } snapshot && snapshot.State.Offer >= offer) return await WholeAsync(snapshot, id, ct);
        return (await table.GetAsync(id, ct))?.Value;
    }

    /// <summary>The whole callback a custom status shows: a timeline cut short there is completed from the row (one more read).</summary>
    public async Task<Callback> WholeAsync(CallbackSnapshot snapshot, string id, CancellationToken ct) =>
        snapshot.OmittedEntries == 0 ? snapshot.State : snapshot.Merge((await table.GetAsync(id, ct))?.Value);

    /// <summary>
    /// The callback as its table row was last written: for the agent's call as it is answered, whose offer was written
    /// there before the call was placed (and nothing changes without an activity writing it until the agent chooses).
    /// </summary>
    public async Task<Callback?> AsWrittenAsync(string id, CancellationToken ct) => (await table.GetAsync(id, ct))?.Value;

    /// <summary>
    /// A page of callbacks, filtered by status, caller and queue, from the table; its in-flight rows (stored as dialling)
    /// are brought up to date from their custom status, a few at most (each holds a line). A status filter also reads
    /// the in-flight rows, which may have reached that status since they were written, and keeps those that did.
    /// </summary>
    public async Task<(IReadOnlyList<Callback> Items, string? ContinuationToken)> ListAsync(DurableTaskClient client,
        CallbackStatus? status, string? caller, string? queue, int pageSize, string? continuationToken, CancellationToken ct)
    {
        var statuses = status is { } s ? new HashSet<CallbackStatus>([s, .. InFlight]) : null;
        var (rows, token) = await table.ListRunsAsync(statuses, caller, queue, pageSize, continuationToken, ct);
        var items = new List<Callback>(rows.Count);
        foreach (var row in rows)
        {
            var current = InFlight.Contains(row.State.Status) ? Newer(await SnapshotAsync(client, row.State.Id, ct), row)! : row.State;
            if (status is null || current.Status == status) items.Add(current);
        }
        return (items, token);
    }

    private static Callback? Newer(CallbackSnapshot? snapshot, CallbackRun? row) =>
        snapshot is null || row is not null && row.Version > snapshot.Version ? row?.State : snapshot.Merge(row?.State);

    /// <summary>The orchestration's custom status; null before it first ran, or once its history is purged.</summary>
    public static async Task<CallbackSnapshot?> SnapshotAsync(DurableTaskClient client, string id, CancellationToken ct)
    {
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        return instance?.SerializedCustomStatus is { Length: > 0 } ? instance.ReadCustomStatusAs<CallbackSnapshot>() : null;
    }
}
