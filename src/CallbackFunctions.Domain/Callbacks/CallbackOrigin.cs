namespace CallbackFunctions.Domain.Callbacks;

/// <summary>Where a callback came from: a lost inbound call (seed 000, 001) or a caller's request in the IVR (seed 003).</summary>
public enum CallbackOrigin
{
    /// <summary>A lost inbound call: hung up in the queue, the queue full, no agent answered.</summary>
    MissedCall,
    /// <summary>The caller asked for a callback in the IVR.</summary>
    IvrRequest,
}
