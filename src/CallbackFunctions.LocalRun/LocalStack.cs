using System.Net.Http.Json;
using CallbackFunctions.LocalRun.Durable;
using CallbackFunctions.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using CallbackFunctions.TwilioSimulator;
using Simulator = CallbackFunctions.TwilioSimulator.TwilioSimulator;
using SimulatorOptions = CallbackFunctions.TwilioSimulator.SimulatorOptions;

namespace CallbackFunctions.LocalRun;

/// <summary>How the local stack is put together; durations are scaled to seconds for the demo and the tests.</summary>
public sealed record LocalStackOptions
{
    public string Intervals { get; init; } = "00:00:03,00:00:03,00:00:03,00:00:03,00:00:03";
    public TimeSpan Expiry { get; init; } = TimeSpan.FromSeconds(25);
    public TimeSpan AgentRingTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan CustomerRingTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan NoAgentRetry { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan WatchdogGrace { get; init; } = TimeSpan.FromSeconds(4);
    public double CallsPerSecond { get; init; }
    public double TimeScale { get; init; } = 1.0;
    /// <summary>Our Twilio numbers (caller IDs); the simulator refuses any other From.</summary>
    public IReadOnlyList<string> OwnedNumbers { get; init; } = [LocalStack.SupportNumber];
    /// <summary>A storage connection string to use instead of starting Azurite.</summary>
    public string? StorageConnectionString { get; init; }
    /// <summary>Table and queue names are prefixed with this (tests give each class its own).</summary>
    public string Prefix { get; init; } = "local";
    /// <summary>The app's port on 127.0.0.1; 0: a free one.</summary>
    public int AppPort { get; init; }
    /// <summary>The Twilio simulator's port on 127.0.0.1; 0: a free one.</summary>
    public int SimulatorPort { get; init; }
    /// <summary>False: start only storage and the simulator (a test then runs the app as its own process).</summary>
    public bool StartApp { get; init; } = true;
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;
    /// <summary>False: the app's logs go only to <see cref="LogCapture"/> (<c>./run.sh</c> without --verbose writes them to a file).</summary>
    public bool ConsoleLogs { get; init; } = true;
    public IReadOnlyDictionary<string, string?> ExtraSettings { get; init; } = new Dictionary<string, string?>();
    /// <summary>Also gets every log entry of the app and its Durable backend from the start (tests capture them).</summary>
    public ILoggerProvider? LogCapture { get; init; }
    /// <summary>Classes whose <c>[TimerTrigger]</c> functions the app runs besides its own (tests add theirs here).</summary>
    public IReadOnlyList<Type> ExtraTimerTypes { get; init; } = [];
    /// <summary>Orchestrators and activities the app's worker registers beside its own (the benchmark's floor).</summary>
    public Action<Microsoft.DurableTask.DurableTaskRegistry>? ExtraTasks { get; init; }
}

/// <summary>
/// Everything a local run needs, on loopback: Azurite, the Twilio simulator and the app, wired to each other. Used by
/// <c>./run.sh</c>, the demo, the benchmark and the end-to-end tests.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    public const string SupportNumber = "+14155550100";

