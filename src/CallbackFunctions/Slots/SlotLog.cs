namespace CallbackFunctions.Slots;

/// <summary>Log events of call slots at the IVR (EventIds 2100-2199).</summary>
internal static partial class SlotLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "{Caller} picked call slot {Slot} of queue '{Queue}': {Outcome}")]
    public static partial void Picked(ILogger logger, string caller, string queue, string slot, string outcome);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "{Caller} pressed no key offered for a call slot of queue '{Queue}' (offer repeated already: {Repeated})")]
    public static partial void NoChoice(ILogger logger, string caller, string queue, bool repeated);
}
