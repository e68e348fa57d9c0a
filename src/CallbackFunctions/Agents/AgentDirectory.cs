using System.Collections.Concurrent;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Agents;

/// <summary>
/// Agents for the offer path: a snapshot cached for a moment (reading every agent on every wake-up would cost more
/// than the rest of the step), with correctness left to the store: holding an agent is an If-Match write, so a stale
/// snapshot only costs a 412 and a fresh read, never a double booking, across threads and instances.
/// </summary>
public sealed class AgentDirectory(AgentRepository repository, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> _holdingHere = new();
    private readonly CacheGeneration _generation = new();
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(DateTimeOffset ReadAt, ConcurrentDictionary<string, Stored<Agent>> Agents);

    /// <summary>
    /// Holds the free agent of <paramref name="queue"/> who waited longest among those who may call a contact with
    /// <paramref name="access"/> and are not cooling down (<see cref="AgentChooser"/>), or returns null if none is free.
    /// </summary>
    /// <param name="excluded">Agents not to offer it to: tried in this round, or who rejected it.</param>
    /// <param name="holder">The offer (<see cref="Agent.Holder"/>); an agent it holds already is returned as it is.</param>
    public async Task<Agent?> TryHoldFreeAgentAsync(string queue, ContactAccess access, IReadOnlyCollection<string> excluded, string holder, CancellationToken ct,
        string? boundTo = null)
    {
        for (var round = 0; round < 16; round++)
        {
            var snapshot = await GetSnapshotAsync(ct);
            // Activities run at least once: an earlier run of this very offer (retried after a fault that came after its
            // hold) already holds the agent it chose. That agent is the offer's; holding a second one would pass over the
            // agent who waited longest and leave them held until the watchdog frees them.
            if (snapshot.Agents.Values.FirstOrDefault(s => s.Value.HeldBy == holder) is { } earlier)
            {
                // As the store has it: a snapshot a moment old may still show a hold freed since (one read, on re-runs only).
                if (await ReloadAsync(snapshot, earlier.Value.Id, ct) is { } fresh && fresh.HeldBy == holder) return fresh;
                continue;
            }
            var agent = AgentChooser.Choose(NotBeingHeldHere(snapshot), queue, access, excluded, time.GetUtcNow(), boundTo);
            if (agent is null) return null;
            if (!_holdingHere.TryAdd(agent.Id, 0)) continue;
            try
            {
                // The snapshot may have moved between choosing and claiming (another offer here held this agent and
                // left): write over exactly the version we chose from, or choose again. Holding from a stale agent
                // over a fresher ETag would overwrite that other offer's hold and ring the agent twice.
                if (!snapshot.Agents.TryGetValue(agent.Id, out var stored) || !ReferenceEquals(stored.Value, agent)) continue;
                var held = agent.Hold(holder);
                var etag = await repository.TryReplaceAsync(held, stored.ETag, ct);
                if (etag is { } e)
                {
                    snapshot.Agents[agent.Id] = new Stored<Agent>(held, e);
                    return held;
                }
                // Someone moved first, or our own write landed and only its answer was lost (a retried request then
                // meets its own ETag change): look again with fresh data; an agent this offer holds is its agent.
                if (await ReloadAsync(snapshot, agent.Id, ct) is { HeldBy: var by } mine && by == holder) return mine;
            }
            finally
            {
                _holdingHere.TryRemove(agent.Id, out _);
            }
        }
        return null;
    }

    /// <summary>
    /// Frees the agent if <paramref name="holder"/> still holds them; idempotent. Returns the freed agent.
    /// <paramref name="handled"/>: the offer, kept on the agent for the queue's handling time (in the same write).
    /// </summary>
    /// <paramref name="cooldown"/>: the queue's cooldowns and which of them starts for the agent now (seed 004), in the same write.
    public Task<Agent?> ReleaseAsync(string agentId, string holder, CancellationToken ct, HandledOffer? handled = null,
        (CooldownSettings Settings, CooldownAfter After)? cooldown = null) =>
        FreeAsync(agentId, holder, (agent, now) =>
        {
            var released = agent.Release(now, handled);
            return cooldown is { } c ? Cooldowns.After(released, c.After, c.Settings, now, holder) : released;
        }, ct);

    /// <summary>
    /// Frees the agent <paramref name="holder"/> held but never called (its offer was not made): they keep their place
    /// in line (<see cref="Agent.Unhold"/>). Idempotent.
    /// </summary>
    public Task<Agent?> UnholdAsync(string agentId, string holder, CancellationToken ct) => FreeAsync(agentId, holder, (agent, _) => agent.Unhold(), ct);

    private async Task<Agent?> FreeAsync(string agentId, string holder, Func<Agent, DateTimeOffset, Agent> free, CancellationToken ct)
    {
        for (var round = 0; round < 8; round++)
        {
            // First on the version this instance last knew (it usually wrote the hold itself: one request), then read.
            var stored = round == 0 && _snapshot is { } known && known.Agents.TryGetValue(agentId, out var mine) && mine.Value.HeldBy == holder
                ? mine
                : await repository.GetAsync(agentId, ct);
            if (stored is null || stored.Value.HeldBy != holder) return null;
            var freed = free(stored.Value, time.GetUtcNow());
            if (await repository.TryReplaceAsync(freed, stored.ETag, ct) is { } etag)
            {
                if (_snapshot is { } s) s.Agents[agentId] = new Stored<Agent>(freed, etag);
                return freed;
            }
        }
        return null;
    }

    /// <summary>
    /// seed 004: the agent rejected offer <paramref name="holder"/> (2, or the alert's reject): their reject cooldown starts
    /// now, whether or not the offer's release (which starts it too) came first; once per offer, so a repeated choice
    /// changes nothing.
    /// </summary>
    public async Task StartRejectCooldownAsync(string agentId, string holder, CooldownSettings settings, CancellationToken ct)
    {
        if (settings.RejectCooldown <= TimeSpan.Zero) return;
        for (var round = 0; round < 8; round++)
        {
            if (await repository.GetAsync(agentId, ct) is not { } stored) return;
            var cooling = Cooldowns.AfterReject(stored.Value, settings, time.GetUtcNow(), holder);
            if (ReferenceEquals(cooling, stored.Value)) return;
            if (await repository.TryReplaceAsync(cooling, stored.ETag, ct) is { } etag)
            {
                if (_snapshot is { } s) s.Agents[agentId] = new Stored<Agent>(cooling, etag);
                return;
            }
        }
    }

    /// <summary>
    /// When the first agent who may take a callback of <paramref name="queue"/> for <paramref name="access"/>, available
    /// and held by nothing, ends their cooldown (as of the snapshot); null when none is cooling down.
    /// </summary>
    public async Task<DateTimeOffset?> NextCooldownEndAsync(string queue, ContactAccess access, IReadOnlyCollection<string> excluded, CancellationToken ct,
        string? boundTo = null)
    {
        var now = time.GetUtcNow();
        return (await GetSnapshotAsync(ct)).Agents.Values.Select(s => s.Value)
            .Where(a => a.IsFree && Cooldowns.InCooldown(a, now) && !excluded.Contains(a.Id)
                && (boundTo is null ? Eligibility.MayTake(a, queue, access) : a.Id == boundTo && Eligibility.HasAccess(a, access)))
            .Select(a => a.CooldownUntil).Min();
    }

    /// <summary>
    /// Whether an agent who may take a callback of <paramref name="queue"/> for <paramref name="access"/> is free, as the
    /// store has the agents from <paramref name="since"/> on: a snapshot read since then, else a fresh read (which the
    /// next offers here use too).
    /// </summary>
    public async Task<bool> AnyFreeSinceAsync(DateTimeOffset since, string queue, ContactAccess access, IReadOnlyCollection<string> excluded, CancellationToken ct,
        string? boundTo = null)
    {
        var snapshot = await GetSnapshotAsync(ct, readSince: since);
        return AgentChooser.Choose(NotBeingHeldHere(snapshot), queue, access, excluded, time.GetUtcNow(), boundTo) is not null;
    }

    /// <summary>The snapshot's agents but those an offer here is holding this moment (its write not answered yet).</summary>
    private IEnumerable<Agent> NotBeingHeldHere(Snapshot snapshot) => snapshot.Agents.Values.Select(s => s.Value).Where(a => !_holdingHere.ContainsKey(a.Id));

    /// <summary>Whether any agent serves <paramref name="queue"/> (as of the snapshot), available or not.</summary>
    public async Task<bool> AnyServesAsync(string queue, CancellationToken ct) =>
        (await GetSnapshotAsync(ct)).Agents.Values.Any(s => s.Value.Serves(queue));

    /// <summary>How many agents serve <paramref name="queue"/> and are available (free or on a call), as of the snapshot.</summary>
    public async Task<int> CountAvailableServingAsync(string queue, CancellationToken ct) =>
        (await GetSnapshotAsync(ct)).Agents.Values.Count(s => s.Value.Available && s.Value.Serves(queue));

    /// <summary>
    /// How long the offers of <paramref name="queue"/> that ended since <paramref name="since"/> took (offer to the agent
    /// call's end), newest first, at most <paramref name="max"/>, as the agents' last offers show them (snapshot).
    /// </summary>
    public async Task<IReadOnlyList<TimeSpan>> RecentHandlingAsync(string queue, DateTimeOffset since, int max, CancellationToken ct) =>
        [.. (await GetSnapshotAsync(ct)).Agents.Values.SelectMany(s => s.Value.Handled)
            .Where(h => h.EndedAt >= since && string.Equals(h.Queue, queue, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(h => h.EndedAt).Take(max).Select(h => h.Took)];

    /// <summary>The agent as of the snapshot, or null when there is none by that id.</summary>
    public async Task<Agent?> FindAsync(string agentId, CancellationToken ct) =>
        (await GetSnapshotAsync(ct)).Agents.TryGetValue(agentId, out var stored) ? stored.Value : null;

    /// <summary>Whether the agent exists (as of the snapshot).</summary>
    public async Task<bool> ExistsAsync(string agentId, CancellationToken ct) => (await GetSnapshotAsync(ct)).Agents.ContainsKey(agentId);

    /// <summary>Forget the snapshot (after an agent is created, changed or deleted through the API).</summary>
    public void Invalidate() => _generation.Advance(() => _snapshot = null);

    /// <param name="readSince">Only a snapshot whose read began at or after this instant will do (null: one under <see cref="CacheFor"/> old).</param>
    private async Task<Snapshot> GetSnapshotAsync(CancellationToken ct, DateTimeOffset? readSince = null)
    {
        bool Usable(Snapshot? s) => s is not null && (readSince is { } since ? s.ReadAt >= since : time.GetUtcNow() - s.ReadAt < CacheFor);
        var current = _snapshot;
        if (Usable(current)) return current!;
        await _refresh.WaitAsync(ct);
        try
        {
            current = _snapshot;
            if (Usable(current)) return current!;
            var before = _generation.Current;
            var readAt = time.GetUtcNow();
            var all = await repository.ListAsync(ct);
            current = new Snapshot(readAt, new ConcurrentDictionary<string, Stored<Agent>>(all.Select(a => KeyValuePair.Create(a.Value.Id, a))));
            // An agent saved through the API while this read was under way may be missing from it: the snapshot answers
            // this caller and is not kept, so the next offer reads the agents again instead of missing them for a second.
            _generation.KeepIfUnchanged(before, () => _snapshot = current);
            return current;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<Agent?> ReloadAsync(Snapshot snapshot, string agentId, CancellationToken ct)
    {
        var fresh = await repository.GetAsync(agentId, ct);
        if (fresh is null) snapshot.Agents.TryRemove(agentId, out _);
        else snapshot.Agents[agentId] = fresh;
        return fresh?.Value;
    }
}
