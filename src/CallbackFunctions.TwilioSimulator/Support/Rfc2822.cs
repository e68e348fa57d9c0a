using System.Globalization;

namespace CallbackFunctions.TwilioSimulator.Support;

internal static class Rfc2822
{
    /// <summary><c>Tue, 31 Aug 2010 20:36:28 +0000</c> (TWILIO.md §1.1).</summary>
    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    public static string? Format(DateTimeOffset? value) => value is { } v ? Format(v) : null;
}
