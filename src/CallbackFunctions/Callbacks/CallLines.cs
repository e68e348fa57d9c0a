using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// The account's lines (seed 001: at most 15 automatic-callback calls at once) and the customer-number locks (never two
/// live calls to one number), as holds shared by every instance. A line or a number is held from the offer until the
/// agent's call ends, exactly like the agent. When lines are short, callbacks wait their turn longest-waiting first:
/// a free line goes to a callback only if fewer callbacks have waited longer than there are free lines.
/// </summary>
public sealed class CallLines(HoldRepository holds)
{
    private const string Lines = "line";
    private const string Numbers = "number";
    private const string LineQueue = "linewait";

    public Task<bool> TryHoldNumberAsync(string number, string holder, CancellationToken ct) => holds.TryHoldAsync(Numbers, number, holder, ct);

    public Task ReleaseNumberAsync(string number, string holder, CancellationToken ct) => holds.ReleaseAsync(Numbers, number, holder, ct);

    /// <summary>A free line for <paramref name="callback"/> if it is its turn, else null (and it is in line for one).</summary>
    public async Task<string?> TryTakeLineAsync(Callback callback, int maxLines, string holder, CancellationToken ct)
    {
        // The lines and the callbacks waiting for one, in one query.
        var all = await holds.ListRowsAsync([Lines, LineQueue], ct);
        var rows = all.Where(r => r.Kind == Lines).ToList();
        var waiting = all.Where(r => r.Kind == LineQueue && r.Holder.Length > 0);
        if (rows.FirstOrDefault(r => r.Holder == holder) is { Key: not null } mine) return mine.Key;
        var busy = rows.Where(r => r.Holder.Length > 0).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var free = maxLines - busy.Count;
        if (free > 0)
        {
            var ahead = waiting.Count(w => w.Key != callback.Id && string.CompareOrdinal(w.Holder, Ticket(callback)) < 0);
            if (ahead < free)
            {
                // Taken with the ETag just listed (or inserted if never used): one request; a line someone took
                // meanwhile is a plain miss, and the next free one is tried.
                var known = rows.ToDictionary(r => r.Key, r => r.ETag, StringComparer.Ordinal);
                foreach (var key in Enumerable.Range(0, maxLines).Select(i => $"line-{i:D2}").Where(k => !busy.Contains(k)))
                    if (await holds.TryHoldListedAsync(Lines, key, known.TryGetValue(key, out var etag) ? etag : null, holder, ct))
                    {
                        if (callback.WaitingForLine) await holds.ReleaseAsync(LineQueue, callback.Id, Ticket(callback), ct);
                        return key;
                    }
            }
        }
        if (!callback.WaitingForLine) await holds.TryHoldAsync(LineQueue, callback.Id, Ticket(callback), ct);
        return null;
    }

    public Task ReleaseLineAsync(string line, string holder, CancellationToken ct) => holds.ReleaseAsync(Lines, line, holder, ct);

    /// <summary>The callbacks waiting longest for a line, first first (to wake when one is released).</summary>
    public async Task<IReadOnlyList<string>> NextInLineAsync(int count, CancellationToken ct) =>
        [.. (await holds.ListAsync(LineQueue, ct)).OrderBy(w => w.Holder, StringComparer.Ordinal).Take(count).Select(w => w.Key)];

    /// <summary>A callback that ends while in line for a line leaves the line.</summary>
    public async Task LeaveLineQueueAsync(Callback callback, CancellationToken ct)
    {
        foreach (var (key, ticket) in await holds.ListAsync(LineQueue, ct))
            if (key == callback.Id) await holds.ReleaseAsync(LineQueue, key, ticket, ct);
    }

    /// <summary>Every line and number hold (for the sweeper).</summary>
    public async Task<IReadOnlyList<(string Kind, string Key, string Holder, DateTimeOffset Since)>> AllHoldsAsync(CancellationToken ct) =>
        [.. (await holds.ListHeldAsync(Lines, ct)).Select(h => (Lines, h.Key, h.Holder, h.Since)),
         .. (await holds.ListHeldAsync(Numbers, ct)).Select(h => (Numbers, h.Key, h.Holder, h.Since))];

    // Orders the waiting callbacks: by the time they were first due, then id. Fixed once the callback is in line.
    private static string Ticket(Callback c) => $"{c.DueAt.UtcTicks:D19}|{c.Id}";
}
