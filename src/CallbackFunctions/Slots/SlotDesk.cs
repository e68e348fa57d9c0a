using System.Collections.Immutable;
using CallbackFunctions.Domain.Scheduling;
using CallbackFunctions.Rules;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Twilio;
using Twilio.TwiML;

namespace CallbackFunctions.Slots;

/// <summary>
/// The slots a caller may pick, as they hear them: the next <see cref="CallSlots.DefaultCount"/> instances with room
/// (<see cref="Offered"/>, the digit is the index + 1), read in <see cref="SlotZone"/> (the queue's zone, which defines
/// the slots) and spoken in <see cref="CallerZone"/> (the caller's, when their number tells it).
/// </summary>
public sealed record SlotMenu(TimeZoneInfo SlotZone, TimeZoneInfo CallerZone, ImmutableArray<OfferedSlot> Offered, DateTimeOffset Now)
{
    public bool IsEmpty => Offered.IsEmpty;

    /// <summary>"Press 1 for 2:30 PM today, 2 for 3 PM today, or 3 for 9 AM tomorrow."</summary>
    public string Prompt()
    {
        var choices = Offered.Select((slot, i) => $"{(i == 0 ? "Press " : "")}{i + 1} for {SpokenTimes.Say(slot.StartsAt, CallerZone, Now)}").ToList();
        if (choices.Count > 1) choices[^1] = "or " + choices[^1];
        return string.Join(", ", choices) + ".";
    }
}

/// <summary>
/// What a caller's pick came to: booked (or already theirs), full, or no longer a slot (null); it starts at
/// <see cref="StartsAt"/>, which the caller hears as <see cref="Spoken"/>; <see cref="Zone"/> is the queue's, that defines it.
/// </summary>
public sealed record SlotPick(SlotBooking? Booking, DateTimeOffset StartsAt, string Spoken, string Zone)
{
    public bool IsTheirs => Booking is SlotBooking.Booked or SlotBooking.AlreadyHeld;
}

/// <summary>
/// Call slots at the IVR (issue 15 §2, seed 002 "call slots"): which to offer a caller, the offer's TwiML, and booking
/// the one picked. The queue's settings define the slots in the queue's time zone (else the scenario rule's, else UTC).
/// </summary>
public sealed class SlotDesk(QueueSettingsRepository settings, SlotBookingRepository bookings, RuleBook rules, TimeZones zones,
    WebhookUrls urls, TimeProvider time)
{
    /// <summary>Seconds the caller has to press a key once the choices are read.</summary>
    public const int ChoiceTimeoutSeconds = 6;

    /// <summary>The slots with room to offer <paramref name="caller"/> now (none when the queue has none, or all are full).</summary>
    public async Task<SlotMenu> MenuAsync(string queue, string caller, CancellationToken ct)
    {
        var (slots, zone) = await SlotsAsync(queue, ct);
        var now = time.GetUtcNow();
        var callerZone = zones.Find(zones.ForNumber(caller)) ?? zone;
        if (slots.Count == 0) return new SlotMenu(zone, callerZone, [], now);
        var booked = await bookings.CountsAsync(queue, DateOnly.FromDateTime(LocalTimes.ToLocal(now, zone)), CallSlots.DaysAhead, ct);
        return new SlotMenu(zone, callerZone, CallSlots.Next(slots, zone, now, booked), now);
    }

    /// <summary>
    /// Books a place in <paramref name="instance"/> for <paramref name="holder"/> (the inbound CallSid), at the capacity the
    /// queue's settings give its slot now. A slot since removed, or already started, is as good as full.
    /// </summary>
    public async Task<SlotPick> PickAsync(string queue, SlotInstance instance, string caller, string holder, CancellationToken ct)
    {
        var (slots, zone) = await SlotsAsync(queue, ct);
        var now = time.GetUtcNow();
        var slot = slots.FirstOrDefault(s => s.Start == instance.Time);
        if (slot is null || LocalTimes.ToInstant(instance.Date, instance.Time, zone) is not { } start) return new SlotPick(null, now, "", zone.Id);
        // A caller who already holds the place keeps it even if the slot started meanwhile (Twilio repeated the webhook late).
        var booking = start > now
            ? await bookings.BookAsync(queue, instance, slot.Capacity, holder, ct)
            : (await bookings.ReadAsync(queue, instance, ct))?.Value.Contains(holder) == true ? SlotBooking.AlreadyHeld : SlotBooking.Full;
        return new SlotPick(booking, start, SpokenTimes.Say(start, zones.Find(zones.ForNumber(caller)) ?? zone, now), zone.Id);
    }

    /// <summary>Gives back a place taken for a callback that was not made after all.</summary>
    public Task ReleaseAsync(string queue, SlotInstance instance, string holder, CancellationToken ct) =>
        bookings.ReleaseAsync(queue, instance, holder, ct);

    /// <summary>
    /// The offer: <paramref name="before"/>, then the choices inside one-digit Gather whose action (signed by Twilio with
    /// the rest of the URL) names the instances offered; no key press reaches the action too, as an empty choice.
    /// </summary>
    public VoiceResponse Offer(string queue, SlotMenu menu, bool repeated, string? before = null)
    {
        var gather = VoiceTwiml.GatherDigit(urls.IvrCallbackSlot(queue, menu.Offered.Select(o => o.Instance), repeated), ChoiceTimeoutSeconds);
        gather.ActionOnEmptyResult = true;
        var response = new VoiceResponse();
        if (before is not null) response.Say(before);
        return response.Append(gather.Say("To choose when we call you back, " + LowerFirst(menu.Prompt())));
    }

    private static string LowerFirst(string text) => char.ToLowerInvariant(text[0]) + text[1..];

    private async Task<(IReadOnlyList<CallSlot> Slots, TimeZoneInfo Zone)> SlotsAsync(string queue, CancellationToken ct)
    {
        var saved = (await settings.GetAsync(queue, ct))?.Value;
        var zone = zones.Find(saved?.TimeZone) ?? zones.Find((await rules.CurrentAsync(ct)).Scenario.TimeZone) ?? TimeZoneInfo.Utc;
        // The settings' slot (its API shape) is the scheduling's CallSlot, read at this edge.
        return ([.. (saved?.Slots ?? []).Select(s => new CallSlot(s.At, s.Capacity))], zone);
    }
}
