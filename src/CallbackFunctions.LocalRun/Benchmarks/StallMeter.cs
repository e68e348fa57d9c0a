using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Azure.Storage.Queues;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Tells where a stall came from, from a dedicated thread (not the thread pool it watches): every 50 ms it measures how
/// long a work item waits for the .NET thread pool (the app, Durable's backend and sidecar, the simulator and the client
/// share this process), and how long each Azurite service (tables, queues, blobs: three processes) takes to answer a
/// tiny request on its own connection. A phase prints the worst of each, and when. The queue service is also asked
/// for a message (a signed peek on a queue of the meter's own): its once-a-minute clean-up can hold up message
/// operations while it still answers a request about the account.
/// </summary>
public sealed class StallMeter : IDisposable
{
    private readonly int _tablePort;
    private readonly int _queuePort;
    private readonly int _blobPort;
    private readonly Thread _thread;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly List<Sample> _samples = [];
    private readonly ManualResetEventSlim _stop = new();
    private readonly QueueClient _messages;
    private readonly bool _ownQueue;

    private readonly record struct Sample(double At, double PoolMs, double StorageMs, double QueueMs, double BlobMs, int Threads, long Pending, double MessageMs)
    {
        /// <summary>The slower of the queue service's two probes (NaN only when neither got an answer).</summary>
        public double QueueServiceMs => double.IsNaN(QueueMs) ? MessageMs : double.IsNaN(MessageMs) ? QueueMs : Math.Max(QueueMs, MessageMs);
    }

    /// <param name="messageQueue">The queue whose messages are peeked (Durable's first control queue, where the app's timers
    /// and events are); one of the meter's own, holding one message, when null.</param>
    public StallMeter(Azurite azurite, string? messageQueue = null)
    {
        var options = new QueueClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        _ownQueue = messageQueue is null;
        _messages = new QueueClient(azurite.ConnectionString, messageQueue ?? "benchstallprobe", options);
        _tablePort = azurite.TablePort;
        _queuePort = azurite.QueuePort;
        _blobPort = azurite.BlobPort;
        _thread = new Thread(Run) { IsBackground = true, Name = "stall-meter" };
        _thread.Start();
    }

    /// <summary>The moment of the first probe (+0 s), to place stalls against due moments.</summary>
    public DateTimeOffset StartedAt { get; } = TimeProvider.System.GetUtcNow();

    /// <summary>
    /// Stretches in which one thing answered slower than <paramref name="thresholdMs"/> probe after probe (a stalled
    /// probe blocks the next, so a freeze of N seconds is one long probe): what, from when (s into the meter), how long.
    /// </summary>
    public IReadOnlyList<(string What, double From, double Seconds)> Episodes(double thresholdMs)
    {
        List<Sample> samples;
        lock (_gate) samples = [.. _samples];
        var result = new List<(string What, double From, double Seconds)>();
        foreach (var (what, pick) in new (string, Func<Sample, double>)[]
                 { ("thread pool", s => s.PoolMs), ("tables", s => s.StorageMs), ("queues", s => s.QueueServiceMs), ("blobs", s => s.BlobMs) })
        {
            (double From, double To)? open = null;
            foreach (var s in samples)
            {
                var ms = pick(s);
                if (ms > thresholdMs)
                {
                    // A probe starts at s.At and lasts ms (the probes of one sample run one after another; close enough).
                    open = open is { } o ? (o.From, Math.Max(o.To, s.At + ms / 1000)) : (s.At, s.At + ms / 1000);
                }
                else if (open is { } o)
                {
                    result.Add((what, o.From, o.To - o.From));
                    open = null;
                }
            }
            if (open is { } last) result.Add((what, last.From, last.To - last.From));
        }
        return [.. result.OrderBy(e => e.From)];
    }

