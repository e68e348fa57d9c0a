using System.Text.RegularExpressions;

namespace CallbackFunctions.TwilioSimulator.Support;

internal static partial class PhoneNumbers
{
    /// <summary>TWILIO.md §1.2: E.164 <c>^\+[1-9]\d{1,14}$</c>.</summary>
    public static bool IsE164(string? value) => value is not null && E164().IsMatch(value);

    /// <summary>For logs: <c>+1555***1234</c>. Never log a whole number.</summary>
    public static string Mask(string? value) =>
        value is null ? "" : value.Length >= 9 ? string.Concat(value.AsSpan(0, 5), "***", value.AsSpan(value.Length - 4)) : "***";

    /// <summary>Twilio's <c>to_formatted</c>: (415) 555-1212 for NANP numbers, the E.164 otherwise.</summary>
    public static string Format(string value) =>
        value.Length == 12 && value.StartsWith("+1", StringComparison.Ordinal)
            ? $"({value[2..5]}) {value[5..8]}-{value[8..]}"
            : value;

    [GeneratedRegex(@"^\+[1-9]\d{1,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
