namespace CallbackFunctions.Storage;

/// <summary>Log events of the storage adapters (EventIds 8000-8099).</summary>
internal static partial class StorageLog
{
}
