namespace CallbackFunctions.Domain.Callbacks;

/// <summary>
/// What first asked for a callback: a lost inbound call (seed 000, 001), a caller's request in the IVR (seed 003), a
/// caller who pressed 1 while waiting in the queue (seed 002, 003: virtual queue), or an agent's schedule (seed 002).
/// Later requests for the same person and queue merge into it (<see cref="Callback.Triggers"/>).
/// </summary>
public enum CallbackOrigin
{
    /// <summary>A lost inbound call: hung up in the queue, the queue full, no agent answered.</summary>
    MissedCall,
    /// <summary>The caller asked for a callback in the IVR (now, later, or a call slot they picked).</summary>
    IvrRequest,
    /// <summary>The caller pressed 1 while waiting in the queue and keeps their place in line.</summary>
    QueueRequest,
    /// <summary>An agent or operator scheduled it (<c>POST /api/callbacks</c>).</summary>
    Scheduled,
}
