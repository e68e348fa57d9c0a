namespace CallbackFunctions.Recordings;

/// <summary>Log events of call recordings (EventIds 7500-7519).</summary>
internal static partial class RecordingLog
{
    [LoggerMessage(EventId = 7500, Level = LogLevel.Information, Message = "Callback {CallbackId} attempt {Attempt}: recording {RecordingSid} of call {CallSid} stored ({Seconds} s)")]
    public static partial void Stored(ILogger logger, string callbackId, int attempt, string recordingSid, string callSid, int? seconds);

    [LoggerMessage(EventId = 7501, Level = LogLevel.Information, Message = "Recording {RecordingSid} of callback {CallbackId} is past its storage period ({Period}); deleted at Twilio (it still had it: {Existed})")]
    public static partial void Deleted(ILogger logger, string recordingSid, string callbackId, TimeSpan period, bool existed);

    [LoggerMessage(EventId = 7502, Level = LogLevel.Warning, Message = "Could not delete recording {RecordingSid} at Twilio ({Error}); the next sweep tries again")]
    public static partial void DeleteFailed(ILogger logger, string recordingSid, string error);

    [LoggerMessage(EventId = 7503, Level = LogLevel.Warning, Message = "Callback {CallbackId} attempt {Attempt}: recording {RecordingSid} ended {RecordingStatus}; nothing to keep")]
    public static partial void NotKept(ILogger logger, string callbackId, int attempt, string? recordingSid, string? recordingStatus);
}
