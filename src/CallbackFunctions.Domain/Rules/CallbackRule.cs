using System.Collections.Immutable;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;

namespace CallbackFunctions.Domain.Rules;

/// <summary>seed 001: a callback rule is chosen by where the call was lost.</summary>
public enum RuleKind
{
    /// <summary>Lost in the IVR, before reaching a queue ("for calls missed in scenario").</summary>
    Scenario,
    /// <summary>Lost at an agent, a queue or a group ("for calls missed in contact center").</summary>
    ContactCenter,
}

public static class RuleKinds
{
    /// <summary>The rule's name as operators and the API write it: <c>scenario</c>, <c>contact-center</c>.</summary>
    public static string Name(this RuleKind kind) => kind == RuleKind.Scenario ? "scenario" : "contact-center";
}

/// <summary>
/// An automatic callback rule (seed 001). Edits make a new <see cref="Version"/>; new settings apply to new missed
/// calls and to attempts not yet started, and each attempt records the version it started with.
/// </summary>
public sealed record CallbackRule
{
    public required RuleKind Kind { get; init; }
    public bool Enabled { get; init; } = true;
    public int Version { get; init; } = 1;
    /// <summary>seed 001: one interval per attempt, each 1 to 60 minutes; the first from the missed call.</summary>
    public required ImmutableArray<TimeSpan> Intervals { get; init; }
    /// <summary>seed 001: the caller ID used when the number the customer called cannot be (an external number).</summary>
    public string? CallerId { get; init; }
    /// <summary>Scenario: the one queue callbacks go to. Contact center: the queue when <see cref="ForwardToQueue"/>.</summary>
    public string? Queue { get; init; }
    /// <summary>Contact center only: on, callbacks go to <see cref="Queue"/>; off, back where the call was lost.</summary>
    public bool ForwardToQueue { get; init; }
    /// <summary>seed 001 "wait for customer response": how long the customer leg rings before the attempt ends.</summary>
    public TimeSpan CustomerRingTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>IANA zone used when the customer's number does not tell (seed 001: else no callback starts).</summary>
    public string? TimeZone { get; init; }
    /// <summary>When callbacks may ring, in the callback's time zone (seed 001 "schedule").</summary>
    public OpeningHours Schedule { get; init; } = OpeningHours.Always;
    /// <summary>seed 001 "voice prompt for agent": played to the agent before the customer is dialled; null = none.</summary>
    public Prompt? AgentPrompt { get; init; }
    /// <summary>seed 001 "outbound call recording": off unless switched on.</summary>
    public RecordingSettings Recording { get; init; } = RecordingSettings.Off;
    /// <summary>seed 004: what an answering machine on the customer leg means; off = no detection.</summary>
    public VoicemailPolicy Voicemail { get; init; } = VoicemailPolicy.Off;
    /// <summary>seed 004 "callback alert": which parts the whisper to the agent speaks; all by default.</summary>
    public WhisperParts Whisper { get; init; } = WhisperParts.All;
    /// <summary>Outcomes with their own retry counter and intervals (issue 4); the others share <see cref="Intervals"/>.</summary>
    public ImmutableDictionary<RetryOutcome, ImmutableArray<TimeSpan>> Retries { get; init; } = ImmutableDictionary<RetryOutcome, ImmutableArray<TimeSpan>>.Empty;
    /// <summary>A customer leg connected for less than this counts as not reached (zero = off).</summary>
    public TimeSpan MinimumConnection { get; init; } = TimeSpan.Zero;

    /// <summary>The timing part of this rule, as a callback (or its next attempt) takes it on.</summary>
    public CallbackPolicy ApplyTo(CallbackPolicy policy) =>
        policy with { Intervals = Intervals, CustomerRingTimeout = CustomerRingTimeout, Retries = Retries, MinimumConnection = MinimumConnection };

    /// <summary>The queue a callback of this rule goes to, given the queue the call was lost in.</summary>
    public string RouteTo(string lostInQueue) => Kind switch
    {
        RuleKind.Scenario => Queue ?? lostInQueue,
        _ => ForwardToQueue && Queue is not null ? Queue : lostInQueue,
    };

