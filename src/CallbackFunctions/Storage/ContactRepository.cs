using System.Collections.Immutable;
using Azure;
using Azure.Data.Tables;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;

namespace CallbackFunctions.Storage;

/// <summary>What saving a contact came to: saved (with what it was before), or refused because another contact holds some of its numbers.</summary>
public abstract record ContactSave
{
    /// <summary>Saved as <paramref name="Contact"/>; <paramref name="Before"/> is what was stored before (null: it is new).</summary>
    public sealed record Saved(Stored<Contact> Contact, Contact? Before) : ContactSave;

    /// <summary>Nothing saved: each entry <c>"numbers[i]: already a number of contact X"</c>, keyed by <c>numbers[i]</c>.</summary>
    public sealed record NumbersHeld(IReadOnlyDictionary<string, string> Problems) : ContactSave;
}

/// <summary>
/// Contacts in Table Storage, with the index that makes "a number belongs to at most one contact" (issue 16) hold
/// under concurrency. One table, one partition: a contact's row (RowKey = its id, which starts with a letter or digit:
/// <see cref="IdShape"/>) and one row per number it holds (RowKey = the E.164 number, which starts with '+', so the two
/// never meet; the row names its contact). A contact and its number rows are written in one entity group transaction,
/// so the index and the contacts can never disagree, whatever crashes when: a number row is added (which fails when the
/// number is anyone's already) in the same transaction that writes the contact listing it, and deleted in the one that
/// writes the contact without it. Two contacts claiming one number at once: one transaction wins, the other fails whole.
/// </summary>
public sealed class ContactRepository(StorageAccount storage)
{
    private const string Partition = "contact";
    /// <summary>Ids start with a letter or digit (all at or above '0'); number rows start with '+' (below it).</summary>
    private const string FirstContactKey = "0";
    private const int Rounds = 8;
    private TableClient Table => storage.Contacts;

    public async Task<Stored<Contact>?> GetAsync(string id, CancellationToken ct)
    {
        if (!IdShape.IsValid(id)) return null;
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        return response.HasValue ? new Stored<Contact>(FromEntity(response.Value!), response.Value!.ETag, response.Value.Timestamp) : null;
    }

