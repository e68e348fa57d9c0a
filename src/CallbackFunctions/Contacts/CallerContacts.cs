using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Contacts;

/// <summary>
/// The contact side of a callback (issue 16): whose callback a request makes, looked up by the number the customer
/// called from (one read; an unknown caller under <c>createContact</c> gets a contact made for them), and the contact's
/// status following its callbacks (seed 000: DialbackQueued while one is live, the status before once it leaves).
/// Every step is idempotent: a repeated request finds the same contact, and a status applied twice changes nothing.
/// </summary>
public sealed class CallerContacts(ContactRepository contacts, Rules.RuleBook book, ILogger<CallerContacts> logger)
{
    /// <summary>The id of the contact made for an unknown caller whose request makes <paramref name="callbackId"/>: a rerun makes the same.</summary>
    public static string UnknownCallerId(string callbackId) => "u-" + callbackId;

    /// <summary>
    /// The contact a request from <paramref name="number"/> (E.164) that makes <paramref name="callbackId"/> belongs to,
    /// as the callback keeps it; null when none (an unknown caller under <see cref="UnknownCallerPolicy.Ignore"/>).
    /// </summary>
    public async Task<ContactRef?> ForCallerAsync(string number, string callbackId, UnknownCallerPolicy policy, CancellationToken ct)
    {
        var found = (await contacts.FindByNumberAsync(number, ct))?.Value;
        switch (UnknownCallers.Decide(policy, found, number, UnknownCallerId(callbackId)))
        {
            case CallerContact.Known known:
                return ContactRef.Of(known.Contact);
            case CallerContact.Create create:
                // Noted first: were unknown callers ignored later on, this contact is still looked up.
                await book.NoteContactsAsync(ct);
                var made = await contacts.AddUnknownCallerAsync(create.Contact, ct);
                ContactLog.UnknownCallerContact(logger, made.Value.Id, PhoneMask.Mask(number), callbackId);
                return ContactRef.Of(made.Value);
            default:
                return null;
        }
    }

    /// <summary>The callback's contact, if it has one, follows the callback's status (<see cref="ContactStatuses.Follow"/>).</summary>
    public async Task FollowAsync(Callback callback, CancellationToken ct)
    {
        if (callback.Contact is not { } contact) return;
        if (await contacts.FollowAsync(contact.Id, callback.Id, callback.Status, ct) is { Changed: true } change)
            ContactLog.StatusFollowed(logger, contact.Id, callback.Id, callback.Status.ToString(), change.Contact.Status.ToString());
    }
}
