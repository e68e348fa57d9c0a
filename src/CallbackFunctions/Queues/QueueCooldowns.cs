using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Queues;

/// <summary>
/// A queue's cooldowns for an agent's release (seed 004), read from its settings and kept for 5 s: a release happens
/// per offer, a settings change a few times a year, and a cooldown set a moment late changes nothing that matters.
/// </summary>
public sealed class QueueCooldowns(QueueSettingsRepository settings, TimeProvider time)
{
    private readonly ReadCache<CooldownSettings> _cache = new(TimeSpan.FromSeconds(5), time, StringComparer.OrdinalIgnoreCase);

    public Task<CooldownSettings> ForAsync(string queue, CancellationToken ct) =>
        _cache.GetAsync(queue, async t => (await settings.GetAsync(queue, t))?.Value.Cooldowns ?? CooldownSettings.None, ct);

    /// <summary>Forget what was read (after the queue's settings were saved here).</summary>
    public void Invalidate(string queue) => _cache.Forget(queue);
}
