using System.Collections.Concurrent;
using System.Diagnostics;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// What a storage request was for, from its URL: Durable's task hub (history, instances, partitions tables; control and
/// work-item queues; lease and large-message containers, all named after the hub) or one of our tables.
/// </summary>
public sealed record StorageNames(string TaskHub, string TablePrefix)
{
    public const string History = "Durable history table";
    public const string Instances = "Durable instances table";
    public const string ControlQueues = "Durable control queues";
    public const string WorkItems = "Durable work-item queue";
    public const string Leases = "Durable blobs, leases, partitions";
    public const string OurTables = "our tables";
    public const string Other = "other";

    /// <summary>The groups in the order they are printed.</summary>
    public static readonly IReadOnlyList<string> Groups = [History, Instances, ControlQueues, WorkItems, Leases, OurTables, Other];

    private static readonly string[] OurNames = ["callbacks", "live", "agents", "holds", "waiting", "rules", "recordings", "nocallbacks", "queues", "seencalls",
        "requestcounts", "slotbookings", "contacts", "numbers"];

    public static StorageNames Of(LocalStack stack) =>
        new(stack.DurableOptions?.TaskHubName ?? LocalStack.TaskHubFor(stack.Options.Prefix),
            stack.Service<CallbackFunctions.Storage.StorageAccount>().Options.TablePrefix);

    public string ControlQueuePrefix => TaskHub.ToLowerInvariant() + "-control-";
    public string WorkItemQueue => TaskHub.ToLowerInvariant() + "-workitems";
    public string HistoryTable => TaskHub + "History";
    public string InstancesTable => TaskHub + "Instances";

    /// <summary>The group and the resource (a table, queue or container name) a request went to.</summary>
    public (string Group, string Resource) Classify(StorageService service, string name)
    {
        var cmp = StringComparison.OrdinalIgnoreCase;
        switch (service)
        {
            case StorageService.Table:
                // Durable writes history in entity-group transactions (one $batch per episode); our tables use none.
                if (name == "$batch") return (History, HistoryTable + " ($batch)");
                if (name.Equals(HistoryTable, cmp)) return (History, HistoryTable);
                if (name.Equals(InstancesTable, cmp)) return (Instances, InstancesTable);
                if (name.Equals(TaskHub + "Partitions", cmp)) return (Leases, TaskHub + "Partitions");
                if (name.StartsWith(TablePrefix, cmp) && OurNames.Contains(name[TablePrefix.Length..].ToLowerInvariant()))
                    return (OurTables, name[TablePrefix.Length..].ToLowerInvariant());
                return (Other, name.Length == 0 ? "(account)" : "table " + name);
            case StorageService.Queue:
                if (name.StartsWith(ControlQueuePrefix, cmp)) return (ControlQueues, name.ToLowerInvariant());
                if (name.Equals(WorkItemQueue, cmp)) return (WorkItems, name.ToLowerInvariant());
                return (Other, name.Length == 0 ? "(queue account)" : "queue " + name);
            default:
                if (name.StartsWith(TaskHub + "-", cmp)) return (Leases, "container " + name.ToLowerInvariant());
                return (Other, name.Length == 0 ? "(blob account)" : "container " + name);
        }
    }
}

public enum StorageService
{
    Table,
    Queue,
    Blob,
}

