using System.Collections.Concurrent;

namespace CallbackFunctions.Storage;

/// <summary>
/// What a key read as, kept for <paramref name="keepFor"/>: for settings read on a hot path and changed a few times a
/// year (a queue's cooldowns, our numbers), where a value a few seconds old changes nothing that matters. Changes made
/// on this instance <see cref="Forget"/> their key; another instance's are seen once the time is up.
/// </summary>
public sealed class ReadCache<T>(TimeSpan keepFor, TimeProvider time, StringComparer keys)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset ReadAt, T Value)> _read = new(keys);
    private readonly CacheGeneration _generation = new();

    /// <summary>The value of <paramref name="key"/> as read within the time kept, or read now by <paramref name="read"/>.</summary>
    public async Task<T> GetAsync(string key, Func<CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_read.TryGetValue(key, out var known) && now - known.ReadAt < keepFor) return known.Value;
        var before = _generation.Current;
        var value = await read(ct);
        // A read that was under way when a change was forgotten may hold the value from before it: it answers its own
        // caller, and is not kept.
        _generation.KeepIfUnchanged(before, () => _read[key] = (now, value));
        return value;
    }

    public void Forget(string key) => _generation.Advance(() => _read.TryRemove(key, out _));
}

/// <summary>
/// How a cache knows a read it started is stale: every change forgotten advances the generation, and a read keeps its
/// result only when the generation it started in is still the current one (the check and the keeping are one step, as
/// are the advance and the forgetting).
/// </summary>
public sealed class CacheGeneration
{
    private readonly Lock _lock = new();
    private long _value;

    public long Current
    {
        get { lock (_lock) return _value; }
    }

    public void Advance(Action forget)
    {
        lock (_lock)
        {
            _value++;
            forget();
        }
    }

    public void KeepIfUnchanged(long since, Action keep)
    {
        lock (_lock)
        {
            if (_value == since) keep();
        }
    }
}
