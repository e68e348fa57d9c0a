using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Storage;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Contacts;

/// <summary>
/// A contact saved while callbacks for its numbers are already live (made before it existed: contacts imported while
/// callbacks wait, at go-live) is given to them at once rather than at their next request: the alert and the whisper
/// say who they are, and only the agents who may call them take them, from their next offer on (issue 16).
/// </summary>
public sealed class LiveCallbackContacts(LiveCallbackIndex live, CallbackReader reader, CallbackRuns runs, ContactRepository contacts,
    ILogger<LiveCallbackContacts> logger)
{
    /// <summary>How long a save waits for each such callback to take the contact (its orchestration takes it in one step).</summary>
    private static readonly TimeSpan TakenWithin = TimeSpan.FromSeconds(5);

    /// <summary>Gives <paramref name="contact"/> (as saved) to the live callbacks of its numbers that have no contact.</summary>
    public async Task GiveAsync(DurableTaskClient client, Contact contact, CancellationToken ct)
    {
        foreach (var number in contact.Numbers)
            foreach (var (_, callbackId) in await live.ListForCallerAsync(number, ct))
            {
                if (contact.LiveCallbacks.Contains(callbackId, StringComparer.Ordinal)) continue;
                if (await reader.GetAsync(client, callbackId, ct) is not { IsLive: true, Contact: null } callback) continue;
                // Counted first (the contact shows a dialback queued), so whatever ends the callback once it has the contact
                // uncounts it too; one that ends before taking it is uncounted here.
                await contacts.FollowAsync(contact.Id, callbackId, callback.Status, ct);
                await runs.SendAsync(client, callbackId, new ContactFound(number, ContactRef.Of(contact)), ct);
                var after = await runs.AwaitAsync(client, callbackId, c => c.Contact?.Id == contact.Id || !c.IsLive, TakenWithin, ct);
                if (after is { IsLive: false } && after.Contact?.Id != contact.Id) await contacts.FollowAsync(contact.Id, callbackId, after.Status, ct);
                ContactLog.GivenToLiveCallback(logger, contact.Id, callbackId, PhoneMask.Mask(number),
                    after is null ? "not taken yet (its orchestration is behind)" : after.Contact?.Id == contact.Id ? "taken" : $"ended first ({after.Status})");
            }
    }
}
