namespace CallbackFunctions.Domain.Callbacks;

/// <summary>The public statuses of a callback (DESIGN §4). Terminal ones never change again.</summary>
public enum CallbackStatus
{
    /// <summary>Waiting for its due time, or for a free agent.</summary>
    Queued,
    /// <summary>An agent's phone is ringing, or the agent hears the whisper.</summary>
    DialingAgent,
    /// <summary>The agent accepted; the customer's phone is ringing.</summary>
    DialingCustomer,
    /// <summary>The customer answered (terminal).</summary>
    Completed,
    /// <summary>Served on a later call, superseded by a newer missed call, dialled by hand, or cancelled by an operator (terminal).</summary>
    Cancelled,
    /// <summary>No success before the expiry (terminal).</summary>
    Expired,
    /// <summary>Every attempt failed (terminal).</summary>
    Failed,
}

public static class CallbackStatusExtensions
{
    public static bool IsTerminal(this CallbackStatus status) =>
        status is CallbackStatus.Completed or CallbackStatus.Cancelled or CallbackStatus.Expired or CallbackStatus.Failed;
}
