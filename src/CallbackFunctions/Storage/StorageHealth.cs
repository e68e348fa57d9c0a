namespace CallbackFunctions.Storage;

/// <summary>
/// Whether storage answers, as this instance last saw it: one log line when it stops answering (what failed, in an
/// operator's words) and one when it answers again (after how long, and how many storage requests failed meanwhile),
/// however many requests fail in between. <see cref="StorageWatch"/> tells it about every table request;
/// <see cref="StorageRecovery"/> looks for storage while it is away and re-creates what a storage emptied meanwhile
/// lacks; whoever else must heal then (the local host's Durable backend) listens to <see cref="Recovered"/>.
/// </summary>
public sealed partial class StorageHealth(TimeProvider time, ILogger<StorageHealth> logger)
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _downSince;
    private long _failedMeanwhile;
    private string? _problem;
    private DateTimeOffset? _backAt;
    private volatile bool _down;
    private volatile bool _toHeal;
    private static readonly AsyncLocal<bool> ProbingFlow = new();

    /// <summary>Storage did not answer the last request made of it.</summary>
    public bool IsDown => _down;

    /// <summary>Why storage is away, in an operator's words; null while it answers.</summary>
    public string? Problem
    {
        get { lock (_lock) return _problem; }
    }

    /// <summary>True within <paramref name="window"/> of storage coming back (what it lacked may still be being re-created).</summary>
    public bool JustBack(TimeSpan window)
    {
        lock (_lock) return _backAt is { } back && time.GetUtcNow() - back < window;
    }

    /// <summary>True inside <see cref="ProbeAsync"/>: the one request that goes out while storage is away.</summary>
    public static bool Probing => ProbingFlow.Value;

    /// <summary>Runs <paramref name="probe"/> as the probe that may reach storage while it is known to be away.</summary>
    public static async Task ProbeAsync(Func<Task> probe)
    {
        ProbingFlow.Value = true;
        try { await probe(); }
        finally { ProbingFlow.Value = false; }
    }

    /// <summary>Raised (once per outage) when storage answers again.</summary>
    public event Func<CancellationToken, Task>? Recovered;

    /// <summary>A request to storage failed for <paramref name="problem"/> (an operator's sentence).</summary>
    public void Failed(string problem)
    {
        lock (_lock)
        {
            _failedMeanwhile++;
            if (_downSince is not null) return;
            _downSince = time.GetUtcNow();
            _problem = problem;
            _down = true;
        }
        Log.Lost(logger, problem);
    }

    /// <summary>Storage answered a request (with any status: it is there).</summary>
    public void Answered()
    {
        if (!_down) return;
        TimeSpan away;
        long failed;
        lock (_lock)
        {
            if (_downSince is not { } since) return;
            away = time.GetUtcNow() - since;
            failed = _failedMeanwhile;
            _downSince = null;
            _problem = null;
            _failedMeanwhile = 0;
            _down = false;
            _toHeal = true;
            _backAt = time.GetUtcNow();
        }
        Log.Back(logger, away.TotalSeconds, failed);
    }

    /// <summary>Runs what must heal after an outage (once per outage; <see cref="StorageRecovery"/> calls it).</summary>
    public async Task HealAsync(CancellationToken ct)
    {
        if (!_toHeal) return;
        _toHeal = false;
        foreach (var heal in Recovered?.GetInvocationList().Cast<Func<CancellationToken, Task>>() ?? [])
        {
            try { await heal(ct); }
            catch (Exception e) when (TransientFaults.IsTransient(e, ct))
            {
                // Storage left again before all was re-created: the next recovery tries again.
                _toHeal = true;
                Log.HealFailed(logger, e.GetType().Name);
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Warning,
            Message = "Storage is unreachable: {Problem}. Management requests answer 503 and webhooks are spooled until it is back")]
        public static partial void Lost(ILogger logger, string problem);

        [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Storage is back after {Seconds:0.#} s; {Failed} storage requests failed meanwhile")]
        public static partial void Back(ILogger logger, double seconds, long failed);

        [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Storage went away again while what it lacked was re-created ({Error}); trying again when it is back")]
        public static partial void HealFailed(ILogger logger, string error);
    }
}
