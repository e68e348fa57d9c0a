using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Contacts;

/// <summary>
/// A contact's status as the rest of the contact center sees it, named as seed 000 names them. Only the statuses our
/// callbacks set are here; a CRM's own (seed 000's "Private redial", "Common redial") join when the API lets one be set.
/// The callback's own outcomes (seed 000's "Dialback Cancelled", "Dialback Expired") are the callback's statuses
/// (<see cref="CallbackStatus"/>), not the contact's.
/// </summary>
public enum ContactStatus
{
    /// <summary>Nothing pending.</summary>
    None,
    /// <summary>seed 000: a callback for them is live ("placed in a Dial-back queue, with the status DialbackQueued").</summary>
    DialbackQueued,
    /// <summary>seed 000: a contact made for an unknown caller who was never reached ("saved with an Automatic Redial status").</summary>
    AutomaticRedial,
}

/// <summary>What a callback's status change did to its contact: the contact as it is now, or why nothing changed.</summary>
public sealed record ContactStatusChange(Contact Contact, string? IgnoredBecause = null)
{
    public bool Changed => IgnoredBecause is null;
}

/// <summary>
/// seed 000 "Dial-back logic": the contact's status follows their callbacks. Pure and idempotent: the same callback
/// status applied twice changes nothing the second time (the contact keeps the ids of its live callbacks), so a
/// redelivered event or a rerun activity cannot lose the status the contact had before.
/// </summary>
public static class ContactStatuses
{
    /// <summary>
    /// The callback <paramref name="callbackId"/> for <paramref name="contact"/> is now <paramref name="status"/>.
    /// <list type="bullet">
    /// <item>Live (queued or dialling): the contact shows <see cref="ContactStatus.DialbackQueued"/>, keeping the status it
    /// had before (seed 000: "placed in a Dial-back queue, with the status DialbackQueued").</item>
    /// <item>It left the line (completed, cancelled, expired, failed) and no other callback for them is live: the contact
    /// gets back the status it had before (seed 000: "the Lead will revert to the status it had before the Dial-back
    /// call"); except a contact made for an unknown caller never reached (expired, failed), which becomes
    /// <see cref="ContactStatus.AutomaticRedial"/> (seed 000: "If there is no answer from the Lead during the Dial-back,
    /// then the Lead will be saved with an Automatic Redial status"). The callback that leaves last decides.</item>
    /// </list>
    /// </summary>
    public static ContactStatusChange Follow(Contact contact, string callbackId, CallbackStatus status)
    {
        var known = contact.LiveCallbacks.Contains(callbackId, StringComparer.Ordinal);
        if (!status.IsTerminal())
        {
            if (known) return new(contact, $"callback {callbackId} is already live for this contact");
            return new(contact with
            {
                LiveCallbacks = contact.LiveCallbacks.Add(callbackId),
                StatusBefore = contact.LiveCallbacks.IsEmpty ? contact.Status : contact.StatusBefore,
                Status = ContactStatus.DialbackQueued,
            });
        }
        if (!known) return new(contact, $"callback {callbackId} is not live for this contact");
        var live = contact.LiveCallbacks.Remove(callbackId, StringComparer.Ordinal);
        if (!live.IsEmpty) return new(contact with { LiveCallbacks = live });
        var neverReached = status is CallbackStatus.Expired or CallbackStatus.Failed;
        return new(contact with
        {
            LiveCallbacks = live,
            Status = contact.IsUnknownCaller && neverReached ? ContactStatus.AutomaticRedial : contact.StatusBefore ?? ContactStatus.None,
            StatusBefore = null,
        });
    }
}
