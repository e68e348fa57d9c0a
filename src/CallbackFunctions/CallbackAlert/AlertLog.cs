namespace CallbackFunctions.CallbackAlert;

/// <summary>Log events of the agent's callback alert (EventIds 4000-4019): ids and offers only, never a name or a number.</summary>
internal static partial class AlertLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Agent {AgentId} accepted callback {CallbackId} offer {Offer} in the console")]
    public static partial void Accepted(ILogger logger, string agentId, string callbackId, int offer);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Agent {AgentId} rejected callback {CallbackId} offer {Offer} in the console")]
    public static partial void Rejected(ILogger logger, string agentId, string callbackId, int offer);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Agent {AgentId}: {Choice} of callback {CallbackId} offer {Offer} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string agentId, string choice, string callbackId, int offer, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Agent {AgentId}: {Choice} of callback {CallbackId} offer {Offer} was passed on, but the callback has not taken it yet (its orchestration is behind)")]
    public static partial void NotTakenYet(ILogger logger, string agentId, string choice, string callbackId, int offer);
}
