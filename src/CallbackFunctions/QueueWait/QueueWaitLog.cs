namespace CallbackFunctions.QueueWait;

internal static partial class QueueWaitLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "{Caller} pressed 1 in queue {Queue} after waiting {WaitedSeconds} s: a callback keeps their place")]
    public static partial void Pressed1(ILogger logger, string caller, string queue, int waitedSeconds);
}
