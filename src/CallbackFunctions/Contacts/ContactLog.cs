namespace CallbackFunctions.Contacts;

/// <summary>Log events of contacts and our numbers (EventIds 7600-7619). Numbers masked; a contact's name never logged.</summary>
internal static partial class ContactLog
{
    [LoggerMessage(EventId = 7600, Level = LogLevel.Information, Message = "Contact {ContactId} saved with {Numbers} number(s) (new: {Created})")]
    public static partial void Saved(ILogger logger, string contactId, int numbers, bool created);

    [LoggerMessage(EventId = 7601, Level = LogLevel.Information, Message = "Contact {ContactId} deleted; its {LiveCallbacks} live callback(s) told to go on with the number only")]
    public static partial void Deleted(ILogger logger, string contactId, int liveCallbacks);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Information, Message = "Contact {ContactId} not saved: other contacts hold {Numbers}")]
    public static partial void NumbersHeld(ILogger logger, string contactId, string numbers);

    [LoggerMessage(EventId = 7603, Level = LogLevel.Information, Message = "Imported {Count} contact(s)")]
    public static partial void Imported(ILogger logger, int count);

    [LoggerMessage(EventId = 7604, Level = LogLevel.Warning, Message = "Import of {Count} contact(s) only partly written ({Written}): numbers were taken by other contacts between the check and the write")]
    public static partial void ImportRaced(ILogger logger, int written, int count);

    [LoggerMessage(EventId = 7605, Level = LogLevel.Information, Message = "Our number {Number} saved (location: {HasLocation}, ad source: {HasAdSource})")]
    public static partial void NumberSaved(ILogger logger, string number, bool hasLocation, bool hasAdSource);

    [LoggerMessage(EventId = 7606, Level = LogLevel.Information, Message = "Our number {Number} deleted")]
    public static partial void NumberDeleted(ILogger logger, string number);

    [LoggerMessage(EventId = 7607, Level = LogLevel.Information, Message = "Contact {ContactId} made for unknown caller {Number} (callback {CallbackId})")]
    public static partial void UnknownCallerContact(ILogger logger, string contactId, string number, string callbackId);

    [LoggerMessage(EventId = 7608, Level = LogLevel.Information, Message = "Contact {ContactId} follows callback {CallbackId} ({CallbackStatus}): now {ContactStatus}")]
    public static partial void StatusFollowed(ILogger logger, string contactId, string callbackId, string callbackStatus, string contactStatus);

    [LoggerMessage(EventId = 7609, Level = LogLevel.Information, Message = "Contact {ContactId} given to callback {CallbackId}, live for its number {Number} since before the contact was saved: {Outcome}")]
    public static partial void GivenToLiveCallback(ILogger logger, string contactId, string callbackId, string number, string outcome);
}
