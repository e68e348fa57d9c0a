using System.Collections.Immutable;
using System.Globalization;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Settings;

/// <summary>
/// The callback timing settings (<c>Callbacks__*</c>), their bounds and their validation: the one place that reads,
/// defaults and checks them. Bounds are settings too, so the demo and the tests run in seconds.
/// Every callback takes its timing from <see cref="ToPolicy"/>, with its rule's intervals, customer ring timeout, retries
/// and minimum connection over it; <see cref="Intervals"/> and <see cref="CustomerRingTimeout"/> are what a rule has
/// until an operator saves one (<see cref="DefaultRule"/>), so a saved rule's own values win.
/// <see cref="Intervals"/> is a comma-separated list of durations ("00:01:00,00:05:00").
/// </summary>
public sealed class CallbackOptions
{
    public const string Section = "Callbacks";

    /// <summary>The domain's own defaults (seed 000: a callback expires after 60 minutes), written once, there.</summary>
    private static readonly CallbackPolicy Defaults = new() { Intervals = [] };

    public string Intervals { get; set; } = "00:01:00,00:05:00,00:10:00";
    public TimeSpan Expiry { get; set; } = Defaults.Expiry;
    public TimeSpan AgentRingTimeout { get; set; } = Defaults.AgentRingTimeout;
    public TimeSpan CustomerRingTimeout { get; set; } = Defaults.CustomerRingTimeout;
    public TimeSpan NoAgentRetry { get; set; } = Defaults.NoAgentRetry;
    public TimeSpan WatchdogGrace { get; set; } = Defaults.WatchdogGrace;
    /// <summary>seed 001: each dialing interval is 1 to 60 minutes.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromMinutes(60);
    /// <summary>Longest delay the IVR callback node may ask for.</summary>
    public int MaxIvrDelayMinutes { get; set; } = 24 * 60;
    /// <summary>
    /// issue 15 §6: the most callbacks one number may ask for in a UTC day (IVR requests, call slots, pressing 1 in a
    /// queue; lost calls and agents' schedules do not count). 0: no cap.
    /// </summary>
    public int MaxRequestsPerNumberPerDay { get; set; } = 6;

    /// <summary>
    /// The queue of a missed-call or IVR webhook whose URL names none (<c>?queue=</c>); null: such a webhook makes no
    /// callback, and says so in the log and in <c>/api/health</c>.
    /// </summary>
    public string? DefaultQueue { get; set; }
    /// <summary>The rules' time zone until an operator saves one (IANA id; empty: none, so an undetectable zone fails).</summary>
    public string? DefaultTimeZone { get; set; }
    /// <summary>
    /// The most lines an operator may set (seed 001: 15). A bound, so a setting like the others: only the benchmark
    /// raises it, to measure the engine rather than the product's line cap.
    /// </summary>
    public int LineLimit { get; set; } = AccountState.LineLimit;
    /// <summary>The most attempts (intervals) a rule may have.</summary>
    public int MaxAttempts { get; set; } = 10;
    /// <summary>Region used to read national-format numbers (ISO 3166 code).</summary>
    public string DefaultRegion { get; set; } = "US";
    /// <summary>How late a callback's wake-up must be before the watchdog nudges its orchestration.</summary>
    public TimeSpan SweepLateness { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>How long a finished callback's orchestration history is kept before it is purged (it holds phone numbers).</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(7);
    /// <summary>seed 001: bounds of a rule's recording storage period (1 to 365 days); settings so tests can use seconds.</summary>
    public TimeSpan MinRecordingStorage { get; set; } = RecordingSettings.MinStoragePeriod;
    public TimeSpan MaxRecordingStorage { get; set; } = RecordingSettings.MaxStoragePeriod;
    /// <summary>How often the sweeper looks for recordings past their storage period (each look scans the recordings table).</summary>
    public TimeSpan RecordingSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The timing every new callback starts from; its rule's then apply over it (<see cref="CallbackRule.ApplyTo"/>).</summary>
    public CallbackPolicy ToPolicy() => new()
    {
        Intervals = ParseIntervals(Intervals),
        Expiry = Expiry,
        AgentRingTimeout = AgentRingTimeout,
        CustomerRingTimeout = CustomerRingTimeout,
        NoAgentRetry = NoAgentRetry,
        WatchdogGrace = WatchdogGrace,
    };

    /// <summary>
    /// A rule before an operator saves one (version 0): enabled, with these settings' intervals, customer ring timeout
    /// and time zone. A saved rule that leaves out its intervals or ring timeout takes these too.
    /// </summary>
    public CallbackRule DefaultRule(RuleKind kind) => new()
    {
        Kind = kind,
        Enabled = true,
        Version = 0,
        Intervals = ParseIntervals(Intervals),
        CustomerRingTimeout = CustomerRingTimeout,
        TimeZone = string.IsNullOrWhiteSpace(DefaultTimeZone) ? null : DefaultTimeZone,
    };

    /// <summary>The bounds a saved rule must respect.</summary>
    public RuleBounds RuleBounds => new(MinInterval, MaxInterval, MaxAttempts)
    {
        MinRecordingStorage = MinRecordingStorage,
        MaxRecordingStorage = MaxRecordingStorage,
    };

    /// <summary>Every problem with these settings, each naming its setting; empty when the app can run on them.</summary>
    public IReadOnlyList<string> Validate()
    {
        CallbackPolicy policy;
        try { policy = ToPolicy(); }
        catch (FormatException e) { return [$"Callbacks:Intervals: {e.Message}"]; }
        var problems = policy.Validate(MinInterval, MaxInterval).Select(p => "Callbacks: " + p).ToList();
        if (MinInterval <= TimeSpan.Zero || MaxInterval < MinInterval) problems.Add("Callbacks: MinInterval must be positive and not above MaxInterval");
        if (MinRecordingStorage <= TimeSpan.Zero || MaxRecordingStorage < MinRecordingStorage)
            problems.Add("Callbacks: MinRecordingStorage must be positive and not above MaxRecordingStorage");
        if (MaxIvrDelayMinutes < 0) problems.Add("Callbacks: MaxIvrDelayMinutes must not be negative");
        if (MaxRequestsPerNumberPerDay < 0) problems.Add("Callbacks: MaxRequestsPerNumberPerDay must not be negative (0 = no cap)");
        if (DefaultQueue is not null && !MissedCalls.MissedCallFunctions.IsValidQueue(DefaultQueue))
            problems.Add("Callbacks: DefaultQueue must be a queue name (letters, digits, '_', '.', '-'; at most 64)");
        if (HistoryRetention < TimeSpan.Zero) problems.Add("Callbacks: HistoryRetention must not be negative");
        return problems;
    }

    public static ImmutableArray<TimeSpan> ParseIntervals(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => TimeSpan.TryParse(part, CultureInfo.InvariantCulture, out var t)
                ? t : throw new FormatException($"'{part}' is not a duration like 00:05:00"))];
}

/// <summary>Reports every problem with the callback settings at start-up, by name (<see cref="CallbackOptions.Validate"/>).</summary>
internal sealed class CallbackOptionsValidator : IValidateOptions<CallbackOptions>
{
    public ValidateOptionsResult Validate(string? name, CallbackOptions options) =>
        options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
