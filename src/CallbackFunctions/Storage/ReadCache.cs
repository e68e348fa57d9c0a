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

    /// <summary>The value of <paramref name="key"/> as read within the time kept, or read now by <paramref name="read"/>.</summary>
    public async Task<T> GetAsync(string key, Func<CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_read.TryGetValue(key, out var known) && now - known.ReadAt < keepFor) return known.Value;
        var value = await read(ct);
        _read[key] = (now, value);
        return value;
    }

    public void Forget(string key) => _read.TryRemove(key, out _);
}