    /// <summary>
    /// The windows in which Azurite's queue service did not answer (<see cref="Benchmarks.FreezeWindows"/>), so far: by
    /// the meter's probes, and by <paramref name="slowRequests"/> (the app's own queue requests that waited over the
    /// threshold, from <see cref="StorageRequestLog.SlowQueueRequests"/>); <c>ByProbes</c> is the probes' share alone.
    /// </summary>
    public (IReadOnlyList<FreezeWindows.Window> All, IReadOnlyList<FreezeWindows.Window> ByProbes) QueueFreezes(IEnumerable<(DateTimeOffset Start, double Ms)>? slowRequests = null)
    {
        List<Sample> samples;
        lock (_gate) samples = [.. _samples];
        var probes = samples.Select(s => (s.At, Ms: s.QueueServiceMs)).ToList();
        var requests = (slowRequests ?? []).Select(r => (At: (r.Start - StartedAt).TotalSeconds, r.Ms));
        return (FreezeWindows.Detect(probes.Concat(requests), StartedAt), FreezeWindows.Detect(probes, StartedAt));
    }

    private void Run()
    {
        // The meter's own requests are not the app's (this thread's calls are synchronous, so the mark holds for all of them).
        StorageRequestLog.MarkOurs();
        var canPeek = PrepareMessageProbe();
        Socket? tables = null, queues = null, blobs = null;
        while (!_stop.IsSet)
        {
            var at = _clock.Elapsed.TotalSeconds;
            var pool = PoolLatency();
            var table = Probe(ref tables, _tablePort, "/devstoreaccount1/Tables");
            var queue = Probe(ref queues, _queuePort, "/devstoreaccount1?comp=list");
            var message = canPeek ? MessageLatency() : double.NaN;
            var blob = Probe(ref blobs, _blobPort, "/devstoreaccount1?comp=list");
            lock (_gate) _samples.Add(new Sample(at, pool, table, queue, blob, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, message));
            _stop.Wait(50);
        }
        tables?.Dispose();
        queues?.Dispose();
        blobs?.Dispose();
    }

    private double Probe(ref Socket? socket, int port, string path)
    {
        try
        {
            socket ??= Connect(port);
            return StorageLatency(socket, path);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            socket?.Dispose();
            socket = null;
            return double.NaN;
        }
    }

    /// <summary>A queue of the meter's own holding one message (peeked, never received: it leaves no deleted message behind).</summary>
    private bool PrepareMessageProbe()
    {
        try
        {
            if (!_ownQueue) return _messages.Exists().Value;
            _messages.CreateIfNotExists();
            if (_messages.PeekMessages(1).Value.Length == 0) _messages.SendMessage("stall probe");
            return true;
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or OperationCanceledException or AggregateException)
        {
            return false;
        }
    }

    /// <summary>How long a peek took; a failed one counts for as long as it waited when that was over a second (no answer), else NaN.</summary>
    private double MessageLatency()
    {
        var clock = Stopwatch.StartNew();
        try
        {
            _messages.PeekMessages(1);
            return clock.Elapsed.TotalMilliseconds;
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or OperationCanceledException or AggregateException)
        {
            return clock.Elapsed.TotalMilliseconds >= FreezeWindows.ThresholdMs ? clock.Elapsed.TotalMilliseconds : double.NaN;
        }
    }

    private static double PoolLatency()
    {
        using var done = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();
        ThreadPool.UnsafeQueueUserWorkItem(static d => d.Set(), done, preferLocal: false);
        return done.Wait(TimeSpan.FromSeconds(30)) ? clock.Elapsed.TotalMilliseconds : 30_000;
    }

