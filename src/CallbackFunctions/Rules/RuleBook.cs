using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using Microsoft.Extensions.Options;

using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Rules;

/// <summary>The rules as they stand now: stored ones, or the defaults from settings until an operator saves one.</summary>
public sealed record RuleSet(CallbackRule Scenario, CallbackRule ContactCenter, AccountState Account)
{
    public CallbackRule this[RuleKind kind] => kind == RuleKind.Scenario ? Scenario : ContactCenter;
}

/// <summary>
/// Reads and changes the callback rules and the account switch (seed 001): a saved rule gets a new version; switching a
/// rule off cancels the callbacks it made; freezing the account switches every rule off and cancels every live
/// callback; unfreezing leaves the rules off until each is switched on again by hand.
/// </summary>
public sealed class RuleBook(RuleRepository repository, CallbackRepository callbacks, IServiceProvider services,
    IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILogger<RuleBook> logger)
{
    /// <summary>A rule's saved versions, newest first (<see cref="RuleRepository.VersionsAsync"/>).</summary>
    public Task<IReadOnlyList<(CallbackRule Rule, DateTimeOffset SavedAt)>> VersionsAsync(RuleKind kind, int max, CancellationToken ct) =>
        repository.VersionsAsync(kind, max, ct);

    /// <summary>
    /// The rules as they stand, read at most once a second per instance (every webhook and wake-up asks; an edit made
    /// through another instance reaches this one within that second, before any attempt it could matter to).
    /// </summary>
    public async Task<RuleSet> CurrentAsync(CancellationToken ct)
    {
        if (_cached is { } cached && time.GetUtcNow() - cached.At < CacheFor) return cached.Rules;
        var rules = await ReadAsync(ct);
        _cached = new Cached(time.GetUtcNow(), rules);
        return rules;
    }

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);
    private sealed record Cached(DateTimeOffset At, RuleSet Rules);
    private volatile Cached? _cached; // dropped after every change made here

    private async Task<RuleSet> ReadAsync(CancellationToken ct)
    {
        var snapshot = await repository.ReadAsync(ct);
        return new RuleSet(
            snapshot.Rules.TryGetValue(RuleKind.Scenario, out var s) ? s.Value : Default(RuleKind.Scenario),
            snapshot.Rules.TryGetValue(RuleKind.ContactCenter, out var c) ? c.Value : Default(RuleKind.ContactCenter),
            snapshot.Account?.Value ?? new AccountState(false, null));
    }

    /// <summary>The rule before anyone saved one: enabled, with the timing settings (version 0 = never saved).</summary>
    public CallbackRule Default(RuleKind kind) => options.CurrentValue.DefaultRule(kind);

    /// <summary>The timing every new callback starts from (the <c>Callbacks__*</c> settings); its rule's values apply over it.</summary>
    public CallbackPolicy TimingSettings => options.CurrentValue.ToPolicy();

    /// <summary>The bounds a rule must respect (settings: <c>Callbacks__MinInterval</c>, <c>__MaxInterval</c>, <c>__MaxAttempts</c>, ...).</summary>
    public RuleBounds Bounds => options.CurrentValue.RuleBounds;

    /// <summary>Saves a rule as a new version. Returns the problems instead when it is not valid or not allowed now.</summary>
    public async Task<(CallbackRule? Saved, IReadOnlyList<string> Problems)> SaveAsync(CallbackRule incoming, DurableTaskClient client, CancellationToken ct)
    {
        var problems = incoming.Validate(Bounds).ToList();
        if (problems.Count > 0) return (null, problems);
        for (var round = 0; round < 8; round++)
        {
            var snapshot = await repository.ReadAsync(ct);
            if (incoming.Enabled && snapshot.Account?.Value.Frozen == true)
                return (null, ["enabled: the account is frozen; unfreeze it first, then enable each rule"]);
            snapshot.Rules.TryGetValue(incoming.Kind, out var existing);
            var wasEnabled = existing?.Value.Enabled ?? true;
            var saved = incoming with { Version = (existing?.Value.Version ?? 0) + 1 };
            if (!await repository.TrySaveAsync(saved, existing?.ETag, ct)) continue;
            _cached = null;
            RuleLog.Saved(logger, saved.Kind.ToString(), saved.Version, saved.Enabled);
            if (wasEnabled && !saved.Enabled) await CancelLiveAsync(saved.Kind, CancelReason.RuleDisabled, client, ct);
            return (saved, []);
        }
        throw new InvalidOperationException("too many concurrent rule edits");
    }

    public async Task<AccountState> FreezeAsync(DurableTaskClient client, CancellationToken ct)
    {
        var account = await SetFrozenAsync(true, ct);
        foreach (var kind in Enum.GetValues<RuleKind>())
        {
            for (var round = 0; round < 8; round++)
            {
                var snapshot = await repository.ReadAsync(ct);
                snapshot.Rules.TryGetValue(kind, out var existing);
                var rule = existing?.Value ?? Default(kind);
                if (existing is not null && !rule.Enabled) break;
                if (await repository.TrySaveAsync(rule with { Enabled = false, Version = rule.Version + 1 }, existing?.ETag, ct)) { _cached = null; break; }
            }
        }
        await CancelLiveAsync(null, CancelReason.AccountFrozen, client, ct);
        RuleLog.Frozen(logger, true);
        return account;
    }

    public async Task<AccountState> UnfreezeAsync(CancellationToken ct)
    {
        var account = await SetFrozenAsync(false, ct);
        RuleLog.Frozen(logger, false);
        return account;
    }

    /// <summary>
    /// Changes the account's settings (lines, pacing, unknown callers) as they stand when read here, over their ETag, so
    /// a change made meanwhile through another route or instance is kept; returns the problems instead when out of
    /// bounds. The freeze switch is not a setting: it stays as it stands.
    /// </summary>
    public async Task<(AccountState? Saved, IReadOnlyList<string> Problems)> ChangeSettingsAsync(Func<AccountState, AccountState> change, CancellationToken ct)
    {
        for (var round = 0; round < 8; round++)
        {
            var snapshot = await repository.ReadAsync(ct);
            var current = snapshot.Account?.Value ?? new AccountState(false, null);
            var state = change(current) with { Frozen = current.Frozen, ChangedAt = current.ChangedAt };
            if (state.Validate(options.CurrentValue.LineLimit) is { Count: > 0 } problems) return (null, problems);
            if (await repository.TrySaveAsync(state, snapshot.Account?.ETag, ct)) { _cached = null; return (state, []); }
        }
        throw new InvalidOperationException("too many concurrent account changes");
    }

    /// <summary>
    /// Notes, once, that the account keeps contacts (<see cref="AccountState.HasContacts"/>): called before a contact is
    /// written, so no contact is ever saved while requests skip the lookup (a crash after the note only costs reads).
    /// Another instance sees it once its cached rules are a second old.
    /// </summary>
    public async Task NoteContactsAsync(CancellationToken ct)
    {
        if ((await CurrentAsync(ct)).Account.HasContacts) return;
        var (_, problems) = await ChangeSettingsAsync(a => a with { HasContacts = true }, ct);
        if (problems.Count > 0) throw new InvalidOperationException($"the account does not validate: {string.Join("; ", problems)}");
    }

    private async Task<AccountState> SetFrozenAsync(bool frozen, CancellationToken ct)
    {
        for (var round = 0; round < 8; round++)
        {
            var snapshot = await repository.ReadAsync(ct);
            var current = snapshot.Account?.Value ?? new AccountState(false, null);
            if (current.Frozen == frozen) return current;
            var state = current with { Frozen = frozen, ChangedAt = time.GetUtcNow() };
            if (await repository.TrySaveAsync(state, snapshot.Account?.ETag, ct)) { _cached = null; return state; }
        }
        throw new InvalidOperationException("too many concurrent account changes");
    }

    /// <summary>Cancels every live callback (of a rule, or all), waiting a moment to see it done.</summary>
    private async Task CancelLiveAsync(RuleKind? kind, CancelReason reason, DurableTaskClient client, CancellationToken ct)
    {
        var live = new List<string>();
        await foreach (var callback in callbacks.QueryLiveAsync(kind, ct)) live.Add(callback.Id);
        var cancelled = await services.GetRequiredService<CallbackRuns>().CancelAllAsync(client, live, reason, ct);
        RuleLog.Cancelled(logger, cancelled, reason.Describe());
    }
}

internal static partial class RuleLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "{Kind} rule saved as version {Version} (enabled: {Enabled})")]
    public static partial void Saved(ILogger logger, string kind, int version, bool enabled);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Account frozen: {Frozen}")]
    public static partial void Frozen(ILogger logger, bool frozen);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Cancelled {Count} live callback(s): {Reason}")]
    public static partial void Cancelled(ILogger logger, int count, string reason);
}
