using System.Security.Cryptography;
using System.Text;

namespace CallbackFunctions.Twilio;

/// <summary>
/// <c>X-Twilio-Signature</c> (TWILIO.md §6): Base64(HMAC-SHA1(AuthToken, url + sorted name+value pairs)), compared in
/// constant time. A URL matches with the scheme's default port added or removed, as Twilio's SDKs accept.
/// </summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
            data.Append(name).Append(value);
        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(authToken));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(data.ToString())));
    }

    public static bool IsValid(string authToken, string url, IReadOnlyList<KeyValuePair<string, string>> form, string? signature)
    {
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(signature)) return false;
        var given = Encoding.UTF8.GetBytes(signature);
        foreach (var candidate in UrlVariants(url))
        {
            var expected = Encoding.UTF8.GetBytes(Compute(authToken, candidate, form));
            if (CryptographicOperations.FixedTimeEquals(expected, given)) return true;
        }
        return false;
    }

    private static IEnumerable<string> UrlVariants(string url)
    {
        yield return url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsDefaultPort) yield break;
        var withPort = $"{uri.Scheme}://{uri.Host}:{uri.Port}{uri.PathAndQuery}";
        var withoutPort = $"{uri.Scheme}://{uri.Host}{uri.PathAndQuery}";
        if (withPort != url) yield return withPort;
        if (withoutPort != url) yield return withoutPort;
    }
}
