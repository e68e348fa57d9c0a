using CallbackFunctions.Settings;
using Microsoft.Extensions.Options;
using Twilio.Security;

namespace CallbackFunctions.Twilio;

/// <summary>
/// <c>X-Twilio-Signature</c>, checked with the SDK's <see cref="RequestValidator"/>. The URL is rebuilt from
/// <c>Twilio:WebhookBaseUrl</c> + path + query, never from the request: behind the Functions host the request URL is
/// the worker's loopback address, not the public one Twilio signed (DESIGN §2).
/// </summary>
public static class TwilioSignatures
{
    /// <summary>
    /// True when the request's signature is Twilio's for the public URL and every form parameter (TWILIO.md §6; the
    /// validator also accepts the URL with the scheme's default port added or removed).
    /// </summary>
    public static bool IsValid(TwilioOptions options, HttpRequest request, IFormCollection? form)
    {
        string? signature = request.Headers["X-Twilio-Signature"];
        // With no token, anyone could sign with the empty key.
        if (string.IsNullOrEmpty(options.AuthToken) || string.IsNullOrEmpty(signature)) return false;
        // A repeated name counts once with its values joined by commas, as the SDK's own form overload does.
        var parameters = form?.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal) ?? [];
        return new RequestValidator(options.AuthToken).Validate(PublicUrl(options, request), parameters, signature);
    }

    public static string PublicUrl(TwilioOptions options, HttpRequest request)
    {
        var baseUrl = options.WebhookBaseUrl?.AbsoluteUri.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}";
        return baseUrl + request.PathBase + request.Path + request.QueryString;
    }
}