    /// <summary>
    /// The contact holding <paramref name="e164"/>: the number's row, then its contact (two reads; one for a number
    /// nobody holds). A row whose contact does not list the number (which the transactions never leave, but a hand
    /// edit of the table might) counts as absent.
    /// </summary>
    public async Task<Stored<Contact>?> FindByNumberAsync(string e164, CancellationToken ct)
    {
        if (!Contact.IsE164(e164)) return null;
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, e164, cancellationToken: ct);
        if (!row.HasValue || row.Value!.GetString("ContactId") is not { } owner) return null;
        var contact = await GetAsync(owner, ct);
        return contact is not null && contact.Value.Numbers.Contains(e164, StringComparer.Ordinal) ? contact : null;
    }

    /// <summary>Which contact holds each of <paramref name="numbers"/> (E.164), by its number row; a number nobody holds is left out.</summary>
    public async Task<IReadOnlyDictionary<string, string>> OwnersAsync(IEnumerable<string> numbers, CancellationToken ct) =>
        (await RowsAsync(numbers, ct)).ToDictionary(p => p.Key, p => p.Value.Owner, StringComparer.Ordinal);

    /// <summary>
    /// Contacts by id, after <paramref name="afterId"/> (null: from the first), at most <paramref name="pageSize"/>;
    /// <c>More</c> says whether any follow the last one.
    /// </summary>
    public async Task<(IReadOnlyList<Contact> Items, bool More)> ListAsync(string? afterId, int pageSize, CancellationToken ct)
    {
        var filter = afterId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {FirstContactKey}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {afterId}");
        var items = new List<Contact>();
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(pageSize + 1, 1000), cancellationToken: ct))
        {
            if (items.Count == pageSize) return (items, true);
            items.Add(FromEntity(e));
        }
        return (items, false);
    }

    /// <summary>
    /// Creates or replaces <paramref name="desired"/>'s name, numbers, types, ownership code and campaign, keeping what
    /// its callbacks set (status, status before, live callbacks). Claims the numbers it gains and frees those it drops,
    /// in the same transaction; refused whole, naming each <c>numbers[i]</c>, when another contact holds any. One read
    /// and one transaction when nothing is in the way; after a failed transaction the numbers' rows are read first.
    /// </summary>
    public async Task<ContactSave> SaveAsync(Contact desired, CancellationToken ct)
    {
        for (var round = 0; ; round++)
        {
            var existing = await GetAsync(desired.Id, ct);
            var before = existing?.Value;
            var contact = desired with
            {
                Status = before?.Status ?? ContactStatus.None,
                StatusBefore = before?.StatusBefore,
                LiveCallbacks = before?.LiveCallbacks ?? [],
            };
            var kept = before?.Numbers ?? [];
            var gained = contact.Numbers.Where(n => !kept.Contains(n, StringComparer.Ordinal)).ToList();
            var dropped = kept.Where(n => !contact.Numbers.Contains(n, StringComparer.Ordinal)).ToList();
            if (round > 0)
            {
                // The first try failed: find out why instead of guessing. A number held by another contact is a
                // refusal; a row its contact does not list is stale (none is ever written so; a hand edit) and goes.
                var rows = await RowsAsync([.. gained, .. dropped], ct);
                var held = new SortedDictionary<string, string>(StringComparer.Ordinal);
                for (var i = 0; i < contact.Numbers.Length; i++)
                {
                    var number = contact.Numbers[i];
                    if (!gained.Contains(number, StringComparer.Ordinal) || !rows.TryGetValue(number, out var row)) continue;
                    if (await IsStaleAsync(row, before, ct)) await TryDeleteRowAsync(row, ct);
                    else held[$"numbers[{i}]"] = $"already a number of contact {row.Owner}";
                }
                if (held.Count > 0) return new ContactSave.NumbersHeld(held);
                dropped = [.. dropped.Where(n => rows.TryGetValue(n, out var row) && row.Owner == contact.Id)];
            }
            var actions = new List<TableTransactionAction>
            {
                existing is null
                    ? new(TableTransactionActionType.Add, ToEntity(contact))
                    : new(TableTransactionActionType.UpdateReplace, ToEntity(contact), existing.ETag),
            };
            actions.AddRange(gained.Select(n => new TableTransactionAction(TableTransactionActionType.Add, NumberRow(n, contact.Id))));
            actions.AddRange(dropped.Select(n => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, n), ETag.All)));
            try
            {
                var response = await Table.SubmitTransactionAsync(actions, ct);
                return new ContactSave.Saved(new Stored<Contact>(contact, response.Value[0].Headers.ETag ?? default), before);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404)
            {
                // 409: the contact was made meanwhile, or a number row is there; 412: the contact changed meanwhile;
                // 404: it was deleted meanwhile, or a row it listed is missing. The next round reads and sees which.
                if (round >= Rounds) throw new InvalidOperationException($"contact {desired.Id}: too many concurrent updates", e);
            }
        }
    }

    /// <summary>Deletes the contact and frees its numbers (one transaction); answers what it was, or null when there was none.</summary>
    public async Task<Contact?> DeleteAsync(string id, CancellationToken ct)
    {
        for (var round = 0; ; round++)
        {
            if (await GetAsync(id, ct) is not { } existing) return null;
            IEnumerable<string> numbers = existing.Value.Numbers;
            // After a failed try, only the rows that are there and name it (a missing one would fail the transaction again).
            if (round > 0) numbers = (await RowsAsync(numbers, ct)).Values.Where(r => r.Owner == id).Select(r => r.Number);
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, new TableEntity(Partition, id), existing.ETag) };
            actions.AddRange(numbers.Select(n => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, n), ETag.All)));
            try
            {
                await Table.SubmitTransactionAsync(actions, ct);
                return existing.Value;
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
            {
                if (round >= Rounds) throw new InvalidOperationException($"contact {id}: too many concurrent updates", e);
            }
        }
    }

    /// <summary>A number's row: the contact it names, and its ETag (to delete it only as read).</summary>
    private sealed record NumberRowRead(string Number, string Owner, ETag ETag);

    private async Task<IReadOnlyDictionary<string, NumberRowRead>> RowsAsync(IEnumerable<string> numbers, CancellationToken ct)
    {
        var rows = new System.Collections.Concurrent.ConcurrentDictionary<string, NumberRowRead>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(numbers.Where(Contact.IsE164).Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (number, token) =>
            {
                var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, number, cancellationToken: token);
                if (row.HasValue) rows[number] = new NumberRowRead(number, row.Value!.GetString("ContactId") ?? "", row.Value.ETag);
            });
        return rows;
    }

    /// <summary>Whether the row's contact does not list its number (<paramref name="self"/>: the saving contact as read, to spare a read).</summary>
    private async Task<bool> IsStaleAsync(NumberRowRead row, Contact? self, CancellationToken ct)
    {
        var owner = self is not null && self.Id == row.Owner ? self : (await GetAsync(row.Owner, ct))?.Value;
        return owner is null || !owner.Numbers.Contains(row.Number, StringComparer.Ordinal);
    }

    /// <summary>Deletes a stale row as it was read; one changed or gone meanwhile is left alone (its owner moved first).</summary>
    private async Task TryDeleteRowAsync(NumberRowRead row, CancellationToken ct)
    {
        try { await Table.DeleteEntityAsync(Partition, row.Number, row.ETag, ct); }
        catch (RequestFailedException e) when (e.Status is 404 or 412) { }
    }

    /// <summary>
    /// Stores the contact made for an unknown caller (<see cref="Contact.ForUnknownCaller"/>): its number claimed and
    /// the contact inserted at once. If the number is someone's already (another request of the same caller got there
    /// first, or a contact was made for them meanwhile), answers that contact instead; the same id twice is the same
    /// contact. So two calls at once from one unknown caller make one contact.
    /// </summary>
    public async Task<Stored<Contact>> AddUnknownCallerAsync(Contact contact, CancellationToken ct)
    {
        var number = contact.Numbers.Single();
        for (var round = 0; ; round++)
        {
            try
            {
                var response = await Table.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.Add, ToEntity(contact)),
                    new(TableTransactionActionType.Add, NumberRow(number, contact.Id)),
                ], ct);
                return new Stored<Contact>(contact, response.Value[0].Headers.ETag ?? default);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                if (await FindByNumberAsync(number, ct) is { } holder) return holder;
                // The id is taken by a contact without this number: that contact is the one this id names.
                if (await GetAsync(contact.Id, ct) is { } same) return same;
                // Neither: the number's row names a contact that does not list it (stale); it goes, and we try again.
                if ((await RowsAsync([number], ct)).GetValueOrDefault(number) is { } row && await IsStaleAsync(row, null, ct))
                    await TryDeleteRowAsync(row, ct);
                if (round >= Rounds) throw new InvalidOperationException($"contact {contact.Id}: too many concurrent updates", e);
            }
        }
    }

    /// <summary>
    /// The contact's status follows its callback <paramref name="callbackId"/>, now <paramref name="status"/>
    /// (<see cref="ContactStatuses.Follow"/>, idempotent), saved with its ETag; null when there is no such contact
    /// (deleted meanwhile: nothing to follow).
    /// </summary>
    public async Task<ContactStatusChange?> FollowAsync(string contactId, string callbackId, CallbackStatus status, CancellationToken ct)
    {
        for (var round = 0; ; round++)
        {
            if (await GetAsync(contactId, ct) is not { } existing) return null;
            var change = ContactStatuses.Follow(existing.Value, callbackId, status);
            if (!change.Changed) return change;
            try
            {
                await Table.UpdateEntityAsync(ToEntity(change.Contact), existing.ETag, TableUpdateMode.Replace, ct);
                return change;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                if (round >= Rounds) throw new InvalidOperationException($"contact {contactId}: too many concurrent updates", e);
            }
        }
    }

    private static TableEntity NumberRow(string number, string contactId) => new(Partition, number) { ["ContactId"] = contactId };

    private static TableEntity ToEntity(Contact c)
    {
        var entity = new TableEntity(Partition, c.Id)
        {
            ["Numbers"] = string.Join(',', c.Numbers),
            ["Types"] = string.Join(',', c.Types.Select(t => t.ApiName())),
            ["Status"] = c.Status.ToString(),
        };
        if (c.Name is not null) entity["Name"] = c.Name;
        if (c.OwnershipCode is not null) entity["OwnershipCode"] = c.OwnershipCode;
        if (c.Campaign is not null) entity["Campaign"] = c.Campaign;
        if (c.StatusBefore is { } before) entity["StatusBefore"] = before.ToString();
        if (!c.LiveCallbacks.IsDefaultOrEmpty) entity["LiveCallbacks"] = string.Join(',', c.LiveCallbacks);
        return entity;
    }

    private static Contact FromEntity(TableEntity e) => new()
    {
        Id = e.RowKey,
        Name = e.GetString("Name"),
        Numbers = [.. Split(e.GetString("Numbers"))],
        Types = [.. Split(e.GetString("Types")).Select(t => ContactTypes.TryParse(t, out var type) ? type : ContactType.Unknown)],
        OwnershipCode = e.GetString("OwnershipCode"),
        Campaign = e.GetString("Campaign"),
        Status = Enum.TryParse<ContactStatus>(e.GetString("Status"), out var status) ? status : ContactStatus.None,
        StatusBefore = Enum.TryParse<ContactStatus>(e.GetString("StatusBefore"), out var before) ? before : null,
        LiveCallbacks = [.. Split(e.GetString("LiveCallbacks"))],
    };

    private static string[] Split(string? text) => (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
}
