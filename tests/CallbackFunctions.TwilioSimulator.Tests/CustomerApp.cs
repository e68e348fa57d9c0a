using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.TwilioSimulator.Tests;

/// <summary>One webhook request as the customer app received it.</summary>
public sealed record RecordedRequest(string Method, string Path, string Url, IReadOnlyDictionary<string, string> Form, string? Signature, int Order)
{
    public string this[string name] => Form[name];

    public string? Get(string name) => Form.GetValueOrDefault(name);
}

/// <summary>The "customer app" of the tests: answers TwiML per path on 127.0.0.1 and records every request.</summary>
public sealed class CustomerApp : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly ConcurrentDictionary<string, Func<RecordedRequest, IResult>> responders = new(StringComparer.Ordinal);
    private int order;

    private CustomerApp(WebApplication app) => this.app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    public static async Task<CustomerApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var customer = new CustomerApp(app);
        app.Map("/{**path}", async (HttpContext http) =>
        {
            var request = http.Request;
            var form = new Dictionary<string, string>(StringComparer.Ordinal);
            if (request.HasFormContentType)
            {
                foreach (var (key, value) in await request.ReadFormAsync())
                {
                    form[key] = value.ToString();
                }
            }

            var url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";
            var recorded = new RecordedRequest(
                request.Method, request.Path.Value ?? "", url, form, request.Headers["X-Twilio-Signature"].FirstOrDefault(),
                Interlocked.Increment(ref customer.order));
            customer.requests.Enqueue(recorded);
            return customer.responders.TryGetValue(recorded.Path, out var respond) ? respond(recorded) : Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        customer.BaseUrl = new Uri(address + "/");
        return customer;
    }

    public string Url(string path) => new Uri(BaseUrl, path).AbsoluteUri;

    public void Twiml(string path, string twiml) => Respond(path, _ => Results.Text(twiml, "text/xml"));

    public void Respond(string path, Func<RecordedRequest, IResult> respond) => responders[path] = respond;

    public IReadOnlyList<RecordedRequest> To(string path) => Requests.Where(r => r.Path == path).ToList();

    /// <summary>Polls (with a deadline) until a request matches.</summary>
    public async Task<RecordedRequest> WaitForAsync(string path, Func<RecordedRequest, bool>? predicate = null, int timeoutMs = 10_000)
    {
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        while (true)
        {
            var match = Requests.FirstOrDefault(r => r.Path == path && (predicate is null || predicate(r)));
            if (match is not null)
            {
                return match;
            }

            if (clock.GetElapsedTime(started).TotalMilliseconds > timeoutMs)
            {
                throw new TimeoutException($"No request to {path} within {timeoutMs} ms. Seen: {string.Join(", ", Requests.Select(r => r.Path))}");
            }

            await Task.Delay(20);
        }
    }

    public async Task<IReadOnlyList<RecordedRequest>> WaitForCountAsync(string path, int count, int timeoutMs = 10_000)
    {
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        while (To(path).Count < count)
        {
            if (clock.GetElapsedTime(started).TotalMilliseconds > timeoutMs)
            {
                throw new TimeoutException($"Only {To(path).Count} of {count} requests to {path} within {timeoutMs} ms");
            }

            await Task.Delay(20);
        }

        return To(path);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
