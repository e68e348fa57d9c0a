using System.ComponentModel;
using System.Text.Json.Serialization;

namespace CallbackFunctions.TwilioSimulator;

/// <summary>What a called person does. JSON: "answer" | "busy" | "no-answer" | "failed" | "machine".</summary>
[JsonConverter(typeof(StrictEnumConverter<PersonAnswer>))]
public enum PersonAnswer
{
    [JsonStringEnumMemberName("answer")] Answer,
    [JsonStringEnumMemberName("busy")] Busy,
    [JsonStringEnumMemberName("no-answer")] NoAnswer,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("machine")] Machine,
}

/// <summary>One call to a person: how it rings, what they press, how long they stay.</summary>
public sealed record PersonResponse
{
    [Description("What the person does when the call reaches them; \"machine\" answers as an answering machine.")]
    public PersonAnswer Answer { get; init; } = PersonAnswer.Answer;

    /// <summary>Seconds of ringing before the answer (or busy / failed). More than the call's timeout = no-answer.</summary>
    [Description("Seconds of ringing before the answer (or busy / failed); more than the call's timeout = no-answer. Finite, not negative; scaled by the time scale.")]
    public double RingSeconds { get; init; } = 1;

    /// <summary>Keys pressed when a &lt;Gather&gt; plays to them. Commas separate the answers to successive Gathers
    /// ("1,2"); once they are used up the person presses nothing. Null = presses nothing.</summary>
    [Description("Keys pressed at each <Gather> played to them: 0-9 * #, commas separate the answers to successive Gathers (\"1,2\"); once used up, nothing is pressed. null = presses nothing.")]
    public string? Digits { get; init; }

    /// <summary>Seconds they stay bridged before hanging up.</summary>
    [Description("Seconds they stay on once answered (bridged) before hanging up. Finite, not negative; scaled by the time scale.")]
    public double TalkSeconds { get; init; } = 1;
}

/// <summary>The k-th call to the number uses Responses[k]; the last one repeats.</summary>
public sealed record PersonScript
{
    public PersonScript()
    {
    }

    public PersonScript(params PersonResponse[] responses) => Responses = responses;

    [Description("The k-th call to the number uses responses[k]; the last one repeats. Empty = every call is answered with the defaults below.")]
    public IReadOnlyList<PersonResponse> Responses { get; init; } = [];

    public static PersonScript Answers(double ringSeconds = 1, double talkSeconds = 1, string? digits = null) =>
        new(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = ringSeconds, TalkSeconds = talkSeconds, Digits = digits });
}

/// <summary>How a caller's stay in an &lt;Enqueue&gt; ends (the <c>QueueResult</c> sent to its action).</summary>
[JsonConverter(typeof(StrictEnumConverter<QueueOutcome>))]
public enum QueueOutcome
{
    [JsonStringEnumMemberName("hangup")] Hangup,
    [JsonStringEnumMemberName("bridged")] Bridged,
    [JsonStringEnumMemberName("leave")] Leave,
    [JsonStringEnumMemberName("queue-full")] QueueFull,
    [JsonStringEnumMemberName("error")] Error,
    [JsonStringEnumMemberName("system-error")] SystemError,
}

/// <summary>A customer calls one of our numbers.</summary>
public sealed record InboundCallRequest
{
    [Description("The caller, E.164 (e.g. +14155550111).")]
    public required string From { get; init; }

    [Description("The number called, E.164; one of the simulator's owned numbers when it has any.")]
    public required string To { get; init; }

    /// <summary>The number's voice URL. Exactly one of <see cref="Url"/> and <see cref="Twiml"/>.</summary>
    [Description("The number's voice URL (absolute http(s)) the simulator fetches TwiML from, signed. Exactly one of url and twiml.")]
    public string? Url { get; init; }

    [Description("How url is requested: \"GET\" or \"POST\".")]
    public string Method { get; init; } = "POST";

