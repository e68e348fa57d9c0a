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

    /// <summary>The &lt;Enqueue&gt; queue this call is waiting in now; null when it is in none.</summary>
    public string? Queue { get; init; }

    /// <summary>1-based place in <see cref="Queue"/> by entry order (as the next waitUrl request's QueuePosition); null when in none.</summary>
    public int? QueuePosition { get; init; }

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

/// <summary>A call waiting in a queue.</summary>
public sealed record QueuedCall
{
    public required string CallSid { get; init; }

    /// <summary>1-based, by entry order (the QueuePosition of its next waitUrl request).</summary>
    public int Position { get; init; }

    public DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>Whole seconds waited so far (the QueueTime of its next waitUrl request).</summary>
    public int WaitedSeconds { get; init; }
}

/// <summary>A snapshot of one &lt;Enqueue&gt; queue: the calls waiting in it now, first in first.</summary>
public sealed record SimulatedQueue
{
    public required string Name { get; init; }

    public required string Sid { get; init; }

    public int CurrentSize { get; init; }

    public int MaxSize { get; init; }

    /// <summary>Whole-second average wait of the calls waiting now (the AvgQueueTime of a waitUrl request).</summary>
    public int AverageWaitSeconds { get; init; }

    public IReadOnlyList<QueuedCall> Calls { get; init; } = [];
}
