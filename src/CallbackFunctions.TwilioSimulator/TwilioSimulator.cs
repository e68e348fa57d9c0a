using System.Net;
using CallbackFunctions.TwilioSimulator.Calls;
using CallbackFunctions.TwilioSimulator.Control;
using CallbackFunctions.TwilioSimulator.Rest;
using CallbackFunctions.TwilioSimulator.Support;
using CallbackFunctions.TwilioSimulator.Twiml;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallbackFunctions.TwilioSimulator;

/// <summary>
/// A strict, in-memory Twilio Voice on 127.0.0.1: the REST slice under <c>/2010-04-01</c>, signed webhooks, scripted
/// people, and a control API under <c>/sim</c>. Start one per test (or per process with Program.cs).
/// </summary>
public sealed class TwilioSimulator : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CallEngine engine;
    private int disposed;

    private TwilioSimulator(SimulatorOptions options, WebApplication app, CallEngine engine, Uri baseUrl)
    {
        Options = options;
        this.app = app;
        this.engine = engine;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. http://127.0.0.1:54321/ — the REST API lives under /2010-04-01/...</summary>
    public Uri BaseUrl { get; }

    public SimulatorOptions Options { get; }

    /// <summary>Every call leg with its history, in creation order (a snapshot).</summary>
    public IReadOnlyList<SimulatedCall> Calls => engine.Snapshot();

    public SimulatorStats Stats => engine.Stats();

    /// <summary>Every strictness violation and webhook failure, with Twilio's error code.</summary>
    public IReadOnlyList<SimulatorError> Errors => engine.Errors();

    public IReadOnlyList<SimulatedRecording> Recordings => engine.Recordings();

    public FaultSettings Faults => engine.Faults;

    /// <summary>Every &lt;Enqueue&gt; queue a call has entered since the start or the last reset, each with the calls waiting in it now.</summary>
    public IReadOnlyList<SimulatedQueue> Queues => engine.Queues();

    /// <summary>The calls waiting in queue <paramref name="name"/> now, first in first (empty when nobody has entered it).</summary>
    public SimulatedQueue Queue(string name)
    {
        // TWILIO.md §4 Enqueue: a queue name is at most 64 characters.
        if (string.IsNullOrEmpty(name) || name.Length > 64)
        {
            throw new ArgumentException("a queue name is 1 to 64 characters", nameof(name));
        }

        return engine.Queue(name);
    }

    /// <summary>Every endpoint the simulator maps (the page at GET / is rendered from them).</summary>
    internal IEnumerable<Endpoint> Endpoints => app.Services.GetRequiredService<EndpointDataSource>().Endpoints;

    public static async Task<TwilioSimulator> StartAsync(SimulatorOptions options, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        loggerFactory ??= NullLoggerFactory.Instance;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(TwilioSimulator).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Nothing from the host process (appsettings, ASPNETCORE_URLS, Kestrel sections) may move the simulator off loopback.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.RemoveAll<ILoggerFactory>();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));

        // A library inside a test process must not hook that process's Ctrl+C / SIGTERM.
        builder.Services.AddSingleton<IHostLifetime, NoHostLifetime>();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));

        var logger = loggerFactory.CreateLogger("CallbackFunctions.TwilioSimulator");
        var engine = new CallEngine(options, logger);
        var app = builder.Build();
        TwilioSimulator? simulator = null;
        app.MapTwilioRest(engine, logger);
        app.MapSimulatorControl(new Lazy<TwilioSimulator>(() => simulator!));
        app.MapFallback(RestApi.NotFound)
            .WithMetadata(new RouteDoc("Any other path.", "404 with Twilio's error JSON (code 20404)"));

        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            engine.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        engine.BaseUrl = baseUrl;
        simulator = new TwilioSimulator(options, app, engine, baseUrl);
        logger.Started(baseUrl, options.AccountSid);
        return simulator;
    }

    /// <summary>Scripts what happens when <paramref name="number"/> is called (see <see cref="PersonScript"/>).</summary>
    public void SetPerson(string number, PersonScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        if (!PhoneNumbers.IsE164(number))
        {
            throw new ArgumentException($"'{number}' is not an E.164 number", nameof(number));
        }

        foreach (var response in script.Responses)
        {
            if (response is null || response.RingSeconds < 0 || response.TalkSeconds < 0 || !double.IsFinite(response.RingSeconds) || !double.IsFinite(response.TalkSeconds))
            {
                throw new ArgumentException("ringSeconds and talkSeconds must be finite and not negative", nameof(script));
            }

            if (response.Digits is { } digits && digits.Any(c => !"0123456789*#,".Contains(c, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"digits '{digits}' may contain only 0-9 * # and commas", nameof(script));
            }
        }

        engine.SetPerson(number, script);
    }

    /// <summary>A customer calls one of our numbers. Returns the new inbound leg; its TwiML runs in the background.</summary>
    public Task<SimulatedCall> PlaceInboundCallAsync(InboundCallRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ct.ThrowIfCancellationRequested();
        if (!PhoneNumbers.IsE164(request.From))
        {
            throw new ArgumentException($"from '{request.From}' is not an E.164 number", nameof(request));
        }

        if (!PhoneNumbers.IsE164(request.To))
        {
            throw new ArgumentException($"to '{request.To}' is not an E.164 number", nameof(request));
        }

        if (Options.OwnedNumbers.Count > 0 && !Options.OwnedNumbers.Contains(request.To))
        {
            throw new ArgumentException($"to '{request.To}' is not one of the account's numbers", nameof(request));
        }

        if ((request.Url is null) == (request.Twiml is null))
        {
            throw new ArgumentException("give exactly one of url and twiml", nameof(request));
        }

        if (request.Method is not ("GET" or "POST"))
        {
            throw new ArgumentException("method must be GET or POST", nameof(request));
        }

        // The caller gives inline TwiML here, so a document that cannot run is their mistake, told now: accepted, it
        // would only end the call with error 12100 or 12200 in /sim/errors. The same parser runs it later.
        if (request.Twiml is { } twiml && TwimlParser.Parse(twiml, DocumentKind.Main, documentUrl: null).Error is { } invalid)
        {
            throw new ArgumentException($"twiml is not valid TwiML (Twilio error {invalid.Code}): {invalid.Message}", nameof(request));
        }

        foreach (var (name, url) in new[] { ("url", request.Url), ("fallbackUrl", request.FallbackUrl), ("statusCallback", request.StatusCallback) })
        {
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                throw new ArgumentException($"{name} '{url}' is not an absolute http(s) URL", nameof(request));
            }
        }

        if (request.StatusCallbackEvents?.Any(e => e is not ("initiated" or "ringing" or "answered" or "completed")) == true)
        {
            throw new ArgumentException("statusCallbackEvents must be from: initiated ringing answered completed", nameof(request));
        }

        if (request.WaitSeconds < 0 || !double.IsFinite(request.WaitSeconds))
        {
            throw new ArgumentException("waitSeconds must be finite and not negative", nameof(request));
        }

        return Task.FromResult(engine.PlaceInbound(request));
    }

    public void SetFaults(FaultSettings faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (faults.StatusCallbackDelayMs < 0 || faults.CreateDelayMs < 0 || faults.FailCreates.Any(f => f is null || f.Count < 0))
        {
            throw new ArgumentException("statusCallbackDelayMs, createDelayMs and counts must not be negative", nameof(faults));
        }

        engine.SetFaults(faults);
    }

    /// <summary>Waits (real time) until some call leg matches; throws <see cref="TimeoutException"/> listing the calls otherwise.</summary>
    public async Task<SimulatedCall> WaitForCallAsync(Func<SimulatedCall, bool> predicate, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        while (true)
        {
            var changed = engine.Changed;
            var calls = engine.Snapshot();
            if (calls.FirstOrDefault(predicate) is { } match)
            {
                return match;
            }

            var remaining = timeout - clock.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                var seen = string.Join("; ", calls.Select(c => $"{c.Sid} {c.Direction} {PhoneNumbers.Mask(c.To)} {c.Status}"));
                var errors = string.Join("; ", engine.Errors().Select(e => $"{e.Code} {e.Message}"));
                throw new TimeoutException($"No call matched within {timeout}. Calls: [{seen}]. Errors: [{errors}]");
            }

            await Task.WhenAny(changed, Task.Delay(remaining < TimeSpan.FromMilliseconds(250) ? remaining : TimeSpan.FromMilliseconds(250), clock, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();

            // Coalesce bursts of changes: under load a snapshot per change would cost more than the calls themselves.
            await Task.Delay(TimeSpan.FromMilliseconds(5), clock, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Forgets every call, person, error, fault and counter; calls in flight are dropped without callbacks.</summary>
    public void Reset() => engine.Reset();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        var stopping = engine.StopAsync();
        using (var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await app.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        }

        await stopping.ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        engine.Dispose();
    }

    private sealed class NoHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static void Validate(SimulatorOptions options)
    {
        if (!Sids.IsValid(options.AccountSid, "AC"))
        {
            throw new ArgumentException($"AccountSid '{options.AccountSid}' must be AC followed by 32 hex digits", nameof(options));
        }

        if (string.IsNullOrEmpty(options.AuthToken))
        {
            throw new ArgumentException("AuthToken is required", nameof(options));
        }

        if ((options.ApiKeySid is null) != (options.ApiKeySecret is null) || (options.ApiKeySid is not null && !Sids.IsValid(options.ApiKeySid, "SK")))
        {
            throw new ArgumentException("ApiKeySid (SK + 32 hex) and ApiKeySecret go together", nameof(options));
        }

        if (options.OwnedNumbers.FirstOrDefault(n => !PhoneNumbers.IsE164(n)) is { } bad)
        {
            throw new ArgumentException($"owned number '{bad}' is not E.164", nameof(options));
        }

        if (options.CallsPerSecond < 0 || !double.IsFinite(options.CallsPerSecond))
        {
            throw new ArgumentException("CallsPerSecond must be 0 (unbounded) or more", nameof(options));
        }

        if (options.TimeScale < 0 || !double.IsFinite(options.TimeScale))
        {
            throw new ArgumentException("TimeScale must be finite and not negative", nameof(options));
        }

        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentException("Port must be 0 to 65535", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider);
    }
}
