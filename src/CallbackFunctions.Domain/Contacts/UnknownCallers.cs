namespace CallbackFunctions.Domain.Contacts;

/// <summary>
/// The account's <c>unknownCallers</c> setting, seed 000 "Action on no Lead found": what happens when a caller matches
/// no contact. <see cref="Ignore"/> is the default: the callback goes on with the number only, as before contacts.
/// </summary>
public enum UnknownCallerPolicy
{
    /// <summary>No contact is made; the callback knows the number only.</summary>
    Ignore,
    /// <summary>seed 000 "Connect as new": a contact with only the number, type unknown.</summary>
    CreateContact,
}

/// <summary>Whose callback this is: a known contact, a contact to create first, or nobody's.</summary>
public abstract record CallerContact
{
    /// <summary>The caller's number belongs to this contact.</summary>
    public sealed record Known(Contact Contact) : CallerContact;

    /// <summary>Store this new contact (type unknown, the number only), then make the callback for it.</summary>
    public sealed record Create(Contact Contact) : CallerContact;

    /// <summary>No contact: the callback goes on with the number only.</summary>
    public sealed record None(string Reason) : CallerContact;
}

public static class UnknownCallers
{
    /// <summary>
    /// The contact a callback for <paramref name="number"/> belongs to. <paramref name="found"/>: the contact holding
    /// the number, if any (<see cref="ContactBook.FindByNumber"/>). <paramref name="newContactId"/>: the id a created
    /// contact takes; derive it from the call (not the number, which would put it in logs) so that a rerun makes the
    /// same contact.
    /// </summary>
    public static CallerContact Decide(UnknownCallerPolicy policy, Contact? found, string number, string newContactId) =>
        (found, policy) switch
        {
            ({ } contact, _) => new CallerContact.Known(contact),
            (null, UnknownCallerPolicy.CreateContact) => new CallerContact.Create(Contact.ForUnknownCaller(newContactId, number)),
            (null, UnknownCallerPolicy.Ignore) => new CallerContact.None("no contact has this number; unknownCallers is ignore"),
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
        };
}
