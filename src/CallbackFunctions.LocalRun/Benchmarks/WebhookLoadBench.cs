using System.Diagnostics;
using System.Net;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Signed missed-call webhooks (<c>QueueResult=hangup</c>), sent open-loop: each request leaves at its scheduled moment
/// whether or not earlier ones have been answered. Latency is measured from the scheduled moment to the end of the
/// answer, so a sender falling behind counts against the app rather than hiding load.
/// </summary>
public sealed class WebhookLoadBench : IDisposable
{
    /// <summary>Twilio gives a webhook 15 s.</summary>
    public static readonly TimeSpan TwilioBudget = TimeSpan.FromSeconds(15);

    private readonly BenchStorage _storage;
    private readonly HttpClient _http;
    private readonly string _authToken;
    private readonly string _accountSid;
    private readonly Uri _appUrl;

    /// <param name="appUrl">The instance the webhooks go to (and are signed for); the stack's app by default.</param>
    public WebhookLoadBench(LocalStack stack, BenchStorage storage, Uri? appUrl = null)
    {
        _appUrl = appUrl ?? stack.AppUrl;
        _storage = storage;
        _authToken = stack.Simulator.Options.AuthToken;
        _accountSid = stack.Simulator.Options.AccountSid;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        })
        {
            Timeout = TwilioBudget + TimeSpan.FromSeconds(5),
        };
    }

    public sealed record Outcome(double LatencyMs, bool Ok, string? Error);

    public sealed record Step(string Queue, int Rate, int Sent, IReadOnlyList<double> SortedLatencyMs, int Errors, string? FirstError,
        int OverBudget, int Callbacks, TimeSpan Settle, double MaxSendLagMs, TimeSpan LastAnswer)
    {
        /// <summary>Requests answered per second, from the first scheduled send to the last answer.</summary>
        public double AnsweredRate => Sent / LastAnswer.TotalSeconds;
        public int Missing => Sent - Callbacks;
        public bool Passed => Errors == 0 && OverBudget == 0 && Missing == 0;
        public double P50 => Percentiles.Of(SortedLatencyMs, 0.50);
        public double P99 => Percentiles.Of(SortedLatencyMs, 0.99);
        public double Max => SortedLatencyMs.Count == 0 ? double.NaN : SortedLatencyMs[^1];
    }

    private sealed record Prepared(string CallSid, FormUrlEncodedContent Body, string Signature);

    /// <summary>A few requests one after another, so that JIT and connection set-up are not in the figures.</summary>
    public async Task WarmUpAsync(IReadOnlyList<string> callers, CancellationToken ct)
    {
        var url = Url("warmup");
        foreach (var p in Prepare("warmup", callers))
            await SendAsync(url, p, ct);
    }

    /// <summary>Offers <paramref name="rate"/> requests a second for <paramref name="duration"/>, then counts the callbacks made.</summary>
    public async Task<Step> OfferAsync(string queue, int rate, TimeSpan duration, IReadOnlyList<string> callers, TimeSpan settleLimit, CancellationToken ct)
    {
        var count = (int)Math.Round(rate * duration.TotalSeconds);
        if (callers.Count < count) throw new ArgumentException($"{count} distinct callers needed, {callers.Count} given", nameof(callers));
        var url = Url(queue);
        var prepared = Prepare(queue, callers.Take(count).ToList());
        var outcomes = new Outcome[count];
        var tasks = new Task[count];
        var maxLag = 0.0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var scheduled = TimeSpan.FromSeconds(i / (double)rate);
            var wait = scheduled - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
            maxLag = Math.Max(maxLag, (clock.Elapsed - scheduled).TotalMilliseconds);
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                var (ok, error) = await SendAsync(url, prepared[index], ct);
                outcomes[index] = new Outcome((clock.Elapsed - scheduled).TotalMilliseconds, ok, error);
            }, ct);
        }
        await Task.WhenAll(tasks);
        var lastAnswer = clock.Elapsed;
        var answeredAt = Stopwatch.StartNew();

        // Every request must have made its callback: ids come from the CallSid (CallbackIds), so look for each one.
        var expected = prepared.Select(p => CallbackIds.For(p.CallSid, queue, "missed")).ToHashSet(StringComparer.Ordinal);
        var found = 0;
        while (true)
        {
            try
            {
                var statuses = await _storage.StatusesAsync(queue, ct);
                found = expected.Count(statuses.ContainsKey);
            }
            catch (Exception e) when (TransientFaults.IsTransient(e, ct))
            {
                // overloaded: look again
            }
            if (found == count || answeredAt.Elapsed > settleLimit) break;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        var latencies = outcomes.Select(o => o.LatencyMs).Order().ToList();
        var failed = outcomes.Where(o => !o.Ok).ToList();
        return new Step(queue, rate, count, latencies, failed.Count, failed.FirstOrDefault()?.Error,
            outcomes.Count(o => o.LatencyMs > TwilioBudget.TotalMilliseconds), found, answeredAt.Elapsed, maxLag, lastAnswer);
    }

    private string Url(string queue) => new Uri(_appUrl, $"api/twilio/missed-call?queue={queue}").AbsoluteUri;

    /// <summary>
    /// A caller calls again and is served in <paramref name="queue"/> (<c>QueueResult=bridged</c>): the app cancels their
    /// pending callbacks. Returns when the answer is in, with how long it took.
    /// </summary>
    public async Task<Outcome> ServedAsync(string queue, string caller, CancellationToken ct)
    {
        var prepared = Prepare(queue, [caller], "bridged")[0];
        var clock = Stopwatch.StartNew();
        var (ok, error) = await SendAsync(Url(queue), prepared, ct);
        return new Outcome(clock.Elapsed.TotalMilliseconds, ok, error);
    }

    /// <summary>Bodies and signatures computed before the clock starts, so that the sender stays on schedule.</summary>
    private List<Prepared> Prepare(string queue, IReadOnlyList<string> callers, string queueResult = "hangup")
    {
        var url = Url(queue);
        var result = new List<Prepared>(callers.Count);
        foreach (var caller in callers)
        {
            var callSid = "CA" + Guid.NewGuid().ToString("N");
            var form = new List<KeyValuePair<string, string>>
            {
                new("AccountSid", _accountSid),
                new("ApiVersion", "2010-04-01"),
                new("CallSid", callSid),
                new("CallStatus", "in-progress"),
                new("Called", LocalStack.SupportNumber),
                new("Caller", caller),
                new("Direction", "inbound"),
                new("From", caller),
                new("To", LocalStack.SupportNumber),
                new("QueueResult", queueResult),
                new("QueueSid", "QU0123456789abcdef0123456789abcdef"),
                new("QueueTime", "12"),
            };
            result.Add(new Prepared(callSid, new FormUrlEncodedContent(form), TwilioSignature.Compute(_authToken, url, form)));
        }
        return result;
    }

    private async Task<(bool Ok, string? Error)> SendAsync(string url, Prepared p, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = p.Body };
            request.Headers.Add("X-Twilio-Signature", p.Signature);
            using var response = await _http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK) return (false, $"HTTP {(int)response.StatusCode}");
            if (!body.Contains("<Response>", StringComparison.Ordinal) || !body.Contains("<Hangup", StringComparison.Ordinal))
                return (false, "answer is not the expected TwiML");
            return (true, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (false, e.GetType().Name + ": " + e.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
