using Azure;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>Optimistic writes: a 409 or 412 is a normal answer ("someone moved first"), not an exception.</summary>
internal static class TableWrites
{
    /// <summary>
    /// Writes the row if it is still as last read: If-Match on <paramref name="expected"/>, or an insert when it was
    /// absent (null). False when someone else wrote it first.
    /// </summary>
    public static async Task<bool> TryPutAsync(this TableClient table, TableEntity entity, ETag? expected, CancellationToken ct) =>
        await table.TryWriteAsync(entity, expected, ct) is not null;

    /// <summary>As <see cref="TryPutAsync"/>, returning the row's new ETag (null when someone else wrote it first).</summary>
    public static async Task<ETag?> TryWriteAsync(this TableClient table, TableEntity entity, ETag? expected, CancellationToken ct)
    {
        try
        {
            var response = expected is { } etag
                ? await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, ct)
                : await table.AddEntityAsync(entity, ct);
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return null;
        }
    }
}
