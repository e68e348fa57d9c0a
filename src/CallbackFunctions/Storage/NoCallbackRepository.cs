using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>
/// A lost call that made no callback, or a callback made that will wait because nobody serves its queue: why, as the
/// webhook that decided it was told (<see cref="Code"/> for tools, <see cref="Reason"/> for people).
/// </summary>
/// <param name="Id">The UTC day of receipt, the CallSid and the route: a webhook Twilio repeats is the same note.</param>
/// <param name="Caller">E.164, or the <c>From</c> Twilio sent (cut to <see cref="NoCallbackRepository.MaxRawCaller"/>) when it is not a valid number.</param>
/// <param name="CallbackId">The callback that was made all the same (a queue nobody serves); null when none was.</param>
public sealed record NoCallbackNote(
    string Id,
    DateTimeOffset At,
    string Route,
    string? CallSid,
    string Caller,
    string? Queue,
    string Code,
    string Reason,
    string? CallbackId = null)
{
    /// <summary>
    /// A note of a webhook received at <paramref name="at"/>. Its id is the day, the CallSid and the route, so a repeat
    /// lands on the same row; without a CallSid of Twilio's shape (a real Twilio always sends one) it has its own.
    /// </summary>
    public static NoCallbackNote Create(DateTimeOffset at, string route, string? callSid, string caller, string? queue, string code, string reason,
        string? callbackId = null) =>
        new($"{NoCallbackRepository.DayOf(at)}-{callSid ?? Guid.NewGuid().ToString("N")}-{route}", at, route, callSid,
            caller.Length > NoCallbackRepository.MaxRawCaller ? caller[..NoCallbackRepository.MaxRawCaller] : caller, queue, code, reason, callbackId);
}

/// <summary>
/// Notes of lost calls that made no callback, by UTC day of receipt (partition = yyyyMMdd, row = the rest of the note's
/// id): a day is one partition, so "since then" reads at most the few days it spans.
/// </summary>
public sealed class NoCallbackRepository(StorageAccount storage)
{
    /// <summary>The most of a caller's raw <c>From</c> kept: a real number or Twilio's stand-ins are far shorter.</summary>
    public const int MaxRawCaller = 64;

    private TableClient Table => storage.NoCallbacks;

    public static string DayOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Stores a note once, in one request; a repeated webhook changes nothing (the first receipt's time stays, so the API
    /// and the console agree on it). False if it was there.
    /// </summary>
    public async Task<bool> TryAddAsync(NoCallbackNote note, CancellationToken ct)
    {
        try
        {
            await Table.AddEntityAsync(ToEntity(note), ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// The notes received at or after <paramref name="from"/> (up to <paramref name="now"/>), oldest first, at most
    /// <paramref name="max"/>; <c>More</c> when there were more (the next are those after the last one's time). A day's
    /// notes are read only while the days before it left room: each day's are all newer than the day before's.
    /// </summary>
    public async Task<(IReadOnlyList<NoCallbackNote> Notes, bool More)> ListSinceAsync(DateTimeOffset from, DateTimeOffset now, int max, CancellationToken ct)
    {
        var notes = new List<NoCallbackNote>();
        for (var day = new DateTimeOffset(from.UtcDateTime.Date, TimeSpan.Zero); day <= now && notes.Count <= max; day = day.AddDays(1))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DayOf(day)} and At ge {from}");
            await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
                notes.Add(FromEntity(e));
        }
        var ordered = notes.OrderBy(n => n.At).ThenBy(n => n.Id, StringComparer.Ordinal).ToList();
        return (ordered.Count > max ? ordered.GetRange(0, max) : ordered, ordered.Count > max);
    }

    /// <summary>How many notes of each of <paramref name="codes"/> were made for <paramref name="queue"/> from <paramref name="from"/> to <paramref name="now"/>.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountAsync(string queue, IReadOnlyCollection<string> codes, DateTimeOffset from, DateTimeOffset now, CancellationToken ct)
    {
        var counts = codes.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
        for (var day = new DateTimeOffset(from.UtcDateTime.Date, TimeSpan.Zero); day <= now; day = day.AddDays(1))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DayOf(day)} and At ge {from} and Queue eq {queue}");
            await foreach (var e in Table.QueryAsync<TableEntity>(filter, select: ["Code"], cancellationToken: ct))
                if (e.GetString("Code") is { } code && counts.ContainsKey(code)) counts[code]++;
        }
        return counts;
    }

    /// <summary>The note's id is its keys: the day (8 digits), '-', the row.</summary>
    private static TableEntity ToEntity(NoCallbackNote n) => new(n.Id[..8], n.Id[9..])
    {
        ["At"] = n.At,
        ["Route"] = n.Route,
        ["CallSid"] = n.CallSid,
        ["Caller"] = n.Caller,
        ["Queue"] = n.Queue,
        ["Code"] = n.Code,
        ["Reason"] = n.Reason,
        ["CallbackId"] = n.CallbackId,
    };

    private static NoCallbackNote FromEntity(TableEntity e) => new(
        $"{e.PartitionKey}-{e.RowKey}",
        e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
        e.GetString("Route") ?? "",
        e.GetString("CallSid"),
        e.GetString("Caller") ?? "",
        e.GetString("Queue"),
        e.GetString("Code") ?? "",
        e.GetString("Reason") ?? "",
        e.GetString("CallbackId"));
}
