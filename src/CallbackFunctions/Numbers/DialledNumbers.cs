using System.Collections.Concurrent;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Numbers;

/// <summary>
/// Our numbers as the agent's whisper and alert read them (seed 004: the location and ad source of the number the
/// customer dialled), kept for a little while: a contact center has a handful of numbers and every offer reads one,
/// while an operator edits them a few times a year. A change made here is seen at once; one made on another instance
/// within <see cref="CacheFor"/>.
/// </summary>
public sealed class DialledNumbers(NumberRepository repository, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (DateTimeOffset ReadAt, OurNumber? Value)> _read = new(StringComparer.Ordinal);

    /// <summary>The number as <c>PUT /api/numbers/{number}</c> set it, or null when it was never described.</summary>
    public async Task<OurNumber?> FindAsync(string e164, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_read.TryGetValue(e164, out var known) && now - known.ReadAt < CacheFor) return known.Value;
        var value = await repository.GetAsync(e164, ct);
        _read[e164] = (now, value);
        return value;
    }

    /// <summary>Forget what was read of <paramref name="e164"/> (it was saved or deleted here).</summary>
    public void Invalidate(string e164) => _read.TryRemove(e164, out _);
}