/// <summary>
/// Classifies the storage requests made in this process while it is on (the app, and Durable's backend and sidecar,
/// which run in it), from HttpClient's own activities (ActivitySource "System.Net.Http"): which service, which table,
/// queue or container (<see cref="StorageNames"/>), which operation. Requests to Azurite's three ports only; the
/// benchmark's own requests are marked (<see cref="MarkOurs"/>) and left out.
/// </summary>
public sealed class StorageRequestLog : IDisposable
{
    private static readonly AsyncLocal<bool> Ours = new();
    private readonly ConcurrentDictionary<string, int> _kinds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Group, string Resource), int> _resources = new();
    private readonly ConcurrentQueue<double> _durationsMs = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(DateTimeOffset Start, string Kind, double Ms, string Outcome)> _slow = new();

    private readonly ActivityListener _listener;
    private readonly Dictionary<int, StorageService> _ports;
    private readonly StorageNames _names;

    public StorageRequestLog(LocalStack stack)
    {
        var azurite = stack.Azurite ?? throw new InvalidOperationException("the benchmark counts requests to the Azurite it started");
        _ports = new Dictionary<int, StorageService>
        {
            [azurite.TablePort] = StorageService.Table,
            [azurite.QueuePort] = StorageService.Queue,
            [azurite.BlobPort] = StorageService.Blob,
        };
        _names = StorageNames.Of(stack);
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

    /// <summary>Every kind ("resource: operation"), most frequent first.</summary>
    public IReadOnlyList<(string Kind, int Count)> Kinds => [.. _kinds.Select(kv => (kv.Key, kv.Value)).OrderByDescending(k => k.Item2)];

    public IReadOnlyDictionary<string, int> ByGroup => new Dictionary<string, int>(_groups, StringComparer.Ordinal);

    /// <summary>Requests per resource within one group, most first.</summary>
    public IReadOnlyList<(string Resource, int Count)> ResourcesOf(string group) =>
        [.. _resources.Where(kv => kv.Key.Group == group).Select(kv => (kv.Key.Resource, kv.Value)).OrderByDescending(r => r.Item2)];

    /// <summary>Operations within one group, most first (e.g. "send 12, receive 8, delete 12").</summary>
    public IReadOnlyList<(string Operation, int Count)> OperationsOf(string group) =>
        [.. _kinds.Where(kv => _kindGroups.TryGetValue(kv.Key, out var g) && g == group)
            .GroupBy(kv => kv.Key[(kv.Key.LastIndexOf(": ", StringComparison.Ordinal) + 2)..])
            .Select(g => (g.Key, g.Sum(kv => kv.Value))).OrderByDescending(o => o.Item2)];

    private readonly ConcurrentDictionary<string, string> _kindGroups = new(StringComparer.Ordinal);

    public int Total => _groups.Values.Sum();

    private int _receives;

    /// <summary>
    /// Queue receives (Durable's polling of its control and work-item queues, empty or not): how many depends on how
    /// work arrives, not on what a callback needs, so counts are also given without them.
    /// </summary>
    public int Receives => Volatile.Read(ref _receives);

    /// <summary>e.g. "52000 requests, p50 4 ms, p99 120 ms, max 3012 ms (17 over 1 s); failures: ...".</summary>
    public string Summary()
    {
        var sorted = _durationsMs.Order().ToList();
        if (sorted.Count == 0) return "no storage requests seen";
        var failures = _failures.IsEmpty ? "none failed" : "failed: " + string.Join(", ", _failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} x{f.Value}"));
        return $"{sorted.Count} requests, p50 {BenchSettings.Ms(Percentiles.Of(sorted, 0.5))}, p99 {BenchSettings.Ms(Percentiles.Of(sorted, 0.99))}, " +
               $"max {BenchSettings.Ms(sorted[^1])} ({sorted.Count(d => d > 1000)} over 1 s); {failures}";
    }

    private readonly ConcurrentQueue<(DateTimeOffset Start, double Ms)> _slowQueue = new();

    /// <summary>
    /// Requests to the queue service that waited longer than <see cref="FreezeWindows.ThresholdMs"/> for an answer (or
    /// for their failure): when each started, and how long. Azurite's queue service has been seen holding up the app's
    /// queue requests for seconds, once a minute, while it answered the stall meter's own probes.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset Start, double Ms)> SlowQueueRequests => [.. _slowQueue.OrderBy(s => s.Start)];

    /// <summary>Requests that took over a second: when they started, what they were, how long, how they ended.</summary>
    public IReadOnlyList<(DateTimeOffset Start, string Kind, double Ms, string Outcome)> Slow => [.. _slow.OrderBy(s => s.Start)];

    private void Record(Activity activity)
    {
        if (Ours.Value) return;
        var port = activity.GetTagItem("server.port") is int p ? p : -1;
        if (!_ports.TryGetValue(port, out var service)) return;
        _durationsMs.Enqueue(activity.Duration.TotalMilliseconds);
        var status = activity.GetTagItem("http.response.status_code") is int code ? code : 0;
        if (status == 0 || status >= 500 || status == 400 || status == 403)
        {
            var error = status == 0 ? activity.GetTagItem("error.type") as string ?? "no answer" : $"HTTP {status}";
            _failures.AddOrUpdate(error, 1, (_, n) => n + 1);
        }
        var method = activity.GetTagItem("http.request.method") as string ?? "?";
        var url = activity.GetTagItem("url.full") as string ?? "";
        Uri.TryCreate(url, UriKind.Absolute, out var uri);
        var path = uri is null ? url : Uri.UnescapeDataString(uri.AbsolutePath);
        var query = uri?.Query ?? "";
        // devstoreaccount1, then the table (with its key in brackets), the queue (messages, id) or the container (blob)
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var target = segments.Length > 1 ? segments[1] : "";
        string name, op;
        switch (service)
        {
            case StorageService.Table:
            {
                var paren = target.IndexOf('(', StringComparison.Ordinal);
                name = paren < 0 ? target : target[..paren];
                var isEntity = paren >= 0 && target.Contains("PartitionKey", StringComparison.Ordinal);
                op = (method, isEntity) switch
                {
                    _ when name == "$batch" => "batch",
                    ("GET", true) => "point read",
                    ("GET", false) => "query",
                    ("POST", _) => "insert",
                    ("PUT", true) => "replace/upsert",
                    ("MERGE" or "PATCH", true) => "merge",
                    ("DELETE", true) => "delete",
                    _ => method,
                };
                break;
            }
            case StorageService.Queue:
                name = target;
                op = (method, segments.Length) switch
                {
                    ("POST", 3) => "send",
                    ("GET", 3) when query.Contains("peekonly", StringComparison.OrdinalIgnoreCase) => "peek",
                    ("GET", 3) => "receive",
                    ("DELETE", 4) => "delete",
                    ("PUT", 4) => "update",
                    ("GET" or "HEAD", 2) => "properties",
                    ("PUT", 2) => "create",
                    _ => method,
                };
                break;
            default:
                name = target;
                op = method switch
                {
                    _ when query.Contains("comp=lease", StringComparison.OrdinalIgnoreCase) => "lease",
                    _ when query.Contains("comp=list", StringComparison.OrdinalIgnoreCase) => "list",
                    "GET" => "read",
                    "HEAD" => "properties",
                    "PUT" => "write",
                    "DELETE" => "delete",
                    _ => method,
                };
                break;
        }
        if (service == StorageService.Queue && op == "receive") Interlocked.Increment(ref _receives);
        if (service == StorageService.Queue && activity.Duration.TotalMilliseconds > FreezeWindows.ThresholdMs)
            _slowQueue.Enqueue((new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero), activity.Duration.TotalMilliseconds));
        var (group, resource) = _names.Classify(service, name);
        var kind = $"{resource}: {op}";
        _kindGroups.TryAdd(kind, group);
        _kinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
        _groups.AddOrUpdate(group, 1, (_, n) => n + 1);
        _resources.AddOrUpdate((group, resource), 1, (_, n) => n + 1);
        if (activity.Duration > TimeSpan.FromSeconds(1))
            _slow.Enqueue((new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero), kind, activity.Duration.TotalMilliseconds,
                status == 0 ? activity.GetTagItem("error.type") as string ?? "no answer" : $"HTTP {status}"));
    }

    public void Dispose() => _listener.Dispose();
}
