using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CallbackFunctions.Domain.Queues;
using CallbackFunctions.Http;
using CallbackFunctions.Rules;

namespace CallbackFunctions.Queues;

/// <summary>A callback slot: a time of day at which callbacks of the queue may be booked, every day (queues have no opening days of their own yet), in the queue's time zone.</summary>
/// <param name="At">The slot's start, a time of day <c>HH:mm</c> (24-hour, e.g. <c>14:30</c>); each at most once per queue.</param>
/// <param name="Capacity">How many callbacks the slot takes: 1 to 1000.</param>
public sealed record SlotBody([Required] string? At, [Required] int? Capacity);

/// <summary>
/// A queue's settings, as <c>PUT /api/queues/{name}</c> takes them (it replaces them: a field left out takes its
/// default) and as <c>PATCH</c> merges them (RFC 7396: only the fields named change; null resets one to its default).
/// Durations are <c>[d.]hh:mm:ss</c>. Bad values answer 400 with every field's error at once. Stored, but no feature
/// reads them yet (issue 15's later steps will).
/// </summary>
/// <param name="Slots">The queue's callback slots, at most 96, each time of day once. Default: none (an empty list).</param>
/// <param name="HoldMessage">What a caller waiting in the queue hears between the offers to be called back: text to speak or an audio file to play. Default null: nothing.</param>
/// <param name="PreferredAgentWait">How long a callback bound to an agent waits for that agent while they are busy, before any agent of the queue may take it: a duration from <c>00:00:00</c> (fall back at once) to <c>01:00:00</c>. Default <c>00:02:00</c>.</param>
/// <param name="RetryAfter">How long after a scheduled callback's unsuccessful attempt it is due again, while retries remain: a duration from <c>00:01:00</c> to <c>1.00:00:00</c> (24 hours). Default <c>00:10:00</c>.</param>
/// <param name="MaxPending">At most this many live callbacks (queued or dialing) in the queue before it stops offering callbacks: 1 to 10000. Default null: no limit.</param>
/// <param name="TimeZone">The queue's IANA time zone id (<c>America/Chicago</c>), for its slots and local times. Default null: the rule's or the customer's, as for any callback.</param>
/// <param name="RejectCooldown">How long an agent who rejected one of the queue's callbacks is offered none: a duration from <c>00:00:00</c> (none) to <c>01:00:00</c>. Default <c>00:00:00</c>.</param>
/// <param name="CompleteCooldown">How long an agent who completed one of the queue's callbacks is offered none: a duration from <c>00:00:00</c> (none) to <c>01:00:00</c>. Default <c>00:00:00</c>.</param>
public sealed record QueueSettingsBody(List<SlotBody>? Slots = null, PromptBody? HoldMessage = null, string? PreferredAgentWait = null,
    string? RetryAfter = null, int? MaxPending = null, string? TimeZone = null, string? RejectCooldown = null, string? CompleteCooldown = null);

/// <summary>A queue, its agents and its settings, defaults filled in (durations are <c>[d.]hh:mm:ss</c>).</summary>
/// <param name="Name">The queue's name, lower case.</param>
/// <param name="Agents">The ids of the agents serving it (none: callbacks of the queue wait for one).</param>
/// <param name="Configured">Whether the queue's settings were ever saved; false: every setting is its default.</param>
/// <param name="Slots">The callback slots, in the order of the day (each <c>HH:mm</c> with its capacity, 1 to 1000); empty: none.</param>
/// <param name="HoldMessage">What a caller waiting in the queue hears between offers, or null for nothing.</param>
/// <param name="PreferredAgentWait">How long a callback bound to a busy agent waits for them before any agent of the queue may take it (0 to 1 hour).</param>
/// <param name="RetryAfter">How long after a scheduled callback's unsuccessful attempt it is due again (1 minute to 24 hours).</param>
/// <param name="MaxPending">At most this many live callbacks in the queue (1 to 10000), or null for no limit.</param>
/// <param name="TimeZone">The queue's IANA time zone id, or null: the rule's or the customer's.</param>
/// <param name="RejectCooldown">How long an agent who rejected one of the queue's callbacks is offered none (0 to 1 hour; <c>00:00:00</c>: none).</param>
/// <param name="CompleteCooldown">How long an agent who completed one of the queue's callbacks is offered none (0 to 1 hour; <c>00:00:00</c>: none).</param>
public sealed record QueueSettingsView(string Name, IReadOnlyList<string> Agents, bool Configured, List<SlotBody> Slots, PromptBody? HoldMessage,
    string PreferredAgentWait, string RetryAfter, int? MaxPending, string? TimeZone, string RejectCooldown, string CompleteCooldown);

