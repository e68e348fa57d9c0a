namespace CallbackFunctions.Hosting;

/// <summary>Log events of the queue poller, the sweeper and the host contract (EventIds 4000-4099).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "Wake-up message {MessageId} failed (try {DequeueCount}); it will be retried")]
    public static partial void WakeUpFailed(ILogger logger, Exception exception, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Wake-up message {MessageId} failed {DequeueCount} times; moved to the poison queue {PoisonQueue}")]
    public static partial void MovedToPoison(ILogger logger, string messageId, long dequeueCount, string poisonQueue);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Unreadable wake-up message {MessageId}; moved to the poison queue")]
    public static partial void Unreadable(ILogger logger, string messageId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Timer queue poll failed: {Error}")]
    public static partial void PollFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Sweep: re-armed {Rearmed} overdue callback(s), released {Released} stale agent hold(s)")]
    public static partial void Swept(ILogger logger, int rearmed, int released);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Function {Function} invocation failed")]
    public static partial void InvocationFailed(ILogger logger, Exception exception, string function);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Running standalone: polling {Queue} every {IdlePoll} when idle, lease {Lease}")]
    public static partial void Standalone(ILogger logger, string queue, TimeSpan idlePoll, TimeSpan lease);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Wake-up message {MessageId} waited for a slot past its lease and could not be renewed; it is delivered again")]
    public static partial void LeaseLost(ILogger logger, string messageId);
}