    public Azurite? Azurite { get; private set; }
    public Simulator Simulator { get; private set; } = null!;
    public LocalAppHost? Host { get; private set; }
    public WebApplication App => Host?.App ?? throw new InvalidOperationException("this stack runs no app of its own");
    public Uri AppUrl { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;
    public string StorageConnectionString { get; private set; } = "";
    public LocalStackOptions Options { get; private set; } = null!;
    public IReadOnlyDictionary<string, string?> AppSettings { get; private set; } = null!;
    public LocalDurableOptions? DurableOptions => Host?.DurableOptions;

    /// <summary>The task hub of a prefix: Durable allows letters and digits only.</summary>
    public static string TaskHubFor(string prefix) => "hub" + new string([.. prefix.Where(char.IsAsciiLetterOrDigit)]);

    public static async Task<LocalStack> StartAsync(LocalStackOptions options, ILoggerFactory? simulatorLogs = null, CancellationToken ct = default)
    {
        var stack = new LocalStack { Options = options };
        try
        {
            if (options.StorageConnectionString is null)
            {
                stack.Azurite = await Azurite.StartAsync(ct: ct);
                stack.StorageConnectionString = stack.Azurite.ConnectionString;
            }
            else
            {
                stack.StorageConnectionString = options.StorageConnectionString;
            }
            stack.Simulator = await Simulator.StartAsync(new SimulatorOptions
            {
                CallsPerSecond = options.CallsPerSecond,
                TimeScale = options.TimeScale,
                OwnedNumbers = new HashSet<string>(options.OwnedNumbers, StringComparer.Ordinal),
                Port = options.SimulatorPort,
            }, simulatorLogs, ct);
            for (var attempt = 1; ; attempt++)
            {
                var port = options.AppPort == 0 ? Azurite.FreePort() : options.AppPort;
                stack.AppUrl = new Uri($"http://127.0.0.1:{port}");
                stack.AppSettings = stack.SettingsFor(stack.AppUrl);
                stack.Api?.Dispose();
                stack.Api = new HttpClient { BaseAddress = stack.AppUrl, Timeout = TimeSpan.FromSeconds(30) };
                if (!options.StartApp) return stack;
                try
                {
                    stack.Host = await LocalAppHost.StartAsync(stack.AppSettings, stack.AppUrl.AbsoluteUri, options.MinimumLogLevel,
                        new LocalAppHostExtras { LogCapture = options.LogCapture, TimerTypes = options.ExtraTimerTypes, ConsoleLogs = options.ConsoleLogs, Tasks = options.ExtraTasks }, ct);
                    return stack;
                }
                catch (IOException e) when (options.AppPort == 0 && attempt < 5 && e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
                {
                    // A port we picked was checked free, then another listener (a stack started beside this one) took it
                    // before the app bound it: pick another.
                }
            }
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>The app's settings, as environment-style keys: also what a second app process gets.</summary>
    public IReadOnlyDictionary<string, string?> SettingsFor(Uri appUrl)
    {
        var o = Options;
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = StorageConnectionString,
            ["DurableTaskHubName"] = TaskHubFor(o.Prefix),
            ["Storage:TablePrefix"] = o.Prefix,
            ["Twilio:AccountSid"] = Simulator.Options.AccountSid,
            ["Twilio:AuthToken"] = Simulator.Options.AuthToken,
            ["Twilio:ApiBaseUrl"] = Simulator.BaseUrl.AbsoluteUri,
            ["Twilio:WebhookBaseUrl"] = appUrl.AbsoluteUri,
            ["Twilio:OwnedNumbers"] = string.Join(",", o.OwnedNumbers),
            ["LocalHost:Timers:Watchdog"] = "00:00:10",
            ["Spool:Path"] = Path.Combine(Path.GetTempPath(), "callbackfunctions-spool-" + o.Prefix + "-" + Guid.NewGuid().ToString("N")[..8]),
        };
        foreach (var (k, v) in CallbackSettings(o)) settings[k] = v;
        foreach (var (k, v) in o.ExtraSettings) settings[k] = v;
        return settings;
    }

    /// <summary>The callback timings of <paramref name="o"/> as settings (seconds for minutes, by default).</summary>
    public static IReadOnlyDictionary<string, string?> CallbackSettings(LocalStackOptions o) => new Dictionary<string, string?>
    {
        ["Callbacks:Intervals"] = o.Intervals,
        ["Callbacks:Expiry"] = o.Expiry.ToString(),
        ["Callbacks:AgentRingTimeout"] = o.AgentRingTimeout.ToString(),
        ["Callbacks:CustomerRingTimeout"] = o.CustomerRingTimeout.ToString(),
        ["Callbacks:NoAgentRetry"] = o.NoAgentRetry.ToString(),
        ["Callbacks:WatchdogGrace"] = o.WatchdogGrace.ToString(),
        ["Callbacks:MinInterval"] = "00:00:01",
        ["Callbacks:SweepLateness"] = "00:00:20",
    };

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public StorageOperationCounter StorageCounter => Service<StorageOperationCounter>();

    public async Task PutAgentAsync(string id, string name, string phone, params string[] queues)
    {
        var response = await Api.PutAsJsonAsync($"/api/agents/{id}", new { name, phone, queues });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// A customer calls our number and their stay in the queue ends with <paramref name="outcome"/>. Returns once the
    /// call has ended and, for a lost call, once the app has taken in the Enqueue action (Twilio requests it after the
    /// caller has gone, so the end of the call alone does not say the app has seen it).
    /// </summary>
    public async Task<SimulatedCall> CallInAsync(string from, QueueOutcome outcome, string queue, double waitSeconds = 0.2, CancellationToken ct = default)
    {
        var call = await Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = from,
            To = SupportNumber,
            Twiml = $"<Response><Enqueue action=\"{AppUrl}api/twilio/missed-call?queue={queue}\">{queue}</Enqueue></Response>",
            QueueOutcome = outcome,
            WaitSeconds = waitSeconds,
        }, ct);
        var ended = await Simulator.WaitForCallAsync(c => c.Sid == call.Sid && c.EndTime is not null, TimeSpan.FromSeconds(15), ct);
        if (outcome == QueueOutcome.Bridged) return ended;
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!await TookInAsync(from, call.Sid, ct))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(15)) throw new TimeoutException($"the app never took in the lost call {call.Sid}");
            await Task.Delay(50, ct);
        }
        return ended;
    }

    /// <summary>Whether a callback of <paramref name="from"/> came from the call, or took it in as one more trigger (a merge).</summary>
    private async Task<bool> TookInAsync(string from, string callSid, CancellationToken ct)
    {
        var list = await Api.GetStringAsync("/api/callbacks?pageSize=1000&caller=" + Uri.EscapeDataString(from), ct);
        if (list.Contains(callSid, StringComparison.Ordinal)) return true;
        foreach (var id in System.Text.RegularExpressions.Regex.Matches(list, "\"id\":\"(cb-[0-9a-f]+)\"").Select(m => m.Groups[1].Value))
            if ((await Api.GetStringAsync($"/api/callbacks/{id}", ct)).Contains(callSid, StringComparison.Ordinal)) return true;
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
    }
}
