using System.Security.Cryptography;
using System.Text;

namespace CallbackFunctions.TwilioSimulator;

/// <summary>
/// <c>X-Twilio-Signature</c> (TWILIO.md §6): Base64(HMAC-SHA1(key = AuthToken, data = URL + each form name+value,
/// names sorted ordinally, repeated names by value)). For GET requests pass no parameters: they are in the URL.
/// </summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParameters);
        var data = new StringBuilder(url);
        foreach (var p in formParameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(p.Key).Append(p.Value);
        }

        var hash = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        return Convert.ToBase64String(hash);
    }

    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters, string? signature)
    {
        if (signature is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(authToken, url, formParameters));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
