using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.MissedCalls;

namespace CallbackFunctions.LocalRun;

/// <summary>
/// Prints every callback event as it happens, and why a lost call made no callback (or why its callback waits), read
/// through the public API (what an operator's tool would see): time, callback, masked number, status change, reason,
/// CallSids. When the API stops answering it says so once, and once more when it is back.
/// </summary>
public sealed class TimelinePrinter(HttpClient api, TextWriter output, TimeProvider? time = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// How far before the newest note printed the next poll looks again: a note is written once Twilio has its answer,
    /// and a spooled webhook's only when it is replayed, so one may arrive after a newer one.
    /// </summary>
    private static readonly TimeSpan NoteSlack = TimeSpan.FromMinutes(10);

    /// <summary>Pages of notes read in one poll at most (each up to 500).</summary>
    private const int NotePagesPerPoll = 20;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, int> _printed = [];
    private readonly Dictionary<string, CallbackStatus> _final = [];
    private readonly Dictionary<string, DateTimeOffset> _notesPrinted = [];
    private DateTimeOffset _notesSince = (time ?? TimeProvider.System).GetUtcNow(); // the notes since the printer started
    private bool _apiDown;

    public IReadOnlyDictionary<string, CallbackStatus> Finished => _final;

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (!await PollAsync(ct)) return;
            try { await Task.Delay(TimeSpan.FromMilliseconds(250), _time, ct); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// One look: prints what is new. When the API does not answer it says so once, not again until it has answered (and
    /// says that it is back on the first look it answers). False once <paramref name="ct"/> is cancelled.
    /// </summary>
    public async Task<bool> PollAsync(CancellationToken ct)
    {
        try
        {
            var lines = await ReadNewAsync(ct);
            if (_apiDown)
            {
                _apiDown = false;
                await output.WriteLineAsync("(the API answers again)");
            }
            foreach (var line in lines) await output.WriteLineAsync(line);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or NotSupportedException)
        {
            if (!_apiDown)
            {
                _apiDown = true;
                await output.WriteLineAsync($"(the API stopped answering: {e.Message.Split('\n')[0].Trim()}; events follow once it is back)");
            }
        }
        return true;
    }

    /// <summary>Prints the events and notes that appeared since the last call, across callbacks, in time order.</summary>
    public async Task PrintNewAsync(CancellationToken ct)
    {
        foreach (var line in await ReadNewAsync(ct)) await output.WriteLineAsync(line);
    }

    /// <summary>
    /// The lines of the events and notes that appeared since the last call, in time order. Only once all of it was
    /// read is it taken as printed, so a look that fails halfway loses nothing: the next one has it.
    /// </summary>
    private async Task<List<string>> ReadNewAsync(CancellationToken ct)
    {
        var lines = new List<(DateTimeOffset At, string Line)>();
        var printed = new Dictionary<string, int>();
        var finals = new Dictionary<string, CallbackStatus>();
        string? token = null;
        do
        {
            var url = "/api/callbacks?pageSize=200" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await api.GetFromJsonAsync<CallbackPage>(url, Json, ct) ?? new CallbackPage([], null);
            foreach (var summary in page.Items)
            {
                if (_final.ContainsKey(summary.Id)) continue;
                var detail = await api.GetFromJsonAsync<CallbackDetail>($"/api/callbacks/{summary.Id}", Json, ct);
                if (detail is null) continue;
                var done = _printed.GetValueOrDefault(summary.Id);
                lines.AddRange(detail.Timeline.Skip(done).Select(e => (e.At, Format(summary, e))));
                printed[summary.Id] = detail.Timeline.Count;
                if (detail.Status.IsTerminal()) finals[summary.Id] = detail.Status;
            }
            token = page.ContinuationToken;
        } while (token is not null);
        var notes = await NewNotesAsync(ct);

        foreach (var (id, count) in printed) _printed[id] = count;
        foreach (var (id, status) in finals) _final[id] = status;
        foreach (var note in notes)
        {
            _notesPrinted[note.Id] = note.At;
            lines.Add((note.At, Format(note)));
        }
        if (notes.Count > 0)
        {
            var since = notes.Max(n => n.At) - NoteSlack;
            if (since > _notesSince) _notesSince = since;
            foreach (var old in _notesPrinted.Where(p => p.Value < _notesSince).Select(p => p.Key).ToList()) _notesPrinted.Remove(old);
        }
        return [.. lines.OrderBy(l => l.At).Select(l => l.Line)];
    }

    /// <summary>The notes of <c>GET /api/no-callbacks</c> not printed yet, oldest first.</summary>
    private async Task<List<NoCallbackView>> NewNotesAsync(CancellationToken ct)
    {
        var fresh = new List<NoCallbackView>();
        var seen = new HashSet<string>(_notesPrinted.Keys);
        var since = _notesSince;
        for (var page = 0; page < NotePagesPerPoll; page++)
        {
            var url = "/api/no-callbacks?since=" + Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture));
            var list = await api.GetFromJsonAsync<NoCallbackList>(url, Json, ct);
            if (list is null) break;
            fresh.AddRange(list.Items.Where(n => seen.Add(n.Id)));
            if (!list.More || list.Items.Count == 0) break;
            since = list.Items[^1].At;
        }
        return fresh;
    }

    public static string Format(CallbackSummary c, TimelineEntry e)
    {
        var change = e.From is null ? $"-> {e.To}" : e.From == e.To ? $"   {e.To}" : $"{e.From} -> {e.To}";
        var sids = e.CallSids.Count == 0 ? "" : "  [" + string.Join(", ", e.CallSids.Select(kv => $"{kv.Key} {kv.Value}")) + "]";
        return string.Create(CultureInfo.InvariantCulture,
            $"{e.At.ToLocalTime():HH:mm:ss.fff}  {c.Id}  {PhoneMask.Mask(c.Caller),-13} {c.Queue,-8} {change,-34} {e.Reason}{sids}");
    }

    /// <summary>
    /// <c>no callback for +1415***0112: missed outside opening hours, contact-center rule v1, America/Chicago</c>, or, for a
    /// callback made that waits, <c>callback cb-… for +1415***0112 waits: no agent serves queue 'sales'</c>; after the time.
    /// </summary>
    public static string Format(NoCallbackView n)
    {
        var what = n.CallbackId is { } id ? $"callback {id} for {PhoneMask.Mask(n.Caller)} waits" : $"no callback for {PhoneMask.Mask(n.Caller)}";
        return string.Create(CultureInfo.InvariantCulture, $"{n.At.ToLocalTime():HH:mm:ss.fff}  {what}: {n.Reason}");
    }
}
