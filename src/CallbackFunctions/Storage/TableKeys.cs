namespace CallbackFunctions.Storage;

/// <summary>
/// What Table Storage takes as a PartitionKey or RowKey: at most 1 KiB, none of <c>/ \ # ?</c>, no control characters
/// (U+0000 to U+001F, U+007F to U+009F). A value outside that is no key of ours, so a read by it finds nothing and a
/// delete deletes nothing, instead of a storage error (a 500) for a caller's typo. Ours stay far shorter:
/// <see cref="MaxLength"/>.
/// </summary>
public static class TableKeys
{
    /// <summary>The longest key looked up: ids are up to 64 characters, a callback id 23; Table Storage's own limit is 1 KiB.</summary>
    public const int MaxLength = 255;

    public static bool IsKey(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && !value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
}
