using System.Globalization;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Domain.Telephony;

namespace CallbackFunctions.CallbackAlert;

/// <summary>
/// What the agent hears before pressing 1 (seed 004's callback alert, spoken): who, what kind of contact, where they
/// dialled, which queue, and an agent's note; each part can be switched off per rule (<see cref="WhisperParts"/>). The
/// number is always spoken: it is who the agent is about to call.
/// </summary>
public static class AgentWhisper
{
    public static string Text(Callback callback, DateTimeOffset now, OurNumber? dialled, WhisperParts parts)
    {
        var minutes = (int)Math.Max(0, (now - callback.CreatedAt).TotalMinutes);
        var ago = minutes switch { 0 => "less than a minute ago", 1 => "1 minute ago", _ => $"{minutes} minutes ago" };
        var digits = string.Join(' ', callback.Caller.TrimStart('+').ToCharArray());
        var what = callback.Origin switch
        {
            CallbackOrigin.IvrRequest => "asked for a callback",
            CallbackOrigin.QueueRequest => "asked for a callback while waiting",
            CallbackOrigin.Scheduled => "had a callback scheduled",
            _ => "called and was not answered",
        };
        var contact = callback.Contact;
        var who = !parts.Name ? "The customer"
            : contact?.Name is { Length: > 0 } name ? name.Trim()
            : contact is not null ? "An unknown caller"
            : "The customer";
        var labels = contact?.Labels.Where(l => l != "unknown").ToList() ?? [];
        var kind = parts.Type && labels.Count > 0 ? $", {Join(labels)}," : "";
        var queue = parts.Queue ? $", in the {callback.Queue} queue" : "";
        var where = parts.Location && dialled is { } d && (d.Location is not null || d.AdSource is not null)
            ? " They dialled " + (d.Location, d.AdSource) switch
            {
                ({ } l, { } a) => $"the {l} line, from {a}.",
                ({ } l, null) => $"the {l} line.",
                (null, { } a) => $"a number from {a}.",
                _ => "",
            }
            : "";
        var note = parts.Comment && !string.IsNullOrWhiteSpace(callback.Comment) ? $" Note: {callback.Comment.Trim().TrimEnd('.')}." : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"Automatic callback, attempt {callback.Attempt}. {who}{kind} at {digits} {what} {ago}{queue}.{where}{note} Press 1 to connect, or 2 to pass.");
    }

    private static string Join(IReadOnlyList<string> words) => words.Count switch
    {
        1 => words[0],
        _ => string.Join(", ", words.Take(words.Count - 1)) + " and " + words[^1],
    };
}
