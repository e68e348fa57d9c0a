namespace CallbackFunctions.Storage;

/// <summary>
/// Creates the tables at start-up (idempotent, so a new deployment needs no manual step; storage away then is logged,
/// not fatal), and while storage is away looks for it every <see cref="ProbeEvery"/>: once it answers,
/// <see cref="StorageHealth"/> says so and what must heal does (our tables created again if storage came back empty;
/// the local host's Durable task hub too).
/// </summary>
internal sealed partial class StorageRecovery(StorageAccount storage, StorageHealth health, TimeProvider time, ILogger<StorageRecovery> logger) : BackgroundService
{
    public static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(1);

    public override async Task StartAsync(CancellationToken ct)
    {
        health.Recovered += storage.EnsureCreatedAsync;
        try { await storage.EnsureCreatedAsync(ct); }
        catch (Exception e) when (TransientFaults.IsTransient(e, ct))
        {
            Log.NotReachable(logger, StorageFaultText.Describe(e, "table storage", storage.TableEndpoint));
        }
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ProbeEvery, time, ct);
                // Any request that gets an answer tells the health it is back (StorageWatch); this one is for quiet times.
                if (health.IsDown)
                    await StorageHealth.ProbeAsync(async () => await storage.Tables.QueryAsync(maxPerPage: 1, cancellationToken: ct).AsPages().FirstOrDefaultAsync(ct));
                await health.HealAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (TransientFaults.IsTransient(e, ct)) { /* still away: StorageHealth has said so once */ }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Storage not reachable at start-up: {Problem}; webhooks will be spooled until it is")]
        public static partial void NotReachable(ILogger logger, string problem);
    }
}