    public IReadOnlyList<string> Validate(RuleBounds bounds)
    {
        var problems = new List<string>();
        if (Intervals.IsDefaultOrEmpty) problems.Add("intervals: at least one dialing interval is required");
        else
            for (var i = 0; i < Intervals.Length; i++)
                if (Intervals[i] < bounds.MinInterval || Intervals[i] > bounds.MaxInterval)
                    problems.Add($"intervals: interval {i + 1} is {Intervals[i]}; each must be between {bounds.MinInterval} and {bounds.MaxInterval}");
        if (Intervals.Length > bounds.MaxAttempts) problems.Add($"intervals: at most {bounds.MaxAttempts} attempts");
        foreach (var (outcome, list) in Retries)
        {
            if (list.IsDefaultOrEmpty || list.Length > bounds.MaxAttempts) problems.Add($"retries: {outcome} needs 1 to {bounds.MaxAttempts} intervals");
            else if (list.Any(i => i < bounds.MinInterval || i > bounds.MaxInterval))
                problems.Add($"retries: every {outcome} interval must be between {bounds.MinInterval} and {bounds.MaxInterval}");
        }
        if (MinimumConnection < TimeSpan.Zero || MinimumConnection > TimeSpan.FromMinutes(10)) problems.Add("minimumConnection: between 0 (off) and 10 minutes");
        if (Kind == RuleKind.Scenario && string.IsNullOrWhiteSpace(Queue)) problems.Add("queue: a scenario rule routes to one selected queue");
        if (Kind == RuleKind.ContactCenter && ForwardToQueue && string.IsNullOrWhiteSpace(Queue)) problems.Add("queue: forward to queue needs the queue");
        if (CustomerRingTimeout < TimeSpan.FromSeconds(5) || CustomerRingTimeout > TimeSpan.FromSeconds(600))
            problems.Add("customerRingTimeout: between 5 and 600 seconds (Twilio's <Dial timeout>)");
        problems.AddRange(CallFeatureRules.Validate(this, bounds));
        return problems;
    }
}

/// <summary>The bounds rule settings must respect; settings themselves, so the demo and tests can run in seconds.</summary>
public sealed record RuleBounds(TimeSpan MinInterval, TimeSpan MaxInterval, int MaxAttempts = 10)
{
    /// <summary>seed 001 "storage period" of recordings: 1 to 365 days unless the settings say otherwise.</summary>
    public TimeSpan MinRecordingStorage { get; init; } = RecordingSettings.MinStoragePeriod;
    public TimeSpan MaxRecordingStorage { get; init; } = RecordingSettings.MaxStoragePeriod;
}

/// <summary>
/// The operator's account: the freeze switch (seed 001: frozen, every rule is disabled and dialing stops) and the
/// carrier limits: at most <see cref="MaxLines"/> automatic-callback calls at once (seed 001: at most 15 lines) and
/// at most <see cref="CallsPerSecond"/> new calls a second (Twilio's CPS for REST-created calls, TWILIO.md §7); and what
/// a caller no contact knows gets (<see cref="UnknownCallers"/>, seed 000 "Action on no Lead found"; issue 16 §1).
/// <see cref="HasContacts"/>: set before the first contact is saved, never by the API's account routes; until then no
/// request looks its caller up (an account that keeps no contacts pays no read for them).
/// </summary>
public sealed record AccountState(bool Frozen, DateTimeOffset? ChangedAt, int MaxLines = AccountState.LineLimit, double CallsPerSecond = 1,
    UnknownCallerPolicy UnknownCallers = UnknownCallerPolicy.Ignore, bool HasContacts = false)
{
    /// <summary>Whether a request must look its caller up among the contacts: some may exist, or an unknown caller gets one.</summary>
    public bool LooksUpContacts => HasContacts || UnknownCallers == UnknownCallerPolicy.CreateContact;

    public const int LineLimit = 15;

    /// <param name="lineLimit">The most lines allowed: seed 001's 15, unless a setting raises it (the benchmark).</param>
    public IReadOnlyList<string> Validate(int lineLimit = LineLimit)
    {
        var problems = new List<string>();
        if (MaxLines < 1 || MaxLines > lineLimit) problems.Add($"maxLines: between 1 and {lineLimit}");
        if (CallsPerSecond is <= 0 or > 100) problems.Add("callsPerSecond: more than 0 and at most 100");
        if (!Enum.IsDefined(UnknownCallers)) problems.Add("unknownCallers: ignore or createContact");
        return problems;
    }
}
