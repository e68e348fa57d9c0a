using System.Buffers;

namespace CallbackFunctions.Twilio;

/// <summary>
/// Twilio's ids as webhooks carry them (TWILIO.md: two letters and 32 hex digits, 34 characters). A value of any other
/// shape is not Twilio's, so it is never stored, hashed into an id or passed on: a reader takes it as absent.
/// </summary>
public static class TwilioSids
{
    public const string Call = "CA";
    public const string Recording = "RE";

    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdefABCDEF");

    public static bool IsSid(string? value, string prefix) =>
        value is { Length: 34 } && value.StartsWith(prefix, StringComparison.Ordinal) && !value.AsSpan(2).ContainsAnyExcept(Hex);

    /// <summary>The form's <paramref name="key"/> if it is a SID of the kind <paramref name="prefix"/> names; null otherwise.</summary>
    public static string? Read(IFormCollection form, string key, string prefix)
    {
        string? value = form[key];
        return IsSid(value, prefix) ? value : null;
    }
}
