namespace CallbackFunctions.Domain.Callbacks;

/// <summary>Where a callback came from: a lost inbound call (seed 000, 001) or a caller's request in the IVR (seed 003).</summary>
public enum CallbackOrigin
{
    MissedCall,
    IvrRequest,
}
