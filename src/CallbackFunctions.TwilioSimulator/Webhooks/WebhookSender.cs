using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace CallbackFunctions.TwilioSimulator.Webhooks;

internal sealed record WebhookResponse(int StatusCode, string? MediaType, string Body, Uri FinalUrl);

/// <summary>Twilio's webhook failure codes (TWILIO.md §1.7).</summary>
internal static class WebhookErrors
{
    public const int RetrievalFailure = 11200;
    public const int ConnectionFailure = 11205;
    public const int TooManyRedirects = 11215;
    public const int ErrorResponse = 11217;
    public const int BadContentType = 12300;
}

internal sealed record WebhookFailure(int Code, string Message);

/// <summary>
/// Sends one signed webhook like Twilio: form POST (or GET with the parameters appended to the query), signed over the
/// exact URL requested, 5 s to connect (one retry), 15 s in all (TWILIO.md §7).
/// </summary>
internal sealed class WebhookSender : IDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(15);
    private const int MaxBodyChars = 1 << 20;

    private readonly HttpClient http;
    private readonly string authToken;
    private readonly TimeProvider time;

    public WebhookSender(string authToken, TimeProvider time)
    {
        this.authToken = authToken;
        this.time = time;
        http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<(WebhookResponse? Response, WebhookFailure? Failure)> SendAsync(
        Uri url, string method, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        var isGet = method == "GET";
        var target = isGet ? AppendQuery(url, parameters) : WithoutFragment(url);
        var signature = TwilioSignature.Compute(authToken, SignedUrl(target), isGet ? [] : parameters);

        using var budget = new CancellationTokenSource(TotalTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(isGet ? HttpMethod.Get : HttpMethod.Post, target);
                if (!isGet)
                {
                    request.Content = new FormUrlEncodedContent(parameters);
                }

                request.Headers.TryAddWithoutValidation("X-Twilio-Signature", signature);
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TwilioProxy", "1.1"));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                var body = await ReadBodyAsync(response, linked.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400)
                {
                    return (null, new WebhookFailure(WebhookErrors.TooManyRedirects, $"HTTP {status} after following 10 redirects"));
                }

                return (new WebhookResponse(status, response.Content.Headers.ContentType?.MediaType, body, response.RequestMessage?.RequestUri ?? target), null);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
            {
                if (attempt == 0 && !linked.IsCancellationRequested)
                {
                    continue;
                }

                return (null, new WebhookFailure(WebhookErrors.ConnectionFailure, $"connection failure: {ex.Message}"));
            }
            catch (HttpRequestException ex)
            {
                return (null, new WebhookFailure(WebhookErrors.RetrievalFailure, $"HTTP retrieval failure: {ex.Message}"));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                var code = budget.IsCancellationRequested ? WebhookErrors.RetrievalFailure : WebhookErrors.ConnectionFailure;
                return (null, new WebhookFailure(code, budget.IsCancellationRequested ? "no answer within 15 s" : "could not connect within 5 s"));
            }
        }
    }

    /// <summary>TWILIO.md §6.5: an HTTPS voice URL is signed without its port; HTTP keeps it.</summary>
    public static string SignedUrl(Uri target)
    {
        var url = WithoutFragment(target);
        if (url.Scheme == Uri.UriSchemeHttps && !url.IsDefaultPort)
        {
            url = new UriBuilder(url) { Port = -1 }.Uri;
        }

        return url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
    }

    public void Dispose() => http.Dispose();

    /// <summary>GET webhooks carry Twilio's parameters after the URL's own, spaces as '+' (TWILIO.md §6.2).</summary>
    private static Uri AppendQuery(Uri url, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var baseUrl = WithoutFragment(url).GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
        if (parameters.Count == 0)
        {
            return new Uri(baseUrl);
        }

        var query = string.Join('&', parameters.Select(p => WebUtility.UrlEncode(p.Key) + "=" + WebUtility.UrlEncode(p.Value)));
        return new Uri(baseUrl + (url.Query.Length > 1 ? "&" : "?") + query);
    }

    private static Uri WithoutFragment(Uri url) =>
        url.Fragment.Length == 0 ? url : new Uri(url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped));

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var charset = response.Content.Headers.ContentType?.CharSet;
        var encoding = Encoding.UTF8;
        if (charset is not null)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // Unknown charset: read as UTF-8, the parser will complain if it matters.
            }
        }

        using var reader = new StreamReader(stream, encoding);
        var buffer = new char[8192];
        var text = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0 && text.Length < MaxBodyChars)
        {
            text.Append(buffer, 0, read);
        }

        return text.ToString();
    }
}
