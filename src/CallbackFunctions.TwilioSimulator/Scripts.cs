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
    public PersonAnswer Answer { get; init; } = PersonAnswer.Answer;

    /// <summary>Seconds of ringing before the answer (or busy / failed). More than the call's timeout = no-answer.</summary>
    public double RingSeconds { get; init; } = 1;

    /// <summary>Keys pressed when a &lt;Gather&gt; plays to them. Commas separate the answers to successive Gathers
    /// ("1,2"); once they are used up the person presses nothing. Null = presses nothing.</summary>
    public string? Digits { get; init; }

    /// <summary>Seconds they stay bridged before hanging up.</summary>
    public double TalkSeconds { get; init; } = 1;
}

/// <summary>The k-th call to the number uses Responses[k]; the last one repeats.</summary>
public sealed record PersonScript
{
    public PersonScript()
    {
    }

    public PersonScript(params PersonResponse[] responses) => Responses = responses;

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
    public required string From { get; init; }

    public required string To { get; init; }

    /// <summary>The number's voice URL. Exactly one of <see cref="Url"/> and <see cref="Twiml"/>.</summary>
    public string? Url { get; init; }

    public string Method { get; init; } = "POST";

    public string? Twiml { get; init; }

    public string? FallbackUrl { get; init; }

    public QueueOutcome QueueOutcome { get; init; } = QueueOutcome.Hangup;

    /// <summary>Seconds the caller waits in an &lt;Enqueue&gt; before <see cref="QueueOutcome"/> happens.</summary>
    public double WaitSeconds { get; init; } = 1;

    /// <summary>What the caller presses at each &lt;Gather&gt; (commas separate successive Gathers).</summary>
    public string? Digits { get; init; }

    /// <summary>The number's status callback, as configured on a Twilio phone number.</summary>
    public string? StatusCallback { get; init; }

    /// <summary>Subscribed events (initiated ringing answered completed); default completed.</summary>
    public IReadOnlyList<string>? StatusCallbackEvents { get; init; }
}

[JsonConverter(typeof(StrictEnumConverter<CreateFaultKind>))]
public enum CreateFaultKind
{
    /// <summary>500, nothing created.</summary>
    [JsonStringEnumMemberName("status500")] Status500,

    /// <summary>429 code 20429, nothing created.</summary>
    [JsonStringEnumMemberName("status429")] Status429,

    /// <summary>The call is created (and rings) but the response is held 30 s.</summary>
    [JsonStringEnumMemberName("timeout")] Timeout,

    /// <summary>The call is created (and rings) but the answer is 500.</summary>
    [JsonStringEnumMemberName("createdThen500")] CreatedThen500,
}

public sealed record CreateFault
{
    public CreateFaultKind Kind { get; init; }

    public int Count { get; init; } = 1;
}

/// <summary>Misbehaviour on demand. Create faults are consumed one per Create Call request, in order.</summary>
public sealed record FaultSettings
{
    public bool DuplicateStatusCallbacks { get; init; }

    /// <summary>Hold a call's status callbacks until it ends, then deliver them in reverse order.</summary>
    public bool ShuffleStatusCallbacks { get; init; }

    public int StatusCallbackDelayMs { get; init; }

    /// <summary>Answer every Create Call this much later (a slow Twilio): the call is made, the answer is late.</summary>
    public int CreateDelayMs { get; init; }

    public IReadOnlyList<CreateFault> FailCreates { get; init; } = [];
}

/// <summary>String enums only (no integers), using the JSON names above.</summary>
public sealed class StrictEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
