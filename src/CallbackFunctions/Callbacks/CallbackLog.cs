namespace CallbackFunctions.Callbacks;

/// <summary>Log events of the callback lifecycle (EventIds 1000-1099). Numbers are masked before they get here.</summary>
internal static partial class CallbackLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Callback {CallbackId} created for {Caller} in queue {Queue}, first attempt due {DueAt:O}")]
    public static partial void Created(ILogger logger, string callbackId, string caller, string queue, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Callback {CallbackId}: {From} -> {To}: {Reason}")]
    public static partial void StatusChanged(ILogger logger, string callbackId, string from, string to, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Callback {CallbackId}: event ignored: {Reason}")]
    public static partial void Ignored(ILogger logger, string callbackId, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Callback {CallbackId}: another writer moved first; deciding again")]
    public static partial void Conflict(ILogger logger, string callbackId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Callback {CallbackId} offer {Offer}: calling agent {AgentPhone}, call {CallSid}")]
    public static partial void AgentDialled(ILogger logger, string callbackId, int offer, string agentPhone, string callSid);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Callback {CallbackId} offer {Offer}: Twilio refused the agent call: {Code} {Message}")]
    public static partial void AgentDialRejected(ILogger logger, string callbackId, int offer, int code, string message);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Callback {CallbackId} offer {Offer}: agent call outcome unknown ({Why}); will look it up before retrying")]
    public static partial void AgentDialAmbiguous(ILogger logger, string callbackId, int offer, string why);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Callback {CallbackId} offer {Offer}: found the agent call {CallSid} already placed; not dialling again")]
    public static partial void AgentCallFound(ILogger logger, string callbackId, int offer, string callSid);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Could not hang up call {CallSid}: {Error}")]
    public static partial void HangUpFailed(ILogger logger, string callSid, string error);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Wake-up for callback {CallbackId} generation {Generation} is stale; dropped")]
    public static partial void StaleWakeUp(ILogger logger, string callbackId, long generation);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Sweeper re-armed callback {CallbackId}: its wake-up at {WakeAt:O} was overdue")]
    public static partial void Rearmed(ILogger logger, string callbackId, DateTimeOffset wakeAt);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Sweeper released {What} held by {Holder}, which no longer dials")]
    public static partial void StaleHoldReleased(ILogger logger, string what, string holder);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "Callback {CallbackId}: step {Activity} failed after its retries ({Error}); trying again shortly")]
    public static partial void StepFailed(ILogger logger, string callbackId, string activity, string error);
}
