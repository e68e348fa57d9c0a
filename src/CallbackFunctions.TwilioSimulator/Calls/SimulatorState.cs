using System.Threading.Channels;

namespace CallbackFunctions.TwilioSimulator.Calls;

/// <summary>
/// Everything one run of the simulator knows. <see cref="TwilioSimulator.Reset"/> swaps in a new instance and cancels
/// the old one's token, so stragglers of the old run can only touch the old state.
/// </summary>
internal sealed class SimulatorState
{
    public SimulatorState(CancellationToken shutdown)
    {
        Cts = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
    }

    public object Sync { get; } = new();

    public CancellationTokenSource Cts { get; }

    public CancellationToken Token => Cts.Token;

    public List<CallLeg> Calls { get; } = [];

    public Dictionary<string, CallLeg> BySid { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PersonScript> People { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> CallsToNumber { get; } = new(StringComparer.Ordinal);

    public List<SimulatorError> Errors { get; } = [];

    public List<SimulatedRecording> Recordings { get; } = [];

    public FaultSettings Faults { get; set; } = new();

    /// <summary>&lt;Enqueue&gt; queues by QueueSid (one per account + name), created when a call first enters one.</summary>
    public Dictionary<string, WaitingQueue> Queues { get; } = new(StringComparer.Ordinal);

    /// <summary>Create faults still to hand out, one per Create Call.</summary>
    public Queue<CreateFaultKind> PendingCreateFaults { get; } = new();

    /// <summary>Calls waiting for their CPS slot.</summary>
    public Channel<CallLeg> CpsQueue { get; } = Channel.CreateUnbounded<CallLeg>(new UnboundedChannelOptions { SingleReader = true });

    public int QueuedCount { get; set; }

    public DateTimeOffset NextRelease { get; set; }

    public int TotalCalls { get; set; }

    public int CreateRequests { get; set; }

    public int RejectedRequests { get; set; }

    public int WebhookRequests { get; set; }

    public int WebhookFailures { get; set; }

    public int LiveOutboundApi { get; set; }

    public int MaxConcurrentCalls { get; set; }

    public Dictionary<string, int> LivePerNumber { get; } = new(StringComparer.Ordinal);

    public int MaxConcurrentPerNumber { get; set; }

    /// <summary>The script of the next call to <paramref name="number"/> (the k-th call uses the k-th response, the last repeats).</summary>
    public PersonResponse NextResponse(string number)
    {
        var k = CallsToNumber.GetValueOrDefault(number);
        CallsToNumber[number] = k + 1;
        return People.TryGetValue(number, out var script) && script.Responses.Count > 0
            ? script.Responses[Math.Min(k, script.Responses.Count - 1)]
            : new PersonResponse();
    }

    public SimulatorStats Stats() => new()
    {
        TotalCalls = TotalCalls,
        CurrentCalls = Calls.Count(c => !c.IsEnded),
        MaxConcurrentCalls = MaxConcurrentCalls,
        MaxConcurrentPerNumber = MaxConcurrentPerNumber,
        CreateRequests = CreateRequests,
        RejectedRequests = RejectedRequests,
        WebhookRequests = WebhookRequests,
        WebhookFailures = WebhookFailures,
    };
}