    [Description("Inline TwiML to run instead of fetching url, e.g. <Response><Say>Hello</Say></Response>: a whole document, its URLs absolute; one that does not parse is refused (400). Exactly one of url and twiml.")]
    public string? Twiml { get; init; }

    [Description("Absolute http(s) URL requested when url fails, as Twilio's voice fallback URL.")]
    public string? FallbackUrl { get; init; }

    [Description("How the caller's stay in an <Enqueue> ends (the QueueResult sent to its action).")]
    public QueueOutcome QueueOutcome { get; init; } = QueueOutcome.Hangup;

    /// <summary>Seconds the caller waits in an &lt;Enqueue&gt; before <see cref="QueueOutcome"/> happens.</summary>
    [Description("Seconds the caller waits in an <Enqueue> before queueOutcome happens. Finite, not negative.")]
    public double WaitSeconds { get; init; } = 1;

    /// <summary>What the caller presses at each &lt;Gather&gt; (commas separate successive Gathers).</summary>
    [Description("What the caller presses at each <Gather>: 0-9 * #, commas separate successive Gathers.")]
    public string? Digits { get; init; }

    /// <summary>The number's status callback, as configured on a Twilio phone number.</summary>
    [Description("The number's status callback URL (absolute http(s)), as configured on a Twilio phone number.")]
    public string? StatusCallback { get; init; }

    /// <summary>Subscribed events (initiated ringing answered completed); default completed.</summary>
    [Description("Events sent to statusCallback, from \"initiated\" \"ringing\" \"answered\" \"completed\"; null = completed only.")]
    public IReadOnlyList<string>? StatusCallbackEvents { get; init; }
}

[JsonConverter(typeof(StrictEnumConverter<CreateFaultKind>))]
public enum CreateFaultKind
{
    /// <summary>500, nothing created.</summary>
    [Description("500, nothing created.")]
    [JsonStringEnumMemberName("status500")] Status500,

    /// <summary>429 code 20429, nothing created.</summary>
    [Description("429 with code 20429, nothing created.")]
    [JsonStringEnumMemberName("status429")] Status429,

    /// <summary>The call is created (and rings) but the response is held 30 s.</summary>
    [Description("The call is created (and rings) but the answer is held 30 s.")]
    [JsonStringEnumMemberName("timeout")] Timeout,

    /// <summary>The call is created (and rings) but the answer is 500.</summary>
    [Description("The call is created (and rings) but the answer is 500.")]
    [JsonStringEnumMemberName("createdThen500")] CreatedThen500,
}

public sealed record CreateFault
{
    [Description("What goes wrong.")]
    public CreateFaultKind Kind { get; init; }

    [Description("How many Create Call requests in a row it hits. Not negative.")]
    public int Count { get; init; } = 1;
}

/// <summary>Misbehaviour on demand. Create faults are consumed one per Create Call request, in order.</summary>
public sealed record FaultSettings
{
    [Description("Send every status callback twice.")]
    public bool DuplicateStatusCallbacks { get; init; }

    /// <summary>Hold a call's status callbacks until it ends, then deliver them in reverse order.</summary>
    [Description("Hold a call's status callbacks until it ends, then send them in reverse order.")]
    public bool ShuffleStatusCallbacks { get; init; }

    [Description("Delay every status callback by this many milliseconds. Not negative.")]
    public int StatusCallbackDelayMs { get; init; }

    /// <summary>Answer every Create Call this much later (a slow Twilio): the call is made, the answer is late.</summary>
    [Description("Answer every Create Call this much later (a slow Twilio): the call is made, the answer is late. Not negative.")]
    public int CreateDelayMs { get; init; }

    [Description("Faults handed out one per Create Call request, in order, each count times.")]
    public IReadOnlyList<CreateFault> FailCreates { get; init; } = [];
}

/// <summary>String enums only (no integers), using the JSON names above.</summary>
public sealed class StrictEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
