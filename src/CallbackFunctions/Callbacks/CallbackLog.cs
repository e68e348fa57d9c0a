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

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Watchdog nudged callback {CallbackId}: its wake-up at {WakeAt:O} was overdue (orchestration {Runtime})")]
    public static partial void Nudged(ILogger logger, string callbackId, DateTimeOffset wakeAt, string runtime);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Information, Message = "Watchdog: nudged {Nudged} overdue callback(s), released {Released} stale hold(s)")]
    public static partial void Swept(ILogger logger, int nudged, int released);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Watchdog released {What} held by {Holder}, which no longer dials")]
    public static partial void StaleHoldReleased(ILogger logger, string what, string holder);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "Callback {CallbackId}: step {Activity} failed after its retries ({Error}); trying again shortly")]
    public static partial void StepFailed(ILogger logger, string callbackId, string activity, string error);

    [LoggerMessage(EventId = 1026, Level = LogLevel.Warning, Message = "Callback {CallbackId}: step {Activity} failed ({ErrorType}: {Error}); Durable runs it again (the step is idempotent)")]
    public static partial void StepTryFailed(ILogger logger, string callbackId, string activity, string errorType, string error);

    [LoggerMessage(EventId = 1027, Level = LogLevel.Debug, Message = "Callback {CallbackId}: an agent was freed while it joined the line of those waiting; it looks again")]
    public static partial void FreedWhileJoining(ILogger logger, string callbackId);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "Callback {CallbackId}: step {Version} was saved already ({Status}) by an earlier run of the same step; not saved again")]
    public static partial void StepAlreadySaved(ILogger logger, string callbackId, long version, string status);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Debug, Message = "Callback {CallbackId}: orchestration started")]
    public static partial void Started(ILogger logger, string callbackId);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Debug, Message = "Callback {CallbackId}: orchestration runs already (a repeated webhook)")]
    public static partial void AlreadyStarted(ILogger logger, string callbackId);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Debug, Message = "Callback {CallbackId}: told {Event}")]
    public static partial void Told(ILogger logger, string callbackId, string @event);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "Callback {CallbackId}: could not tell {Event} ({Error}); spooled it locally to tell on replay, {Pending} waiting")]
    public static partial void TellSpooled(ILogger logger, string callbackId, string @event, string error, int pending);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Debug, Message = "Callback {CallbackId}: {Event} was told already (Twilio reported it twice); not told again")]
    public static partial void RepeatNotTold(ILogger logger, string callbackId, string @event);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Debug, Message = "Callback {CallbackId}: {Event} not told: the callback is {Status} already and it changes nothing")]
    public static partial void MootNotTold(ILogger logger, string callbackId, string @event, string status);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Warning, Message = "Callback {CallbackId}: its orchestration has not run after {Waited}; {Event} told all the same (its offer reads the caller's marks)")]
    public static partial void StillPending(ILogger logger, string callbackId, string @event, TimeSpan waited);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Warning, Message = "Callback {CallbackId}: the end of offer {Offer}'s agent call could not free what it held here ({Error}); its orchestration frees it")]
    public static partial void NotFreedAtCallEnd(ILogger logger, string callbackId, int offer, string error);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Information, Message = "Purged the Durable histories of {Count} callback(s) finished before {Before:O}")]
    public static partial void Purged(ILogger logger, int count, DateTimeOffset before);

    [LoggerMessage(EventId = 1025, Level = LogLevel.Debug, Message = "Callback {CallbackId}: its preferred agent: {Decision}")]
    public static partial void PreferredAgentDecided(ILogger logger, string callbackId, string decision);
}
