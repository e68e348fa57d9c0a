namespace CallbackFunctions.MissedCalls;

/// <summary>What an inbound call's webhook tells us: it was lost (make a callback), served (cancel them), or neither.</summary>
public enum InboundOutcome
{
    Lost,
    Served,
    Neither,
}

/// <summary>
/// Reads the parameters of an <c>&lt;Enqueue action&gt;</c>, a <c>&lt;Dial action&gt;</c> or a call status callback
/// (TWILIO.md §3–4) into an outcome, with the reason shown on the timeline. Unknown values are reported, not guessed.
/// </summary>
public static class InboundOutcomeReader
{
    public static (InboundOutcome Outcome, string Reason, string? Unknown) Read(string? queueResult, string? dialCallStatus, string? callStatus)
    {
        if (!string.IsNullOrEmpty(queueResult))
            return queueResult switch
            {
                "hangup" => (InboundOutcome.Lost, "caller hung up in the queue", null),
                "leave" => (InboundOutcome.Lost, "caller left the queue", null),
                "queue-full" => (InboundOutcome.Lost, "the queue was full", null),
                "error" or "system-error" => (InboundOutcome.Lost, $"the queue failed ({queueResult})", null),
                "bridged" or "bridging-in-process" or "redirected-from-bridged" => (InboundOutcome.Served, "served from the queue", null),
                "redirected" => (InboundOutcome.Neither, "redirected out of the queue", null),
                _ => (InboundOutcome.Neither, "", $"QueueResult={queueResult}"),
            };
        if (!string.IsNullOrEmpty(dialCallStatus))
            return dialCallStatus switch
            {
                "no-answer" => (InboundOutcome.Lost, "no agent answered", null),
                "busy" => (InboundOutcome.Lost, "the agent line was busy", null),
                "failed" => (InboundOutcome.Lost, "the call to an agent failed", null),
                "canceled" => (InboundOutcome.Lost, "the caller hung up while an agent was rung", null),
                "completed" or "answered" => (InboundOutcome.Served, "an agent answered", null),
                _ => (InboundOutcome.Neither, "", $"DialCallStatus={dialCallStatus}"),
            };
        return callStatus switch
        {
            "no-answer" or "busy" or "failed" or "canceled" => (InboundOutcome.Lost, $"the call ended unanswered ({callStatus})", null),
            "completed" or "in-progress" or "ringing" or "initiated" or "queued" => (InboundOutcome.Neither, "call status only", null),
            null or "" => (InboundOutcome.Neither, "", "no QueueResult, DialCallStatus or CallStatus"),
            _ => (InboundOutcome.Neither, "", $"CallStatus={callStatus}"),
        };
    }
}
