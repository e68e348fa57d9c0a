namespace CallbackFunctions.Domain.Callbacks;

/// <summary>The public statuses of a callback (DESIGN §4). Terminal ones never change again.</summary>
public enum CallbackStatus
{
    Queued,
    DialingAgent,
    DialingCustomer,
    Completed,
    Cancelled,
    Expired,
    Failed,
}

public static class CallbackStatusExtensions
{
    public static bool IsTerminal(this CallbackStatus status) =>
        status is CallbackStatus.Completed or CallbackStatus.Cancelled or CallbackStatus.Expired or CallbackStatus.Failed;
}
