using CallbackFunctions.Callbacks;
using CallbackFunctions.Spool;
using CallbackFunctions.Storage;
using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Health;

/// <summary>The app's health and counters.</summary>
/// <param name="Status"><c>Healthy</c> when our tables and the task hub answer, else <c>Unhealthy</c>.</param>
/// <param name="Tables">Our tables (projections, agents, rules, holds) answer.</param>
/// <param name="Durable">The Durable task hub answers (a query of its instances).</param>
/// <param name="FailedOrchestrations">Callback orchestrations that failed (listed by <c>/api/poison-messages</c>).</param>
/// <param name="SpooledWebhooks">Webhooks waiting in this instance's spool to be replayed (their storage work failed, timed out or was shed).</param>
/// <param name="Error">What is wrong, in an operator's words (e.g. "table storage at 127.0.0.1:10002 refused the connection"); null when healthy.</param>
/// <param name="Nudged">Overdue callbacks the watchdog nudged (or started) on this instance since it started.</param>
/// <param name="ShedWebhooks">Webhooks this instance spooled since it started because too many were at work at once.</param>
/// <param name="RejectedWebhooks">
/// Requests to the Twilio routes this instance refused since it started before reading them as a webhook: a body over
/// the limit (413), not a form (415), or a form the reader refused (400). A real Twilio sends none of these.
/// </param>
/// <param name="BadSignatureWebhooks">Requests to the Twilio routes refused since this instance started for a bad or missing X-Twilio-Signature (403).</param>
/// <param name="MisroutedWebhooks">
/// Signed webhooks since this instance started whose URL lacks what they need (a missed call or IVR request without a
/// queue, when no default queue is set) or names a queue no agent serves: each is logged with the route and reason.
/// </param>
public sealed record HealthReport(string Status, bool Tables, bool Durable, int? FailedOrchestrations, int SpooledWebhooks, string? Error,
    long Nudged, long ShedWebhooks, long RejectedWebhooks, long BadSignatureWebhooks, long MisroutedWebhooks);
/// <summary>A callback orchestration that failed.</summary>
/// <param name="InstanceId">The orchestration's instance id (the callback's id).</param>
/// <param name="Error">Its error message, or null.</param>
/// <param name="CreatedAt">When it started (UTC).</param>
/// <param name="LastUpdatedAt">When it last changed, i.e. failed (UTC).</param>
public sealed record FailedOrchestration(string InstanceId, string? Error, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt);

/// <summary>The callback orchestrations that failed.</summary>
/// <param name="Count">How many are listed (at most 32).</param>
/// <param name="Orchestrations">The failed callback orchestrations.</param>
public sealed record PoisonReport(int Count, IReadOnlyList<FailedOrchestration> Orchestrations);

/// <summary><c>GET /api/health</c> (storage and task hub reachability, the engine's counters) and <c>GET /api/poison-messages</c>.</summary>
public sealed class HealthFunctions(StorageAccount storage, WebhookSpool spool, Watchdog watchdog, Twilio.TwilioWebhook webhooks)
{
    [ApiOperation("Operations", "Storage and task hub reachability, the engine's counters (503 when unhealthy).", Answer = typeof(HealthReport), AnswerAlsoOn = [503],
        Responses = ["200: Healthy: our tables and the task hub answer", "503: Unhealthy: the same report, saying what does not answer"])]
    [Function("Health")]
    public async Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        bool tables = false, durable = false;
        int? failed = null;
        string? error = null;
        try
        {
            await storage.Callbacks.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, cancellationToken: ct).AsPages().FirstOrDefaultAsync(ct);
            tables = true;
            failed = (await FailedAsync(client, withErrors: false, ct)).Count;
            durable = true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // An operator's sentence ("table storage at 127.0.0.1:10002 refused the connection"), not the SDK's retry advice.
            error = tables
                ? "the Durable task hub did not answer" + (storage.Health.Problem is { } problem ? ": " + problem : $" ({StorageFaultText.Describe(e, "its storage", null)})")
                : storage.Health.Problem ?? StorageFaultText.Describe(e, "table storage", storage.TableEndpoint);
        }
        var report = new HealthReport(tables && durable ? "Healthy" : "Unhealthy", tables, durable, failed, spool.Count, error, watchdog.Nudged, spool.Shed,
            webhooks.Rejected, webhooks.BadSignatures, webhooks.Misrouted);
        return tables && durable ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    [ApiOperation("Operations", "Callback orchestrations that failed (first 32).", Answer = typeof(PoisonReport), Responses = ["200: The failed orchestrations, with their errors"])]
    [Function("PoisonMessages")]
    public async Task<IResult> Poison([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/poison-messages")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        var failed = await FailedAsync(client, withErrors: true, ct);
        return ETags.Conditional(request, TypedResults.Ok(new PoisonReport(failed.Count, failed)));
    }

    /// <summary>The failed callback orchestrations (first 32); their errors only when asked (health needs the count alone).</summary>
    private static async Task<List<FailedOrchestration>> FailedAsync(DurableTaskClient client, bool withErrors, CancellationToken ct)
    {
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Failed], PageSize = 32, FetchInputsAndOutputs = withErrors };
        var result = new List<FailedOrchestration>();
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages().WithCancellation(ct))
        {
            result.AddRange(page.Values.Select(i => new FailedOrchestration(i.InstanceId, i.FailureDetails?.ErrorMessage, i.CreatedAt, i.LastUpdatedAt)));
            break;
        }
        return result;
    }
}
