using CallbackFunctions.Settings;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Http;

namespace CallbackFunctions.Twilio;

/// <summary>
/// Builds the SDK's <see cref="TwilioRestClient"/> as DESIGN §1 says: on an <c>HttpClient</c> from
/// <see cref="IHttpClientFactory"/> whose <see cref="TwilioApiBaseUrlHandler"/> sends it to <c>Twilio:ApiBaseUrl</c>.
/// A client per request, so a changed setting applies to the next one. Never the SDK's static <c>TwilioClient</c>.
/// </summary>
public sealed class TwilioRestClientFactory(IHttpClientFactory http, IOptionsMonitor<TwilioOptions> options)
{
    public const string HttpClientName = "Twilio";

    public TwilioRestClient Create()
    {
        var o = options.CurrentValue;
        var httpClient = http.CreateClient(HttpClientName);
        // SystemNetHttpClient passes no CancellationToken: the HttpClient's own timeout is what bounds a request.
        httpClient.Timeout = o.RequestTimeout;
        // An API key is Twilio's production recommendation; the account SID stays in the path either way (TWILIO.md §1.1).
        var (username, password) = string.IsNullOrEmpty(o.ApiKeySid) ? (o.AccountSid, o.AuthToken) : (o.ApiKeySid, o.ApiKeySecret ?? "");
        return new TwilioRestClient(username, password, accountSid: o.AccountSid, httpClient: new SystemNetHttpClient(httpClient));
    }
}

/// <summary>
/// The SDK has no base-URL setting: every request goes to https://api.twilio.com. This moves each one to
/// <c>Twilio:ApiBaseUrl</c> (scheme, host and port), path and query untouched, so the simulator can stand in locally.
/// </summary>
public sealed class TwilioApiBaseUrlHandler(IOptionsMonitor<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = options.CurrentValue.ApiBaseUrl;
        if (request.RequestUri is { } uri)
            request.RequestUri = new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}

public static class TwilioServiceCollectionExtensions
{
    /// <summary>The REST edge: <see cref="TwilioCalls"/> on SDK clients from <see cref="TwilioRestClientFactory"/>.</summary>
    public static IServiceCollection AddTwilioRest(this IServiceCollection services)
    {
        services.AddTransient<TwilioApiBaseUrlHandler>();
        services.AddHttpClient(TwilioRestClientFactory.HttpClientName).AddHttpMessageHandler<TwilioApiBaseUrlHandler>();
        services.AddSingleton<TwilioRestClientFactory>();
        services.AddSingleton<TwilioCalls>();
        return services;
    }
}
