using CallbackFunctions.Domain.Queues;
using CallbackFunctions.Http;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Queues;

/// <summary>A queue's figures over a window: how its callbacks ended, how long customers waited, how well promises were kept, and its capacity guards.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="Window">The window (<c>window</c>, a duration: <c>24:00:00</c> by default).</param>
/// <param name="From">The window's start (UTC): the figures are of the callbacks made since, and the refusals since.</param>
/// <param name="To">The window's end: now (UTC).</param>
/// <param name="Created">Callbacks made in the window (a request merged into a live callback is not a new one).</param>
/// <param name="Completed">Of those, completed: the customer was reached.</param>
/// <param name="Cancelled">Of those, cancelled (served, dialled by hand, cancelled or deleted, merged).</param>
/// <param name="Expired">Of those, expired.</param>
/// <param name="Failed">Of those, failed.</param>
/// <param name="Live">Of those, still live.</param>
/// <param name="MedianTimeToConnect">From request to customer connected, median over the completed ones (a duration); null with none.</param>
/// <param name="P90TimeToConnect">The same, 90th percentile (nearest rank).</param>
/// <param name="Promised">Callbacks with a promise (a time told or agreed) whose customer has been called.</param>
/// <param name="WithinPromiseShare">The share of those called no later than a minute after the time promised (0 to 1); null with none.</param>
/// <param name="MedianPromiseError">The median of (called − promised), a duration: positive is late, negative early; null with none.</param>
/// <param name="MaxPending">The queue's <c>maxPending</c>, or null for no limit.</param>
/// <param name="Pending">Its live callbacks now (Queued, DialingAgent, DialingCustomer), whenever made.</param>
/// <param name="RefusedQueueFull">Callers' requests refused in the window because the queue was at its <c>maxPending</c>.</param>
/// <param name="MaxRequestsPerNumberPerDay">The per-number daily cap (the setting <c>Callbacks__MaxRequestsPerNumberPerDay</c>; 0 = none).</param>
/// <param name="RefusedDailyCap">Callers' requests refused in the window because their number had reached it.</param>
public sealed record QueueStatsView(string Queue, TimeSpan Window, DateTimeOffset From, DateTimeOffset To, int Created, int Completed, int Cancelled,
    int Expired, int Failed, int Live, TimeSpan? MedianTimeToConnect, TimeSpan? P90TimeToConnect, int Promised, double? WithinPromiseShare,
    TimeSpan? MedianPromiseError, int? MaxPending, int Pending, int RefusedQueueFull, int MaxRequestsPerNumberPerDay, int RefusedDailyCap);

/// <summary><c>GET /api/queues/{name}/stats</c>: promise accuracy and outcomes per queue (issue 15 §5, §6).</summary>
public sealed class QueueStatsFunctions(CallbackRepository callbacks, NoCallbackRepository notes, QueueSettingsRepository settings, QueueEstimator estimator,
    IOptionsMonitor<CallbackOptions> options, TimeProvider time)
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    [ApiOperation("Queues", "A queue's figures over a window: outcomes, time to connect, how well promised times were kept, and its capacity guards.",
        Path = ["name: the queue: letters, digits, `_`, `.`, `-`; at most 64"],
        Query = ["window: how far back, a duration from 00:01:00 to 7.00:00:00 (24:00:00)"], Answer = typeof(QueueStatsView),
        Responses = ["200: The queue's figures", "400: Not a queue name, or a bad window"])]
    [Function("GetQueueStats")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/queues/{name}/stats")] HttpRequest request, string name, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!MissedCallFunctions.IsValidQueue(name)) errors["name"] = ["not a queue name"];
        var window = DefaultWindow;
        if (RequestValues.Text(request, "window") is { } text
            && (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out window) || window < TimeSpan.FromMinutes(1) || window > MaxWindow))
            errors["window"] = ["a duration from 00:01:00 to 7.00:00:00, like 24:00:00"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = time.GetUtcNow();
        var from = now - window;
        var made = new List<CallbackOutcome>();
        await foreach (var c in callbacks.QueryCreatedSinceAsync(name, from, ct)) made.Add(CallbackOutcome.Of(c));
        var stats = PromiseStats.Of(made);
        var refused = await notes.CountAsync(name, [NoCallbackNotes.QueueFull, NoCallbackNotes.DailyCap], from, now, ct);
        var (_, pending) = await estimator.LineAsync(name, ct);
        return TypedResults.Ok(new QueueStatsView(name, window, from, now, stats.Created, stats.Completed, stats.Cancelled, stats.Expired, stats.Failed, stats.Live,
            stats.MedianTimeToConnect, stats.P90TimeToConnect, stats.Promised, stats.WithinPromiseShare, stats.MedianPromiseError,
            (await settings.GetAsync(name, ct))?.Value.MaxPending, pending, refused[NoCallbackNotes.QueueFull],
            options.CurrentValue.MaxRequestsPerNumberPerDay, refused[NoCallbackNotes.DailyCap]));
    }
}
