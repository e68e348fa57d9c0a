using System.Collections.Immutable;
using CallbackFunctions.Domain.Agents;

namespace CallbackFunctions.Domain.Contacts;

/// <summary>
/// What a callback keeps of its contact (issue 16): who they are for the agent's alert and whisper (name, type labels),
/// and who may call them (campaign, ownership code). Taken when a request for the callback arrives, and replaced when the
/// contact is changed or deleted (<see cref="Callbacks.ContactChanged"/>), so the offer reads nothing more.
/// </summary>
public sealed record ContactRef(string Id, string? Name, ImmutableSortedSet<ContactType> Types, string? Campaign, string? OwnershipCode)
{
    public static ContactRef Of(Contact contact) => new(contact.Id, contact.Name, contact.Types, contact.Campaign, contact.OwnershipCode);

    public ContactAccess Access => new(Campaign, OwnershipCode);

    /// <summary>Whether two references say the same (records compare their type sets by reference).</summary>
    public static bool Same(ContactRef? a, ContactRef? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Id == b.Id && a.Name == b.Name && a.Types.SetEquals(b.Types)
            && a.Campaign == b.Campaign && a.OwnershipCode == b.OwnershipCode);

    /// <summary>The labels seed 004's alert shows, in order: "lead", "customer", "previous customer", or "unknown".</summary>
    public IReadOnlyList<string> Labels => [.. Types.Select(ContactTypes.Label)];
}

public static class ContactTypes
{
    /// <summary>The API's name of a type: lead, customer, previousCustomer, unknown.</summary>
    public static string ApiName(this ContactType type) => type switch
    {
        ContactType.Lead => "lead",
        ContactType.Customer => "customer",
        ContactType.PreviousCustomer => "previousCustomer",
        ContactType.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Reads an API name (exact, as <see cref="ApiName"/> writes it).</summary>
    public static bool TryParse(string? name, out ContactType type)
    {
        foreach (var candidate in Enum.GetValues<ContactType>())
            if (string.Equals(candidate.ApiName(), name, StringComparison.Ordinal)) { type = candidate; return true; }
        type = default;
        return false;
    }

    /// <summary>seed 004's words for a type: "lead", "customer", "previous customer", "unknown".</summary>
    public static string Label(ContactType type) => type switch
    {
        ContactType.PreviousCustomer => "previous customer",
        _ => type.ApiName(),
    };
}
