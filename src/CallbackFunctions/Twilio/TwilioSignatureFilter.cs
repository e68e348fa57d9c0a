using CallbackFunctions.Settings;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Twilio;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> on every Twilio route. The URL is rebuilt from <c>Twilio:WebhookBaseUrl</c> + path +
/// query, never from the request: behind the Functions host the request URL is http://127.0.0.1:{port} (DESIGN §2).
/// A bad or missing signature gets 403 and nothing runs.
/// </summary>
public sealed class TwilioSignatureFilter(IOptionsMonitor<TwilioOptions> options, ILogger<TwilioSignatureFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var form = request.HasFormContentType ? await request.ReadFormAsync(context.HttpContext.RequestAborted) : null;
        var pairs = form?.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))).ToList() ?? [];
        var url = PublicUrl(options.CurrentValue, request);
        if (!TwilioSignature.IsValid(options.CurrentValue.AuthToken, url, pairs, request.Headers["X-Twilio-Signature"]))
        {
            TwilioLog.SignatureRejected(logger, request.Path);
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        return await next(context);
    }

    public static string PublicUrl(TwilioOptions options, HttpRequest request)
    {
        var baseUrl = options.WebhookBaseUrl?.AbsoluteUri.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}";
        return baseUrl + request.PathBase + request.Path + request.QueryString;
    }
}
