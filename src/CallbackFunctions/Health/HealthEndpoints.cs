using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallbackFunctions.Health;

/// <param name="WakeUpsToSend">Wake-ups this instance has still to send (<see cref="WakeUpOutbox"/>).</param>
/// <param name="WakeUpsNotSent">Wake-ups this instance gave up sending since it started; the sweeper re-arms each.</param>
/// <param name="ShedWebhooks">Webhooks this instance spooled since it started because too many were at work at once.</param>
public sealed record HealthReport(string Status, bool Tables, bool Queue, int? PendingWakeUps, int? PoisonMessages, int SpooledWebhooks, string? Error,
    int WakeUpsToSend, long WakeUpsNotSent, long ShedWebhooks);
public sealed record PoisonMessage(string MessageId, string Text, long DequeueCount, DateTimeOffset? InsertedOn);
public sealed record PoisonReport(int ApproximateCount, IReadOnlyList<PoisonMessage> Messages);

/// <summary><c>GET /api/health</c> (storage and queue reachability) and <c>GET /api/poison-messages</c>.</summary>
public static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealth(this RouteGroupBuilder api)
    {
        api.MapGet("/health", Health).WithTags("Operations").WithSummary("Storage and queue reachability, pending and poison counts");
        api.MapGet("/poison-messages", Poison).WithTags("Operations").WithSummary("Wake-ups that failed every try (first 32)");
        return api;
    }

    private static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> Health(StorageAccount storage, WebhookSpool spool, WakeUpOutbox outbox,
        CancellationToken ct)
    {
        bool tables = false, queue = false;
        int? pending = null, poison = null;
        string? error = null;
        try
        {
            await storage.Callbacks.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, cancellationToken: ct).AsPages().FirstOrDefaultAsync(ct);
            tables = true;
            pending = (await storage.TimerQueue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
            poison = (await storage.PoisonQueue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
            queue = true;
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            error = e.GetType().Name + ": " + e.Message.Split('\n')[0];
        }
        var report = new HealthReport(tables && queue ? "Healthy" : "Unhealthy", tables, queue, pending, poison, spool.Count, error, outbox.Pending, outbox.Dropped, spool.Shed);
        return tables && queue ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Ok<PoisonReport>> Poison(StorageAccount storage, CancellationToken ct)
    {
        var count = (await storage.PoisonQueue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
        var peeked = (await storage.PoisonQueue.PeekMessagesAsync(32, ct)).Value;
        return TypedResults.Ok(new PoisonReport(count, [.. peeked.Select(m => new PoisonMessage(m.MessageId, m.Body.ToString(), m.DequeueCount, m.InsertedOn))]));
    }
}