/// <summary>Reads queue settings from their API shape into the domain's, and back.</summary>
public static class QueueSettingsBodies
{
    /// <summary>
    /// The settings a body gives, a field left out (or null) at its default, with every problem by field: what cannot
    /// be read here (formats), then the domain's checks (bounds, combinations) for the fields that read well.
    /// </summary>
    public static (QueueSettings? Settings, Dictionary<string, string[]> Errors) Parse(QueueSettingsBody body, Func<string, bool> isTimeZone)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var defaults = QueueSettings.Default;
        var slots = new List<CallbackSlot>();
        for (var i = 0; i < (body.Slots?.Count ?? 0); i++)
        {
            var slot = body.Slots![i];
            var at = TimeOnly.MinValue;
            if (slot is null)
            {
                errors[$"slots[{i}]"] = ["a slot is an object {\"at\": \"HH:mm\", \"capacity\": n}"];
                slots.Add(new CallbackSlot(at, 1));
                continue;
            }
            if (slot.At is null) errors[$"slots[{i}].at"] = ["required: a time of day HH:mm"];
            else if (!TimeOnly.TryParseExact(slot.At, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out at))
                errors[$"slots[{i}].at"] = [$"{RequestValues.Quote(slot.At)} is not a time of day HH:mm (like 14:30)"];
            if (slot.Capacity is null) errors[$"slots[{i}].capacity"] = ["required: how many callbacks the slot takes"];
            slots.Add(new CallbackSlot(at, slot.Capacity ?? 1));
        }
        var settings = new QueueSettings
        {
            Slots = [.. slots],
            HoldMessage = CallFeatureBodies.ToPrompt(body.HoldMessage),
            PreferredAgentWait = Duration(body.PreferredAgentWait, "preferredAgentWait", "00:02:00", errors) ?? defaults.PreferredAgentWait,
            RetryAfter = Duration(body.RetryAfter, "retryAfter", "00:10:00", errors) ?? defaults.RetryAfter,
            MaxPending = body.MaxPending,
            TimeZone = string.IsNullOrWhiteSpace(body.TimeZone) ? null : body.TimeZone.Trim(),
            RejectCooldown = Duration(body.RejectCooldown, "rejectCooldown", "00:00:30", errors) ?? defaults.RejectCooldown,
            CompleteCooldown = Duration(body.CompleteCooldown, "completeCooldown", "00:00:30", errors) ?? defaults.CompleteCooldown,
        };
        // A field that did not read stands at a stand-in value here, and already has its error.
        FieldProblems.AddTo(errors, settings.Validate(isTimeZone), FieldProblems.ReadBadly(errors.Keys));
        return errors.Count > 0 ? (null, errors) : (settings.Ordered(), errors);
    }

    /// <summary>The settings in the API's shape, every field written (what a merge patch is applied to).</summary>
    public static QueueSettingsBody Body(QueueSettings s) => new(
        [.. s.Slots.Select(slot => new SlotBody(slot.At.ToString("HH:mm", CultureInfo.InvariantCulture), slot.Capacity))],
        CallFeatureBodies.View(s.HoldMessage), Span(s.PreferredAgentWait), Span(s.RetryAfter), s.MaxPending, s.TimeZone,
        Span(s.RejectCooldown), Span(s.CompleteCooldown));

    /// <param name="saved">The queue's saved settings; null when it was never configured (the defaults are shown).</param>
    public static QueueSettingsView View(string name, IReadOnlyList<string> agents, QueueSettings? saved)
    {
        var body = Body(saved ?? QueueSettings.Default);
        return new QueueSettingsView(name, agents, saved is not null, body.Slots!, body.HoldMessage, body.PreferredAgentWait!, body.RetryAfter!,
            body.MaxPending, body.TimeZone, body.RejectCooldown!, body.CompleteCooldown!);
    }

    private static TimeSpan? Duration(string? text, string field, string example, Dictionary<string, string[]> errors)
    {
        if (text is null) return null;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t)) return t;
        errors[field] = [$"{RequestValues.Quote(text)} is not a duration like {example}"];
        return null;
    }

    private static string Span(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
}
