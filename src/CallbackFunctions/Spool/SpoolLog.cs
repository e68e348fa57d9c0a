namespace CallbackFunctions.Spool;

/// <summary>Log events of the spool's replay (EventIds 2003-2004, from the missed calls' block, where the spool began).</summary>
internal static partial class SpoolLog
{
    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Replayed spooled webhook {File}")]
    public static partial void Replayed(ILogger logger, string file);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Storage still unreachable ({Error}); {Pending} spooled webhook(s) waiting")]
    public static partial void ReplayWaiting(ILogger logger, int pending, string error);
}
