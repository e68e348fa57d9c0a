namespace CallbackFunctions.Domain.Callbacks;

/// <summary>What asked for a callback. One live callback per person and queue may have several (issue 15 §4).</summary>
public enum TriggerKind
{
    /// <summary>An inbound call was lost: hung up in the queue, queue full, no agent answered (seed 000, 001).</summary>
    LostCall,
    /// <summary>The caller asked in the IVR, for now, later, or a call slot they picked (seed 003).</summary>
    IvrRequest,
    /// <summary>The caller pressed 1 while waiting in the queue and keeps their place (seed 002: a caller in a queue
    /// requesting to be called back; seed 003: "without losing the waiting position", virtual queuing).</summary>
    QueuePress1,
    /// <summary>An agent scheduled it for a person, at an explicit time (seed 002: callbacks instigated by agents).</summary>
    AgentScheduled,
}