    private static Socket Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000, NoDelay = true };
        socket.Connect("127.0.0.1", port);
        return socket;
    }

    private readonly byte[] _buffer = new byte[8192];

    // An unauthenticated GET: Azurite answers it with an error at once, which is all a responsiveness probe needs.
    private double StorageLatency(Socket socket, string path)
    {
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n");
        var clock = Stopwatch.StartNew();
        socket.Send(request);
        var text = new StringBuilder();
        while (true)
        {
            var n = socket.Receive(_buffer);
            if (n == 0) throw new IOException("closed");
            text.Append(Encoding.ASCII.GetString(_buffer, 0, n));
            var s = text.ToString();
            var headerEnd = s.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd < 0) continue;
            var length = 0;
            foreach (var line in s[..headerEnd].Split("\r\n"))
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line[15..].Trim(), CultureInfo.InvariantCulture);
            if (s.Length >= headerEnd + 4 + length) return clock.Elapsed.TotalMilliseconds;
        }
    }

    /// <summary>The worst thread-pool wait and Azurite answer since <paramref name="fromSeconds"/>, and when (s into the meter).</summary>
    public string Summary(double fromSeconds)
    {
        List<Sample> window;
        lock (_gate) window = [.. _samples.Where(s => s.At >= fromSeconds)];
        if (window.Count == 0) return "stalls: no samples";
        var pool = window.MaxBy(s => s.PoolMs);
        var storage = window.Where(s => !double.IsNaN(s.StorageMs)).DefaultIfEmpty().MaxBy(s => s.StorageMs);
        var poolOver = window.Count(s => s.PoolMs > 100);
        var storageOver = window.Count(s => s.StorageMs > 100);
        var queue = window.Where(s => !double.IsNaN(s.QueueMs)).DefaultIfEmpty().MaxBy(s => s.QueueMs);
        var queueOver = window.Count(s => s.QueueMs > 100);
        var blob = window.Where(s => !double.IsNaN(s.BlobMs)).DefaultIfEmpty().MaxBy(s => s.BlobMs);
        var blobOver = window.Count(s => s.BlobMs > 100);
        var message = window.Where(s => !double.IsNaN(s.MessageMs)).DefaultIfEmpty().MaxBy(s => s.MessageMs);
        var messageOver = window.Count(s => s.MessageMs > 100);
        return string.Create(CultureInfo.InvariantCulture,
            $"stalls (probed every 50 ms, {window.Count} probes): thread-pool wait max {pool.PoolMs:0} ms at +{pool.At - fromSeconds:0.0} s " +
            $"({poolOver} probes over 100 ms; threads up to {window.Max(s => s.Threads)}, queued work items up to {window.Max(s => s.Pending)}); " +
            $"Azurite tables answer max {storage.StorageMs:0} ms at +{storage.At - fromSeconds:0.0} s ({storageOver} probes over 100 ms), " +
            $"queues max {queue.QueueMs:0} ms at +{queue.At - fromSeconds:0.0} s ({queueOver} probes over 100 ms; a message peek max {message.MessageMs:0} ms at " +
            $"+{message.At - fromSeconds:0.0} s, {messageOver} over 100 ms), " +
            $"blobs max {blob.BlobMs:0} ms at +{blob.At - fromSeconds:0.0} s ({blobOver} probes over 100 ms)");
    }

    /// <summary>Every probe over <paramref name="thresholdMs"/> since <paramref name="fromSeconds"/>, for a close look.</summary>
    public IEnumerable<string> Stalls(double fromSeconds, double thresholdMs)
    {
        lock (_gate)
            return [.. _samples.Where(s => s.At >= fromSeconds && (s.PoolMs > thresholdMs || s.StorageMs > thresholdMs || s.QueueServiceMs > thresholdMs || s.BlobMs > thresholdMs))
                .Select(s => string.Create(CultureInfo.InvariantCulture,
                    $"+{s.At - fromSeconds:0.00} s: pool {s.PoolMs:0} ms, tables {s.StorageMs:0} ms, queues {s.QueueMs:0} ms (a message peek {s.MessageMs:0} ms), blobs {s.BlobMs:0} ms, threads {s.Threads}, queued {s.Pending}"))];
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join(TimeSpan.FromSeconds(35));
        _stop.Dispose();
    }
}
