using Azure;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Storage;

/// <summary>The two callback rules and the account switch, in one small partition read with a single query.</summary>
public sealed class RuleRepository(StorageAccount storage)
{
    private const string Partition = "rule";
    private const string AccountRow = "account";
    private TableClient Table => storage.Rules;

    public sealed record Snapshot(IReadOnlyDictionary<RuleKind, Stored<CallbackRule>> Rules, Stored<AccountState>? Account);

    public async Task<Snapshot> ReadAsync(CancellationToken ct)
    {
        var rules = new Dictionary<RuleKind, Stored<CallbackRule>>();
        Stored<AccountState>? account = null;
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
        {
            if (e.RowKey == AccountRow) account = new Stored<AccountState>(StorageJson.Read<AccountState>(e, "State"), e.ETag);
            else if (Enum.TryParse<RuleKind>(e.RowKey, out var kind)) rules[kind] = new Stored<CallbackRule>(StorageJson.Read<CallbackRule>(e, "State"), e.ETag);
        }
        return new Snapshot(rules, account);
    }

    /// <summary>
    /// Saves a rule if it is still as last read (null ETag: it must not exist yet); false if someone moved first. A saved
    /// version is also kept in the rule's history (<see cref="VersionsAsync"/>), written after it: a crash in between
    /// leaves that one version out of the history, never a version in it that was not saved.
    /// </summary>
    public async Task<bool> TrySaveAsync(CallbackRule rule, ETag? expected, CancellationToken ct)
    {
        if (!await TrySaveAsync(rule.Kind.ToString(), rule, expected, ct)) return false;
        var entry = new TableEntity(HistoryPartition(rule.Kind), HistoryRow(rule.Version));
        StorageJson.Write(entry, "State", rule);
        await Table.UpsertEntityAsync(entry, TableUpdateMode.Replace, ct);
        return true;
    }

    /// <summary>A rule's saved versions, newest first (at most <paramref name="max"/>), each with when it was saved (the row's timestamp).</summary>
    public async Task<IReadOnlyList<(CallbackRule Rule, DateTimeOffset SavedAt)>> VersionsAsync(RuleKind kind, int max, CancellationToken ct)
    {
        var versions = new List<(CallbackRule, DateTimeOffset)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {HistoryPartition(kind)}");
        // Row keys sort newest first (the version counted down), so the first page is the newest.
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: ct))
        {
            versions.Add((StorageJson.Read<CallbackRule>(e, "State"), e.Timestamp ?? DateTimeOffset.MinValue));
            if (versions.Count == max) break;
        }
        return versions;
    }

    private static string HistoryPartition(RuleKind kind) => "history-" + kind;

    /// <summary>The version counted down from int.MaxValue, zero-padded: the newest sorts first.</summary>
    private static string HistoryRow(int version) => (int.MaxValue - version).ToString("D10", System.Globalization.CultureInfo.InvariantCulture);

    public Task<bool> TrySaveAsync(AccountState account, ETag? expected, CancellationToken ct) => TrySaveAsync(AccountRow, account, expected, ct);

    private async Task<bool> TrySaveAsync<T>(string row, T value, ETag? expected, CancellationToken ct)
    {
        var entity = new TableEntity(Partition, row);
        StorageJson.Write(entity, "State", value);
        return await Table.TryPutAsync(entity, expected, ct);
    }
}
