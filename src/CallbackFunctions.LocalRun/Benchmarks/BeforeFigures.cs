namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// The home-made engine's last figures (timer queue + poller), copied from README "Measured" (the run of 2026-11-23,
/// 16:33 UTC, with the run before it in brackets), printed beside each new figure. A figure that engine's bench did not
/// measure says so.
/// </summary>
public static class BeforeFigures
{
    public const string Label = "before (home-made engine, 2026-11-23)";

    public const string TimerLightP50 = "not measured at this load";
    public const string TimerLightP99 = "not measured at this load";
    public const string TimerLightMax = "not measured at this load";
    public const string TimerLightEarly = "not measured (its poller held each wake-up until due)";

    public const string TimerHeavyP50 = "22 ms (22 ms)";
    public const string TimerHeavyP99 = "128 ms (552 ms)";
    public const string TimerHeavyMax = "354 ms (1,063 ms)";
    public const string TimerHeavyEarly = "not measured (its poller held each wake-up until due)";

    public const string BurstDrain = "34.7 s (31.2 s)";
    public const string BurstRate = "29 per s (32 per s)";

    public const string FreedP50 = "not measured";
    public const string FreedP99 = "not measured";

    public const string StorageRequests = "46.5 storage operations (47.7): tables 38.6, queues 7.9 (the app's own clients, counted by StorageOperationCounter)";
    public const string AzuriteRaw = "2,245 ops/s (2,429), so at most ≈ 48 callbacks/s (≈ 51/s)";

    public const string WebhookP50 = "6.7 ms (6.2 ms)";
    public const string WebhookP99 = "29 ms (25 ms)";
    public const string WebhookSustained = "800 requests/s (800/s), 2,292 of the 4,000 shed into the spool and replayed";
}
