using System.Buffers.Text;
using System.Collections.Immutable;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;
using CallbackFunctions.Http;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CallbackFunctions.Contacts;

/// <summary>A contact, as <c>PUT /api/contacts/{id}</c> takes it. Every bad field is named at once.</summary>
/// <param name="Name">The name the agent's callback alert shows and the whisper speaks: 1 to 100 characters (trimmed), no control characters; null or left out for none.</param>
/// <param name="Numbers">The contact's phone numbers, 1 to 10, each in any format a phone number takes (<c>(415) 555-0100</c>, <c>+14155550100</c>); stored in E.164. A number belongs to at most one contact.</param>
/// <param name="Types">What the contact center knows them as: one or more of <c>lead</c>, <c>customer</c>, <c>previousCustomer</c>; or <c>unknown</c> alone.</param>
/// <param name="OwnershipCode">A privately owned contact's code (only agents with it call them back): letters, digits, <c>_</c>, <c>.</c>, <c>-</c>, at most 64; null for a common contact.</param>
/// <param name="Campaign">The campaign they belong to (only agents with it call them back): letters, digits, <c>_</c>, <c>.</c>, <c>-</c>, at most 64; null for none.</param>
public sealed record ContactBody(string? Name, [Required] List<string>? Numbers, [Required] List<string>? Types, string? OwnershipCode = null, string? Campaign = null);

/// <summary>One line of <c>POST /api/contacts:import</c>: a contact's id and the fields <c>PUT /api/contacts/{id}</c> takes.</summary>
/// <param name="Id">The contact's id: letters, digits, <c>_</c>, <c>.</c>, <c>-</c>, starting with a letter or digit, at most 64.</param>
/// <param name="Name">The name the agent's callback alert shows: 1 to 100 characters, no control characters; null for none.</param>
/// <param name="Numbers">1 to 10 phone numbers, in any format a phone number takes; stored in E.164.</param>
/// <param name="Types">One or more of <c>lead</c>, <c>customer</c>, <c>previousCustomer</c>; or <c>unknown</c> alone.</param>
/// <param name="OwnershipCode">A privately owned contact's code (id-shaped); null for a common contact.</param>
/// <param name="Campaign">The contact's campaign (id-shaped); null for none.</param>
public sealed record ContactImportLine([Required] string? Id, string? Name, [Required] List<string>? Numbers, [Required] List<string>? Types,
    string? OwnershipCode = null, string? Campaign = null);

/// <summary>A contact.</summary>
/// <param name="Id">The contact's id.</param>
/// <param name="Name">The contact's name; null for none (an unknown caller's contact).</param>
/// <param name="Numbers">The contact's numbers, E.164 (1 to 10).</param>
/// <param name="Types">What the contact center knows them as: <c>lead</c>, <c>customer</c>, <c>previousCustomer</c>, or <c>unknown</c>.</param>
/// <param name="OwnershipCode">The private owner's code; null for a common contact.</param>
/// <param name="Campaign">The contact's campaign; null for none.</param>
/// <param name="Status">What the contact center sees: <c>DialbackQueued</c> while a callback for them is live, <c>AutomaticRedial</c> for an unknown caller never reached, else <c>None</c>. Set by their callbacks, never by a PUT.</param>
/// <param name="LiveCallbacks">The ids of their live callbacks.</param>
public sealed record ContactView(string Id, string? Name, IReadOnlyList<string> Numbers, IReadOnlyList<string> Types, string? OwnershipCode, string? Campaign,
    ContactStatus Status, IReadOnlyList<string> LiveCallbacks)
{
    public static ContactView From(Contact c) =>
        new(c.Id, c.Name, c.Numbers, [.. c.Types.Select(t => t.ApiName())], c.OwnershipCode, c.Campaign, c.Status, c.LiveCallbacks.IsDefault ? [] : c.LiveCallbacks);
}

