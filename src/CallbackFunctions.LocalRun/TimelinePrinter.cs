using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Telephony;

namespace CallbackFunctions.LocalRun;

/// <summary>
/// Prints every callback event as it happens, read through the public API (what an operator's tool would see): time,
/// callback, masked number, status change, reason, CallSids.
/// </summary>
public sealed class TimelinePrinter(HttpClient api, TextWriter output)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly Dictionary<string, int> _printed = [];
    private readonly Dictionary<string, CallbackStatus> _final = [];

    public IReadOnlyDictionary<string, CallbackStatus> Finished => _final;

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await PrintNewAsync(ct); }
            catch (HttpRequestException e) { await output.WriteLineAsync($"(timeline: {e.Message})"); }
            catch (OperationCanceledException) { return; }
            try { await Task.Delay(250, ct); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Prints the events that appeared since the last call, across callbacks, in time order.</summary>
    public async Task PrintNewAsync(CancellationToken ct)
    {
        var fresh = new List<(CallbackSummary Callback, TimelineEntry Entry)>();
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
                fresh.AddRange(detail.Timeline.Skip(done).Select(e => (summary, e)));
                _printed[summary.Id] = detail.Timeline.Count;
                if (detail.Status.IsTerminal()) _final[summary.Id] = detail.Status;
            }
            token = page.ContinuationToken;
        } while (token is not null);
        foreach (var (callback, entry) in fresh.OrderBy(f => f.Entry.At))
            await output.WriteLineAsync(Format(callback, entry));
    }

    public static string Format(CallbackSummary c, TimelineEntry e)
    {
        var change = e.From is null ? $"-> {e.To}" : e.From == e.To ? $"   {e.To}" : $"{e.From} -> {e.To}";
        var sids = e.CallSids.Count == 0 ? "" : "  [" + string.Join(", ", e.CallSids.Select(kv => $"{kv.Key} {kv.Value}")) + "]";
        return string.Create(CultureInfo.InvariantCulture,
            $"{e.At.ToLocalTime():HH:mm:ss.fff}  {c.Id}  {PhoneMask.Mask(c.Caller),-13} {c.Queue,-8} {change,-34} {e.Reason}{sids}");
    }
}
