namespace CallbackFunctions.TwilioSimulator;

public sealed record CallEvent(DateTimeOffset At, string Status);

/// <summary>A snapshot of one call leg and everything that happened on it.</summary>
public sealed record SimulatedCall
{
    public required string Sid { get; init; }

    public string? ParentCallSid { get; init; }

    public required string AccountSid { get; init; }

    public required string From { get; init; }

    public required string To { get; init; }

    /// <summary>inbound | outbound-api | outbound-dial</summary>
    public required string Direction { get; init; }

    /// <summary>queued | initiated | ringing | in-progress | completed | busy | no-answer | failed | canceled</summary>
    public required string Status { get; init; }

    public string? AnsweredBy { get; init; }

    public DateTimeOffset DateCreated { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    public int? Duration { get; init; }

    public IReadOnlyList<CallEvent> Events { get; init; } = [];

    /// <summary>Every &lt;Say&gt; text and &lt;Play&gt; URL played to this party, in order.</summary>
    public IReadOnlyList<string> Heard { get; init; } = [];

    public string DigitsPressed { get; init; } = "";

    public string? BridgedWith { get; init; }

    public IReadOnlyList<string> RecordingSids { get; init; } = [];

    public bool IsEnded => Status is "completed" or "busy" or "no-answer" or "failed" or "canceled";
}

public sealed record SimulatorStats
{
    public int TotalCalls { get; init; }

    public int CurrentCalls { get; init; }

    /// <summary>Most outbound-api legs alive (initiated until ended) at once.</summary>
    public int MaxConcurrentCalls { get; init; }

    /// <summary>Most live outbound legs (outbound-api and outbound-dial, initiated until ended) to one To number at once.</summary>
    public int MaxConcurrentPerNumber { get; init; }

    /// <summary>Every POST to Calls.json.</summary>
    public int CreateRequests { get; init; }

    /// <summary>Create requests that created no call (auth, validation, status500/status429 faults).</summary>
    public int RejectedRequests { get; init; }

    public int WebhookRequests { get; init; }

    public int WebhookFailures { get; init; }
}

/// <summary>A strictness violation or webhook failure, with Twilio's error code.</summary>
public sealed record SimulatorError(DateTimeOffset At, int Code, string Message, string? CallSid, string? Url);

public sealed record SimulatedRecording(string Sid, string CallSid, DateTimeOffset DateCreated, int? Duration, string Url, bool Deleted);
