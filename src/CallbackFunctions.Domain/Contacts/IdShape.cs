using System.Text.RegularExpressions;

namespace CallbackFunctions.Domain.Contacts;

/// <summary>
/// The shape every id of ours takes (queues, agents, contacts, campaigns, ownership codes): letters, digits, '_', '.',
/// '-', starting with a letter or digit, at most 64 characters. The same as a queue name at the Twilio webhooks.
/// </summary>
public static partial class IdShape
{
    public const int MaxLength = 64;

    /// <summary>What a problem says after the field name: <c>"campaign: " + IdShape.Expected</c>.</summary>
    public const string Expected = "letters, digits, '_', '.', '-', starting with a letter or digit, at most 64";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);
}
