using System.Collections.Concurrent;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Queues;

/// <summary>
/// A queue's cooldowns for an agent's release (seed 004), read from its settings and kept for a few seconds: a release
/// happens per offer, a settings change a few times a year, and a cooldown set a moment late changes nothing that matters.
/// </summary>
public sealed class QueueCooldowns(QueueSettingsRepository settings, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (DateTimeOffset ReadAt, CooldownSettings Value)> _read = new(StringComparer.OrdinalIgnoreCase);

    public async Task<CooldownSettings> ForAsync(string queue, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_read.TryGetValue(queue, out var known) && now - known.ReadAt < CacheFor) return known.Value;
        var value = (await settings.GetAsync(queue, ct))?.Value.Cooldowns ?? CooldownSettings.None;
        _read[queue] = (now, value);
        return value;
    }

    /// <summary>Forget what was read (after the queue's settings were saved here).</summary>
    public void Invalidate(string queue) => _read.TryRemove(queue, out _);
}
