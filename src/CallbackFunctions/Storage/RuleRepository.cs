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

    /// <summary>Saves a rule if it is still as last read (null ETag: it must not exist yet); false if someone moved first.</summary>
    public Task<bool> TrySaveAsync(CallbackRule rule, ETag? expected, CancellationToken ct) => TrySaveAsync(rule.Kind.ToString(), rule, expected, ct);

    public Task<bool> TrySaveAsync(AccountState account, ETag? expected, CancellationToken ct) => TrySaveAsync(AccountRow, account, expected, ct);

    private async Task<bool> TrySaveAsync<T>(string row, T value, ETag? expected, CancellationToken ct)
    {
        var entity = new TableEntity(Partition, row);
        StorageJson.Write(entity, "State", value);
        return await Table.TryPutAsync(entity, expected, ct);
    }
}
