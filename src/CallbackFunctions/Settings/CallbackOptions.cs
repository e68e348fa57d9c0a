using System.Collections.Immutable;
using System.Globalization;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Settings;

/// <summary>
/// The callback timing rules and their bounds. Bounds are settings too, so the demo and the tests run in seconds.
/// <see cref="Intervals"/> is a comma-separated list of durations ("00:01:00,00:05:00").
/// </summary>
public sealed class CallbackOptions
{
    public const string Section = "Callbacks";
    public string Intervals { get; set; } = "00:01:00,00:05:00,00:10:00";
    public TimeSpan Expiry { get; set; } = TimeSpan.FromMinutes(60);
    public TimeSpan AgentRingTimeout { get; set; } = TimeSpan.FromSeconds(20);
    public TimeSpan CustomerRingTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan NoAgentRetry { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan WatchdogGrace { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>seed 001: each dialing interval is 1 to 60 minutes.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromMinutes(60);
    /// <summary>Longest delay the IVR callback node may ask for.</summary>
    public int MaxIvrDelayMinutes { get; set; } = 24 * 60;

    /// <summary>
    /// The queue of a missed-call or IVR webhook whose URL names none (<c>?queue=</c>); null: such a webhook makes no
    /// callback, and says so in the log and in <c>/api/health</c>.
    /// </summary>
    public string? DefaultQueue { get; set; }
    /// <summary>The rules' time zone until an operator sets one (IANA id; empty: none, so an undetectable zone fails).</summary>
    public string? DefaultTimeZone { get; set; }
    /// <summary>
    /// The most lines an operator may set (seed 001: 15). A bound, so a setting like the others: only the benchmark
    /// raises it, to measure the engine rather than the product's line cap.
    /// </summary>
    public int LineLimit { get; set; } = Domain.Rules.AccountState.LineLimit;
    /// <summary>The most attempts (intervals) a rule may have.</summary>
    public int MaxAttempts { get; set; } = 10;
    /// <summary>Region used to read national-format numbers (ISO 3166 code).</summary>
    public string DefaultRegion { get; set; } = "US";
    /// <summary>How late a callback's wake-up must be before the watchdog nudges its orchestration.</summary>
    public TimeSpan SweepLateness { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>How long a finished callback's orchestration history is kept before it is purged (it holds phone numbers).</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(7);
    /// <summary>seed 001: bounds of a rule's recording storage period (1 to 365 days); settings so tests can use seconds.</summary>
    public TimeSpan MinRecordingStorage { get; set; } = TimeSpan.FromDays(1);
    public TimeSpan MaxRecordingStorage { get; set; } = TimeSpan.FromDays(365);
    /// <summary>How often the sweeper looks for recordings past their storage period (each look scans the recordings table).</summary>
    public TimeSpan RecordingSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    public CallbackPolicy ToPolicy() => new()
    {
        Intervals = ParseIntervals(Intervals),
        Expiry = Expiry,
        AgentRingTimeout = AgentRingTimeout,
        CustomerRingTimeout = CustomerRingTimeout,
        NoAgentRetry = NoAgentRetry,
        WatchdogGrace = WatchdogGrace,
    };

    public IReadOnlyList<string> Validate()
    {
        ImmutableArray<TimeSpan> intervals;
        try { intervals = ParseIntervals(Intervals); }
        catch (FormatException e) { return [$"Callbacks:Intervals: {e.Message}"]; }
        var problems = (new CallbackPolicy { Intervals = intervals, Expiry = Expiry, AgentRingTimeout = AgentRingTimeout,
            CustomerRingTimeout = CustomerRingTimeout, NoAgentRetry = NoAgentRetry, WatchdogGrace = WatchdogGrace })
            .Validate(MinInterval, MaxInterval).Select(p => "Callbacks: " + p).ToList();
        if (MinInterval <= TimeSpan.Zero || MaxInterval < MinInterval) problems.Add("Callbacks: MinInterval must be positive and not above MaxInterval");
        if (MinRecordingStorage <= TimeSpan.Zero || MaxRecordingStorage < MinRecordingStorage)
            problems.Add("Callbacks: MinRecordingStorage must be positive and not above MaxRecordingStorage");
        if (MaxIvrDelayMinutes < 0) problems.Add("Callbacks: MaxIvrDelayMinutes must not be negative");
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