/// <summary>Contacts, by id.</summary>
/// <param name="Items">The contacts (at most <c>pageSize</c>; 0 or 1 when asked by number).</param>
/// <param name="ContinuationToken">Pass it as <c>continuationToken</c> for the next page; null on the last page.</param>
public sealed record ContactList(IReadOnlyList<ContactView> Items, string? ContinuationToken = null);

/// <summary>What an import wrote.</summary>
/// <param name="Imported">How many contacts were created or replaced (every line of the file).</param>
public sealed record ContactImportResult(int Imported);

/// <summary>
/// <c>/api/contacts</c>: the people the contact center calls back (issue 16), their numbers (each at most one
/// contact's), who may call them (campaign, ownership code), and the status their callbacks give them.
/// </summary>
public sealed class ContactFunctions(ContactRepository contacts, Rules.RuleBook book, PhoneNumberNormalizer normalizer, CallbackRuns runs,
    LiveCallbackContacts liveCallbacks, ILogger<ContactFunctions> logger)
{
    /// <summary>At most this many contacts on a page of the list, and in one import.</summary>
    public const int MaxPage = 1000;
    public const int MaxImportLines = 1000;
    /// <summary>An import's body: 1,000 lines of about a kilobyte each at most (a name, ten numbers, codes) with room to spare.</summary>
    public const int MaxImportBytes = 2 * 1024 * 1024;
    /// <summary>JSON lines, as its media types name it; plain JSON too (each line is JSON).</summary>
    public static readonly string[] ImportMediaTypes = ["application/x-ndjson", "application/jsonl", "application/json"];

    private const string IdText = "id: the contact's id: letters, digits, `_`, `.`, `-`, starting with a letter or digit; at most 64";

    [ApiOperation("Contacts", "List contacts by id (paged, at most 1,000 a page), or find the one holding a number.",
        Query = ["number: only the contact holding this number (any format a phone number takes; compared in E.164): 0 or 1 item",
            "pageSize (integer): 1 to 1000 (1000)", "continuationToken: the one the page before gave"],
        Answer = typeof(ContactList), Responses = ["200: The contacts, by id"])]
    [Function("ListContacts")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/contacts")] HttpRequest request, CancellationToken ct)
    {
        if (!RequestValues.TryNumber(request, "pageSize", out var pageSize, out var problem)) return problem!;
        var errors = new Dictionary<string, string[]>();
        string? number = null;
        if (RequestValues.Text(request, "number") is { } raw)
        {
            // An unescaped '+' in a query arrives as a space.
            var n = normalizer.Normalize(raw.StartsWith(' ') ? "+" + raw.TrimStart() : raw);
            if (n.IsValid) number = n.E164;
            else errors["number"] = [$"not a valid phone number ({n.Problem})"];
        }
        var size = pageSize ?? MaxPage;
        if (size is < 1 or > MaxPage) errors["pageSize"] = [$"between 1 and {MaxPage}"];
        string? after = null;
        if (RequestValues.Text(request, "continuationToken") is { } token && !PageToken.TryRead(token, out after))
            errors["continuationToken"] = ["not a token this API gave out"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (number is not null)
            return TypedResults.Ok(new ContactList(await contacts.FindByNumberAsync(number, ct) is { } found ? [ContactView.From(found.Value)] : []));
        var (items, more) = await contacts.ListAsync(after, size, ct);
        return TypedResults.Ok(new ContactList([.. items.Select(ContactView.From)], more ? PageToken.Write(items[^1].Id) : null));
    }

    [ApiOperation("Contacts", "Get one contact.", Path = [IdText], Answer = typeof(ContactView), Responses = ["200: The contact", "404: No such contact"])]
    [Function("GetContact")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/contacts/{id}")] HttpRequest request, string id, CancellationToken ct) =>
        await contacts.GetAsync(id, ct) is { } stored ? TypedResults.Ok(ContactView.From(stored.Value)) : NotFound(id);

    [ApiOperation("Contacts", "Create or replace a contact (its status and live callbacks are kept); its live callbacks learn the change.", Path = [IdText],
        Body = typeof(ContactBody), Answer = typeof(ContactView),
        Responses = ["200: The contact as saved (numbers in E.164)", "400: A bad id or field: every field's error at once (`numbers[i]` for each bad number)",
            "409: Another contact holds some of the numbers: `errors` names each `numbers[i]` and whose it is; nothing saved"])]
    [Function("PutContact")]
    public Task<IResult> Put([HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/contacts/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<ContactBody>(request, body => PutAsync(id, body, client, ct), ct);

    [ApiOperation("Contacts", "Delete a contact and free its numbers; its live callbacks go on with the number only.", Path = [IdText],
        Responses = ["204: Deleted", "404: No such contact"])]
    [Function("DeleteContact")]
    public async Task<IResult> Delete([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "api/contacts/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        // issue 16 §4: a deleted contact's name and types leave its live callbacks; they keep the number. They are told
        // first: if telling fails, the contact is still there and the DELETE can be sent again (a callback told twice
        // ignores the second).
        if (await contacts.GetAsync(id, ct) is not { } existing) return NotFound(id);
        foreach (var callbackId in existing.Value.LiveCallbacks) await runs.SendAsync(client, callbackId, new ContactChanged(id, null), ct);
        if (await contacts.DeleteAsync(id, ct) is not { } deleted) return NotFound(id);
        // A callback that became live meanwhile is told too.
        foreach (var callbackId in deleted.LiveCallbacks.Except(existing.Value.LiveCallbacks)) await runs.SendAsync(client, callbackId, new ContactChanged(id, null), ct);
        ContactLog.Deleted(logger, id, deleted.LiveCallbacks.Length);
        return TypedResults.NoContent();
    }

    [ApiOperation("Contacts", "Import up to 1,000 contacts from JSON lines (one contact per line: `id` and the fields of a PUT), all or nothing. " +
        "Every line is checked first (its fields, ids and numbers repeated within the file, numbers other contacts hold); any problem answers 400 " +
        "naming each bad line (`errors`: `{\"line 3\": [\"numbers[0]: ...\"]}`) and nothing is written. Otherwise each line creates or replaces its contact " +
        "(status and live callbacks kept), so sending the same file again is harmless: if storage fails halfway (a 503 or 500), or a PUT took a number " +
        "between the check and the write (409), some lines may be written: send the same file again.",
        Body = typeof(ContactImportLine), BodyMediaTypes = ["application/x-ndjson"], Answer = typeof(ContactImportResult),
        Responses = ["200: Every line imported: how many", "400: Bad lines, each with its errors (`errors`, keyed `line N`); nothing written",
            "409: A number was taken by another contact while the file was written (`errors`, keyed `line N`): the other lines were written; send the file again once resolved",
            "413: Over 1,000 lines, or a body over 2 MiB; nothing written", "415: A body that is not `application/x-ndjson` (or `application/jsonl`, `application/json`) in UTF-8"])]
    [Function("ImportContacts")]
    public async Task<IResult> Import([HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/contacts:import")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        var (text, problem) = await ReadImportAsync(request, ct);
        if (text is null) return problem!;
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var lines = text.Split('\n').Select((line, i) => (Number: i + 1, Text: line.TrimEnd('\r'))).Where(l => !string.IsNullOrWhiteSpace(l.Text)).ToList();
        if (lines.Count > MaxImportLines)
            return TypedResults.Problem($"at most 1,000 contacts (one per line) in one import; this body has {lines.Count}: split the file",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        if (lines.Count == 0) return TypedResults.Problem("no contacts: one JSON object per line", statusCode: StatusCodes.Status400BadRequest);

        var errors = new SortedDictionary<int, List<string>>();
        void Add(int line, string error) => (errors.TryGetValue(line, out var list) ? list : errors[line] = []).Add(error);
        // Each line on its own; a line with bad fields is still checked against the others and the store, by the
        // id and the numbers it has that are good, so that every problem is named at once.
        var read = new List<(int Line, string? Id, IReadOnlyList<string?> Numbers, Contact? Contact)>();
        foreach (var (number, line) in lines)
        {
            var (body, unreadable) = ReadLine(line, options);
            if (body is null) { Add(number, unreadable!); continue; }
            var (contact, problems, numbers) = Read(body.Id, body.Name, body.Numbers, body.Types, body.OwnershipCode, body.Campaign);
            foreach (var (field, what) in problems) foreach (var w in what) Add(number, $"{field}: {w}");
            read.Add((number, IdShape.IsValid(body.Id) ? body.Id : null, numbers, contact));
        }
        // Within the file: an id or a number twice.
        var idLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var numberLines = new Dictionary<string, (int Line, string? Id)>(StringComparer.Ordinal);
        foreach (var (line, id, numbers, _) in read)
        {
            if (id is not null && !idLines.TryAdd(id, line)) Add(line, $"id: {id} is on line {idLines[id]} too");
            for (var i = 0; i < numbers.Count; i++)
                if (numbers[i] is { } n && !numberLines.TryAdd(n, (line, id)) && numberLines[n].Line != line && (id is null || numberLines[n].Id != id))
                    Add(line, $"numbers[{i}]: also a number of contact {numberLines[n].Id ?? "(a bad id)"} (line {numberLines[n].Line})");
        }
        // In the store: a number another contact holds.
        var owners = await contacts.OwnersAsync(numberLines.Keys, ct);
        foreach (var (line, id, numbers, _) in read)
            for (var i = 0; i < numbers.Count; i++)
                if (numbers[i] is { } n && owners.TryGetValue(n, out var owner) && owner != id)
                    Add(line, $"numbers[{i}]: already a number of contact {owner}" +
                        (idLines.ContainsKey(owner) ? " (which this file imports too: free the number with a PUT of that contact first)" : ""));
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors.ToDictionary(e => $"line {e.Key}", e => e.Value.ToArray()),
                detail: $"{errors.Count} of {lines.Count} lines are refused; nothing was imported");

        // Before the first contact is written: from then on every request looks its caller up (CallerContacts).
        await book.NoteContactsAsync(ct);
        var held = new System.Collections.Concurrent.ConcurrentDictionary<int, string[]>();
        await Parallel.ForEachAsync(read, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (item, token) =>
        {
            switch (await contacts.SaveAsync(item.Contact!, token))
            {
                case ContactSave.Saved saved: await TellAsync(saved, client, token); break;
                case ContactSave.NumbersHeld refused: held[item.Line] = [.. refused.Problems.Select(p => $"{p.Key}: {p.Value}")]; break;
            }
        });
        if (!held.IsEmpty)
        {
            ContactLog.ImportRaced(logger, read.Count - held.Count, read.Count);
            return TypedResults.Problem(new HttpValidationProblemDetails(held.OrderBy(h => h.Key).ToDictionary(h => $"line {h.Key}", h => h.Value))
            {
                Title = "Numbers taken meanwhile",
                Detail = $"{read.Count - held.Count} of {read.Count} contacts were imported; the lines named were not, their numbers taken by other contacts since the check",
                Status = StatusCodes.Status409Conflict,
            });
        }
        ContactLog.Imported(logger, read.Count);
        return TypedResults.Ok(new ContactImportResult(read.Count));
    }

    private async Task<IResult> PutAsync(string id, ContactBody body, DurableTaskClient client, CancellationToken ct)
    {
        var (contact, errors, _) = Read(id, body.Name, body.Numbers, body.Types, body.OwnershipCode, body.Campaign);
        if (contact is null) return TypedResults.ValidationProblem(errors);
        // Before the first contact is written: from then on every request looks its caller up (CallerContacts).
        await book.NoteContactsAsync(ct);
        switch (await contacts.SaveAsync(contact, ct))
        {
            case ContactSave.Saved saved:
                ContactLog.Saved(logger, id, saved.Contact.Value.Numbers.Length, saved.Before is null);
                await TellAsync(saved, client, ct);
                return TypedResults.Ok(ContactView.From(saved.Contact.Value));
            case ContactSave.NumbersHeld held:
                ContactLog.NumbersHeld(logger, id, string.Join(", ", held.Problems.Keys.Select(k => PhoneMaskOf(contact, k))));
                return TypedResults.Problem(new HttpValidationProblemDetails(held.Problems.ToDictionary(p => p.Key, p => new[] { p.Value }))
                {
                    Title = "Numbers held by other contacts",
                    Detail = "A number belongs to at most one contact: remove it from the other contact first. Nothing was saved.",
                    Status = StatusCodes.Status409Conflict,
                });
            case var other:
                throw new InvalidOperationException(other.ToString());
        }
    }

    /// <summary>
    /// A contact's live callbacks learn what they now show (name, types, campaign, ownership code). Told on every PUT, even
    /// one that changed nothing for them: a PUT repeated after telling failed tells them then (a callback ignores a
    /// contact it already shows). Callbacks for its numbers made before it existed take it now.
    /// </summary>
    private async Task TellAsync(ContactSave.Saved saved, DurableTaskClient client, CancellationToken ct)
    {
        var contact = saved.Contact.Value;
        foreach (var callbackId in contact.LiveCallbacks)
            await runs.SendAsync(client, callbackId, new ContactChanged(contact.Id, ContactRef.Of(contact)), ct);
        await liveCallbacks.GiveAsync(client, contact, ct);
    }

    private static string PhoneMaskOf(Contact contact, string key) =>
        int.TryParse(key.AsSpan("numbers[".Length, key.Length - "numbers[]".Length), out var i) && i < contact.Numbers.Length
            ? Domain.Telephony.PhoneMask.Mask(contact.Numbers[i]) : key;

    /// <summary>
    /// A contact from the fields a PUT or an import line gives: numbers normalised (each bad one as <c>numbers[i]</c>),
    /// types read by their API names, and every problem <see cref="Contact.Validate"/> finds; null with the errors by field.
    /// <c>Numbers</c>: each given number in E.164, null where it is not one (to check against other contacts all the same).
    /// </summary>
    private (Contact? Contact, Dictionary<string, string[]> Errors, IReadOnlyList<string?> Numbers) Read(string? id, string? name, List<string>? numbers, List<string>? types,
        string? ownershipCode, string? campaign)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string what) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(what);
        if (!IdShape.IsValid(id)) Add("id", IdShape.Expected);
        if (name is not null && name.Any(char.IsControl)) Add("name", "no control characters (line breaks, tabs, ...)");

        var given = numbers ?? [];
        var e164 = new List<string>();
        var normalized = new List<string?>();
        if (given.Count > Contact.MaxNumbers) Add("numbers", $"at most {Contact.MaxNumbers} (this list has {given.Count})");
        else
            for (var i = 0; i < given.Count; i++)
            {
                var n = normalizer.Normalize(given[i]);
                normalized.Add(n.E164);
                if (n.IsValid) e164.Add(n.E164!);
                else
                {
                    Add($"numbers[{i}]", $"not a valid phone number ({n.Problem})");
                    e164.Add(given[i] ?? ""); // keeps the indexes; Validate's own word on it is not added below
                }
            }
        var parsed = ImmutableSortedSet.CreateBuilder<ContactType>();
        var typeList = types ?? [];
        for (var i = 0; i < typeList.Count; i++)
        {
            if (ContactTypes.TryParse(typeList[i], out var type)) parsed.Add(type);
            else Add($"types[{i}]", "one of lead, customer, previousCustomer, unknown");
        }
        var contact = new Contact
        {
            Id = id ?? "",
            Name = name is null || string.IsNullOrWhiteSpace(name) ? name : name.Trim(),
            Numbers = [.. e164],
            Types = parsed.ToImmutable(),
            OwnershipCode = ownershipCode,
            Campaign = campaign,
        };
        var refused = errors.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var problem in contact.Validate())
        {
            var (field, what) = FieldProblems.Split(problem);
            // A number or list already refused above is said once ("numbers[1]: not E.164" after "not a valid phone
            // number"; "types: at least one" after every type was unknown).
            if ((field.StartsWith("numbers[", StringComparison.Ordinal) && refused.Contains(field))
                || (field == "types" && refused.Any(b => b.StartsWith("types[", StringComparison.Ordinal)))
                || (field == "numbers" && given.Count > Contact.MaxNumbers)) continue;
            Add(field, what);
        }
        return (errors.Count > 0 ? null : contact, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), normalized);
    }

    /// <summary>One line of an import as its record, or what is wrong with it.</summary>
    private static (ContactImportLine? Body, string? Error) ReadLine(string line, JsonSerializerOptions options)
    {
        try
        {
            return JsonSerializer.Deserialize<ContactImportLine>(line, options) is { } body
                ? (body, null)
                : (null, "not a contact: one JSON object per line");
        }
        catch (JsonException e) when (e.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var name = System.Text.RegularExpressions.Regex.Match(e.Message, "property '([^']*)'") is { Success: true } m ? RequestValues.Quote(m.Groups[1].Value) : "a field";
            return (null, $"unknown field {name}; a line takes id, name, numbers, types, ownershipCode, campaign");
        }
        catch (JsonException e)
        {
            var at = e.BytePositionInLine is { } b ? $" at byte {b + 1}" : "";
            return (null, $"not valid JSON for a contact{at}: {JsonProblems.Describe(e, typeof(ContactImportLine), options)}");
        }
    }

    /// <summary>The import's body as text, within <see cref="MaxImportBytes"/>, or the problem with it (413, 415, 400).</summary>
    private static async Task<(string? Text, IResult? Problem)> ReadImportAsync(HttpRequest request, CancellationToken ct)
    {
        var tooLarge = $"the body is over the {MaxImportBytes / 1024 / 1024} MiB limit of an import (at most 1,000 contacts, one per line): split the file";
        if (request.ContentLength > MaxImportBytes) return (null, TypedResults.Problem(tooLarge, statusCode: StatusCodes.Status413PayloadTooLarge));
        if (request.ContentLength is null && request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = MaxImportBytes;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !ImportMediaTypes.Contains(type.MediaType.ToString(), StringComparer.OrdinalIgnoreCase))
            return (null, TypedResults.Problem($"an import is JSON lines: Content-Type application/x-ndjson (or application/jsonl, application/json); got " +
                (string.IsNullOrEmpty(request.ContentType) ? "none" : RequestValues.Quote(type?.MediaType.ToString() ?? request.ContentType)),
                statusCode: StatusCodes.Status415UnsupportedMediaType));
        if (type.Charset is { Length: > 0 } charset && !string.Equals(charset.ToString().Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase))
            return (null, TypedResults.Problem($"an import is UTF-8; got charset {RequestValues.Quote(charset.ToString())}", statusCode: StatusCodes.Status415UnsupportedMediaType));
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            if (buffer.Length > MaxImportBytes) return (null, TypedResults.Problem(tooLarge, statusCode: StatusCodes.Status413PayloadTooLarge));
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, TypedResults.Problem("the body is not valid UTF-8", statusCode: StatusCodes.Status400BadRequest));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TypedResults.Problem(tooLarge, statusCode: StatusCodes.Status413PayloadTooLarge));
        }
        catch (BadHttpRequestException e)
        {
            return (null, TypedResults.Problem($"the body could not be read: {e.Message}", statusCode: StatusCodes.Status400BadRequest));
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            return (null, TypedResults.Problem("the body ended before it was complete", statusCode: StatusCodes.Status400BadRequest));
        }
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Contact not found", detail: $"There is no contact {RequestValues.Quote(id)}.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>A page token: the last id of the page before, base64url-encoded (opaque, so nobody builds one by hand).</summary>
    private static class PageToken
    {
        public static string Write(string lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastId));

        public static bool TryRead(string token, out string? lastId)
        {
            lastId = null;
            try
            {
                var id = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
                if (!IdShape.IsValid(id)) return false;
                lastId = id;
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }
}
