using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.MissedCalls;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Spool;

/// <summary>
/// Replays the spooled webhooks of this instance: every <see cref="SpoolOptions.RetryEvery"/>, while any wait and a Durable
/// client is at hand, oldest first; one that fails again (storage still away, most likely) stays, with the rest of its
/// lane, for the next look.
/// </summary>
public sealed class SpoolDrainer(WebhookSpool spool, IServiceProvider services, IOptions<SpoolOptions> options,
    TimeProvider time, ILogger<SpoolDrainer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await DrainOnceAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            try { await Task.Delay(options.Value.RetryEvery, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// Replays what is spooled, oldest first, in lanes by caller (a told event by its callback): one caller's webhooks (a
    /// missed call, then being served) keep their order, different callers' go in parallel.
    /// </summary>
    public async Task DrainOnceAsync(CancellationToken ct)
    {
        // Under the Functions host a client comes only with a function (a webhook or the watchdog leaves it here); a host
        // that offers one as a service (the local host) is used at once.
        if (spool.Count == 0 || (spool.Client ?? services.GetService<DurableTaskClient>()) is not { } client) return;
        var service = services.GetRequiredService<MissedCallService>();
        var runs = services.GetRequiredService<CallbackRuns>();
        var lanes = Math.Max(1, options.Value.ReplayLanes);
        var byLane = spool.Pending().GroupBy(p => (uint)StringComparer.Ordinal.GetHashCode(Caller(p.Item)) % (uint)lanes);
        await Task.WhenAll(byLane.Select(lane => Task.Run(() => ReplayAsync(service, runs, client, lane, ct), CancellationToken.None)));
    }

    private static string Caller(SpooledWebhook item) => item.Create?.Caller ?? item.ServedCaller ?? item.TellCallback ?? "";

    private async Task ReplayAsync(MissedCallService service, CallbackRuns runs, DurableTaskClient client,
        IEnumerable<(string File, SpooledWebhook Item)> lane, CancellationToken ct)
    {
        foreach (var (file, item) in lane)
        {
            try
            {
                if (item.Create is { } create) await service.CreateAsync(create, client, ct);
                if (item.ServedCaller is { } caller) await service.CancelForCallerAsync(caller, CancelReason.Served, client, ct);
                if (item is { TellCallback: { } callbackId, Tell: { } happened }) await runs.SendAsync(client, callbackId, happened, ct);
                spool.Remove(file);
                SpoolLog.Replayed(logger, Path.GetFileName(file));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                SpoolLog.ReplayWaiting(logger, spool.Count, e.GetType().Name);
                return; // keep this lane's order: the rest waits behind it for the next look
            }
        }
    }
}
