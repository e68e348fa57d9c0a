namespace CallbackFunctions.Storage;

/// <summary>Log events of the storage adapters (EventIds 8000-8099).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Warning,
        Message = "Wake-up of callback {CallbackId} (generation {Generation}) not sent: {Error}; the sweeper re-arms it once it is overdue")]
    public static partial void OutboxGaveUp(ILogger logger, string callbackId, long generation, string error);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Stopped with {Count} wake-up(s) not sent; the sweeper re-arms them once they are overdue")]
    public static partial void OutboxLeft(ILogger logger, int count);
}
