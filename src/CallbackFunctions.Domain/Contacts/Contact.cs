using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace CallbackFunctions.Domain.Contacts;

/// <summary>
/// seed 004 "call type": what the contact center knows a caller as. A contact may be several at once ("callers who are
/// both a Customer and an active Lead will show both labels"); <see cref="Unknown"/> is a caller the center did not
/// recognise, whose contact was made for them (<see cref="UnknownCallers"/>), and stands alone.
/// </summary>
public enum ContactType
{
    Lead,
    Customer,
    PreviousCustomer,
    Unknown,
}

/// <summary>
/// A person the contact center calls back (seed 000's "lead", seed 004's lead, customer or previous customer): their
/// numbers, who may call them (<see cref="Campaign"/>, <see cref="OwnershipCode"/>, read by <see cref="Agents.Eligibility"/>)
/// and the status the rest of the contact center sees (<see cref="ContactStatuses"/>).
/// </summary>
public sealed partial record Contact
{
    public const int MaxName = 100;
    public const int MaxNumbers = 10;

    public required string Id { get; init; }
    /// <summary>The name the agent's alert shows and the whisper speaks; null for an unknown caller.</summary>
    public string? Name { get; init; }
    /// <summary>E.164, normalised at the edge; a number belongs to at most one contact (<see cref="ContactBook"/>).</summary>
    public required ImmutableArray<string> Numbers { get; init; }
    public required ImmutableSortedSet<ContactType> Types { get; init; }
    /// <summary>seed 000: a privately owned contact's code; only agents with it call them back. Null = common.</summary>
    public string? OwnershipCode { get; init; }
    /// <summary>seed 000: the campaign the contact belongs to; only agents with access to it call them back. Null = none.</summary>
    public string? Campaign { get; init; }

    /// <summary>What the contact center sees; <see cref="ContactStatus.DialbackQueued"/> while a callback for them is live.</summary>
    public ContactStatus Status { get; init; } = ContactStatus.None;
    /// <summary>seed 000: the status the contact had before their callback; kept while one is live, restored when the last leaves.</summary>
    public ContactStatus? StatusBefore { get; init; }
    /// <summary>The ids of their live callbacks (one per queue at most): the contact stays DialbackQueued until the last leaves.</summary>
    public ImmutableArray<string> LiveCallbacks { get; init; } = [];

    /// <summary>seed 000: privately owned (only its owner's agents), as opposed to common.</summary>
    public bool IsPrivate => OwnershipCode is not null;

    /// <summary>Made for a caller nobody knew (<see cref="UnknownCallers"/>), and not since told who they are.</summary>
    public bool IsUnknownCaller => Types.Count == 1 && Types.Contains(ContactType.Unknown);

    /// <summary>
    /// seed 000 "Connect as new": a contact for an unknown caller, with only the number they called from, type unknown.
    /// </summary>
    public static Contact ForUnknownCaller(string id, string number) => new()
    {
        Id = id,
        Numbers = [number],
        Types = [ContactType.Unknown],
    };

    /// <summary>
    /// Every problem with this contact at once, each <c>"field: what is wrong"</c> with the API's field names (name,
    /// numbers, numbers[i], types, ownershipCode, campaign). The id comes from the route and is checked there
    /// (<see cref="IdShape"/>); whether a number is another contact's is <see cref="ContactBook"/>'s question.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Name is not null)
        {
            if (string.IsNullOrWhiteSpace(Name)) problems.Add("name: not blank (leave it out for none)");
            else if (Name.Length > MaxName) problems.Add($"name: at most {MaxName} characters");
        }
        if (Numbers.IsDefaultOrEmpty) problems.Add("numbers: at least one");
        else
        {
            if (Numbers.Length > MaxNumbers) problems.Add($"numbers: at most {MaxNumbers}");
            for (var i = 0; i < Numbers.Length; i++)
            {
                if (!IsE164(Numbers[i])) problems.Add($"numbers[{i}]: not an E.164 number (like +15551231234)");
                else if (Numbers.IndexOf(Numbers[i]) is var first && first < i) problems.Add($"numbers[{i}]: the same number as numbers[{first}]");
            }
        }
        if (Types is null || Types.IsEmpty) problems.Add("types: at least one of lead, customer, previousCustomer, unknown");
        else if (Types.Contains(ContactType.Unknown) && Types.Count > 1) problems.Add("types: unknown stands alone (not with lead, customer or previousCustomer)");
        if (OwnershipCode is not null && !IdShape.IsValid(OwnershipCode)) problems.Add($"ownershipCode: {IdShape.Expected}, or null for a common contact");
        if (Campaign is not null && !IdShape.IsValid(Campaign)) problems.Add($"campaign: {IdShape.Expected}, or null for none");
        return problems;
    }

    /// <summary>The shape of a normalised number: '+', a country code not starting with 0, at most 15 digits in all.</summary>
    public static bool IsE164(string? number) => number is not null && E164().IsMatch(number);

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
