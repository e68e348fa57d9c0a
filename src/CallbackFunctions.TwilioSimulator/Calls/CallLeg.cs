using System.Text;
using System.Threading.Channels;

namespace CallbackFunctions.TwilioSimulator.Calls;

internal enum CallDirection
{
    Inbound,
    OutboundApi,
    OutboundDial,
}

/// <summary>Call statuses (TWILIO.md §2). Everything from <see cref="Completed"/> on is terminal.</summary>
internal enum CallStatus
{
    Queued,
    Initiated,
    Ringing,
    InProgress,
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
}

internal static class CallText
{
    public static string Wire(this CallStatus status) => status switch
    {
        CallStatus.Queued => "queued",
        CallStatus.Initiated => "initiated",
        CallStatus.Ringing => "ringing",
        CallStatus.InProgress => "in-progress",
        CallStatus.Completed => "completed",
        CallStatus.Busy => "busy",
        CallStatus.NoAnswer => "no-answer",
        CallStatus.Failed => "failed",
        _ => "canceled",
    };

    /// <summary>The REST <c>status</c> enum has no <c>initiated</c> (TWILIO.md §2): such a call still shows as queued.</summary>
    public static string Rest(this CallStatus status) => status == CallStatus.Initiated ? "queued" : status.Wire();

    public static bool IsTerminal(this CallStatus status) => status >= CallStatus.Completed;

    public static string Wire(this CallDirection direction) => direction switch
    {
        CallDirection.Inbound => "inbound",
        CallDirection.OutboundApi => "outbound-api",
        _ => "outbound-dial",
    };
}

/// <summary>Where a leg's next TwiML comes from: a URL to request (with extra parameters) or an inline document.</summary>
internal sealed record DocRequest(Uri? Url, string Method, string? Twiml, IReadOnlyList<KeyValuePair<string, string>> Extra)
{
    public static DocRequest Fetch(Uri url, string method, params KeyValuePair<string, string>[] extra) => new(url, method, null, extra);

    public static DocRequest Inline(string twiml) => new(null, "POST", twiml, []);
}

internal sealed record StatusCallbackItem(Uri Url, string Method, IReadOnlyList<KeyValuePair<string, string>> Parameters);

/// <summary>One call leg. Mutable; every field is read and written under the simulator state's lock.</summary>
internal sealed class CallLeg
{
    public CallLeg(SimulatorState state, string sid, CallDirection direction, string from, string to, DateTimeOffset now)
    {
        State = state;
        Sid = sid;
        Direction = direction;
        From = from;
        To = to;
        DateCreated = now;
        DateUpdated = now;
        Life = CancellationTokenSource.CreateLinkedTokenSource(state.Token);
        Step = CancellationTokenSource.CreateLinkedTokenSource(Life.Token);
    }

    /// <summary>The run this leg belongs to; its lock guards the leg.</summary>
    public SimulatorState State { get; }

    public string Sid { get; }

    public CallDirection Direction { get; }

    public string From { get; }

    public string To { get; }

    public string? ParentCallSid { get; init; }

    public string CallToken { get; } = Support.Sids.New("CT");

    public CallStatus Status { get; set; } = CallStatus.Queued;

    public DateTimeOffset DateCreated { get; }

    public DateTimeOffset DateUpdated { get; set; }

    public DateTimeOffset? StartTime { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    public string? AnsweredBy { get; set; }

    public List<CallEvent> Events { get; } = [];

    public List<string> Heard { get; } = [];

    public StringBuilder DigitsPressed { get; } = new();

    public string? BridgedWith { get; set; }

    public List<string> RecordingSids { get; } = [];

    // What the call does (from Create Call, Update Call, the inbound request or the <Number> noun).
    public DocRequest? Source { get; set; }

    public Uri? FallbackUrl { get; set; }

    public string FallbackMethod { get; set; } = "POST";

    public Uri? StatusCallback { get; set; }

    public string StatusCallbackMethod { get; set; } = "POST";

    public IReadOnlySet<string> StatusCallbackEvents { get; set; } = new HashSet<string> { "completed" };

    public int TimeoutSeconds { get; set; } = 60;

    public int? TimeLimitSeconds { get; set; }

    public string? MachineDetection { get; set; }

    public bool AsyncAmd { get; set; }

    public Uri? AsyncAmdStatusCallback { get; set; }

    public string AsyncAmdStatusCallbackMethod { get; set; } = "POST";

    public bool Record { get; set; }

    public long QueueTimeMs { get; set; }

    public string? PhoneNumberSid { get; init; }

    // The person on this leg.
    public PersonResponse? Person { get; set; }

    public Queue<string> PendingDigits { get; } = new();

    public QueueOutcome QueueOutcome { get; set; } = QueueOutcome.Hangup;

    public double QueueWaitSeconds { get; set; } = 1;

    /// <summary>The queue this leg is waiting in now (between entering its &lt;Enqueue&gt; and leaving it for any reason).</summary>
    public WaitingQueue? WaitingIn { get; set; }

    // Flow control: Life ends with the call; Step is cancelled to interrupt the running TwiML for a redirect.
    public CancellationTokenSource Life { get; }

    public CancellationTokenSource Step { get; private set; }

    public DocRequest? PendingRedirect { get; set; }

    public bool RunningTwiml { get; set; }

    public int Documents { get; set; }

    public int Redirects { get; set; }

    public int SequenceNumber { get; set; }

    public Channel<StatusCallbackItem>? Callbacks { get; set; }

    public bool CountedOutboundApi { get; set; }

    public bool CountedPerNumber { get; set; }

    public int TimeLimitVersion { get; set; }

    public bool IsEnded => Status.IsTerminal();

    public bool IsAnswered => AnsweredAt is not null;

    /// <summary>Takes a redirect requested through Update Call and gives the TwiML a fresh step token.</summary>
    public bool TakeRedirect(out DocRequest request)
    {
        if (IsEnded || PendingRedirect is null)
        {
            request = null!;
            return false;
        }

        request = PendingRedirect;
        PendingRedirect = null;
        Step = CancellationTokenSource.CreateLinkedTokenSource(Life.Token);
        return true;
    }

    public void AddEvent(DateTimeOffset at, string status)
    {
        Events.Add(new CallEvent(at, status));
        DateUpdated = at;
    }

    public int? DurationSeconds => AnsweredAt is { } answered && EndTime is { } end
        ? (int)Math.Ceiling(Math.Max(0, (end - answered).TotalSeconds))
        : null;

    public SimulatedCall Snapshot(string accountSid) => new()
    {
        Sid = Sid,
        ParentCallSid = ParentCallSid,
        AccountSid = accountSid,
        From = From,
        To = To,
        Direction = Direction.Wire(),
        Status = Status.Wire(),
        AnsweredBy = AnsweredBy,
        DateCreated = DateCreated,
        StartTime = StartTime,
        EndTime = EndTime,
        Duration = Status == CallStatus.Completed ? DurationSeconds : null,
        Events = [.. Events],
        Heard = [.. Heard],
        DigitsPressed = DigitsPressed.ToString(),
        BridgedWith = BridgedWith,
        RecordingSids = [.. RecordingSids],
        Queue = WaitingIn?.Name,
        QueuePosition = WaitingIn?.PositionOf(this),
    };
}
