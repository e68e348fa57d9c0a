namespace CallbackFunctions.MissedCalls;

/// <summary>Log events of missed calls and IVR requests (EventIds 2000-2099; 2003-2004 are the spool's, in SpoolLog).</summary>
internal static partial class MissedCallLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "No callback for a lost call from {Caller}: {Problem}")]
    public static partial void NoCallback(ILogger logger, string caller, string problem);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Caller {Caller} was served; cancelling {Count} pending callback(s)")]
    public static partial void Served(ILogger logger, string caller, int count);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Storage unreachable or too slow for Twilio's budget while handling a webhook ({Error}); spooled it locally, {Pending} waiting")]
    public static partial void Spooled(ILogger logger, string error, int pending);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Missed-call webhook ignored: {What}")]
    public static partial void Unrecognised(ILogger logger, string what);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Could not check whether an agent serves queue '{Queue}' ({Error}); the callback is made all the same")]
    public static partial void ServedCheckSkipped(ILogger logger, string queue, string error);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Could not note {Code} for {Caller} for the API ({Error}); the webhook's answer was not affected")]
    public static partial void NoteFailed(ILogger logger, string caller, string code, string error);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Debug, Message = "Noted {Code} for {Caller} for the API (already noted by an earlier delivery: {Repeated})")]
    public static partial void Noted(ILogger logger, string caller, string code, bool repeated);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Too many webhooks at once for storage: spooled one locally to replay shortly, {Pending} waiting")]
    public static partial void Shed(ILogger logger, int pending);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "A request for {Caller} in {Queue} merges into their live callback {CallbackId}")]
    public static partial void Merged(ILogger logger, string caller, string queue, string callbackId);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Could not remember inbound call {CallSid} for scheduling by CallSid: {Error}")]
    public static partial void SeenCallNotSaved(ILogger logger, string callSid, string error);
}
