using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Numbers;

/// <summary>
/// Our numbers as the agent's whisper and alert read them (seed 004: the location and ad source of the number the
/// customer dialled), kept for 30 s: a contact center has a handful of numbers and every offer reads one, while an
/// operator edits them a few times a year.
/// </summary>
public sealed class DialledNumbers(NumberRepository repository, TimeProvider time)
{
    private readonly ReadCache<OurNumber?> _cache = new(TimeSpan.FromSeconds(30), time, StringComparer.Ordinal);

    /// <summary>The number as <c>PUT /api/numbers/{number}</c> set it, or null when it was never described.</summary>
    public Task<OurNumber?> FindAsync(string e164, CancellationToken ct) => _cache.GetAsync(e164, t => repository.GetAsync(e164, t), ct);

    /// <summary>Forget what was read of <paramref name="e164"/> (it was saved or deleted here).</summary>
    public void Invalidate(string e164) => _cache.Forget(e164);
}
