using System.Security.Cryptography;
using System.Text;

namespace CallbackFunctions.TwilioSimulator.Support;

/// <summary>Twilio SIDs: two-letter prefix + 32 lowercase hex (TWILIO.md §1.1).</summary>
internal static class Sids
{
    public static string New(string prefix) => prefix + RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>The same seed gives the same SID (queues, phone numbers).</summary>
    public static string Stable(string prefix, string seed) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16));

    public static bool IsValid(string? sid, string prefix) =>
        sid is { Length: 34 } && sid.StartsWith(prefix, StringComparison.Ordinal) && sid.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF") is false;
}
