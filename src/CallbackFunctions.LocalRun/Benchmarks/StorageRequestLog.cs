using System.Collections.Concurrent;
using System.Diagnostics;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Classifies the storage requests made in this process while it is on (point read, replace, insert, query... and
/// on which table or queue), from HttpClient's own activities (ActivitySource "System.Net.Http"), to break the app's
/// counted total down. Requests to Azurite's ports only; the benchmark's own requests are marked and left out.
/// </summary>
public sealed class StorageRequestLog : IDisposable
{
    private static readonly AsyncLocal<bool> Ours = new();
    private readonly ConcurrentDictionary<string, int> _kinds = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<double> _durationsMs = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(DateTimeOffset Start, string Kind, double Ms, string Outcome)> _slow = new();

    private readonly ActivityListener _listener;
    private readonly int _tablePort;
    private readonly int _queuePort;

    public StorageRequestLog(int tablePort, int queuePort)
    {
        _tablePort = tablePort;
        _queuePort = queuePort;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Marks the current async flow as the benchmark's own (its requests are not the app's).</summary>
    public static void MarkOurs() => Ours.Value = true;

    public IReadOnlyList<(string Kind, int Count)> Kinds => [.. _kinds.Select(kv => (kv.Key, kv.Value)).OrderByDescending(k => k.Value)];

    public int Total => _kinds.Values.Sum();

    /// <summary>e.g. "52000 requests, p50 4 ms, p99 120 ms, max 3012 ms (17 over 1 s), at most 48 in flight; failures: ...".</summary>
    public string Summary()
    {
        var sorted = _durationsMs.Order().ToList();
        if (sorted.Count == 0) return "no storage requests seen";
        var failures = _failures.IsEmpty ? "none failed" : "failed: " + string.Join(", ", _failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} x{f.Value}"));
        return $"{sorted.Count} requests, p50 {BenchSettings.Ms(Percentiles.Of(sorted, 0.5))}, p99 {BenchSettings.Ms(Percentiles.Of(sorted, 0.99))}, " +
               $"max {BenchSettings.Ms(sorted[^1])} ({sorted.Count(d => d > 1000)} over 1 s); {failures}";
    }

    /// <summary>Requests that took over a second: when they started, what they were, how long, how they ended.</summary>
    public IReadOnlyList<(DateTimeOffset Start, string Kind, double Ms, string Outcome)> Slow => [.. _slow.OrderBy(s => s.Start)];

    private bool IsAppStorage(Activity activity)
    {
        if (Ours.Value) return false;
        var port = activity.GetTagItem("server.port") is int p ? p : -1;
        return port == _tablePort || port == _queuePort;
    }

    private void Record(Activity activity)
    {
        if (!IsAppStorage(activity)) return;
        _durationsMs.Enqueue(activity.Duration.TotalMilliseconds);
        var status = activity.GetTagItem("http.response.status_code") is int code ? code : 0;
        if (status == 0 || status >= 500 || status == 400 || status == 403)
        {
            var error = status == 0 ? activity.GetTagItem("error.type") as string ?? "no answer" : $"HTTP {status}";
            _failures.AddOrUpdate(error, 1, (_, n) => n + 1);
        }
        var port = activity.GetTagItem("server.port") is int p ? p : -1;
        var method = activity.GetTagItem("http.request.method") as string ?? "?";
        var url = activity.GetTagItem("url.full") as string ?? "";
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Uri.UnescapeDataString(uri.AbsolutePath) : url;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries); // devstoreaccount1, table(...) or queue, messages, id
        string kind;
        if (port == _tablePort)
        {
            var target = segments.Length > 1 ? segments[1] : "";
            var paren = target.IndexOf('(', StringComparison.Ordinal);
            var table = paren < 0 ? target : target[..paren];
            var isEntity = paren >= 0 && target.Contains("PartitionKey", StringComparison.Ordinal);
            var op = (method, isEntity) switch
            {
                ("GET", true) => "point read",
                ("GET", false) => "query",
                ("POST", _) => "insert",
                ("PUT", true) => "replace/upsert",
                ("MERGE" or "PATCH", true) => "merge",
                ("DELETE", true) => "delete",
                _ => method,
            };
            kind = $"table {table}: {op}";
        }
        else
        {
            var queue = segments.Length > 1 ? segments[1] : "";
            var op = (method, segments.Length) switch
            {
                ("POST", 3) => "send",
                ("GET", 3) => "receive",
                ("DELETE", 4) => "delete",
                ("PUT", 4) => "update",
                _ => method,
            };
            kind = $"queue {queue}: {op}";
        }
        _kinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (activity.Duration > TimeSpan.FromSeconds(1))
            _slow.Enqueue((new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero), kind, activity.Duration.TotalMilliseconds,
                status == 0 ? activity.GetTagItem("error.type") as string ?? "no answer" : $"HTTP {status}"));
    }

    public void Dispose() => _listener.Dispose();
}
