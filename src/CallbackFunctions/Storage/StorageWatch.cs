using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CallbackFunctions.Storage;

/// <summary>
/// Sees every table request of the app, once per request (before Azure.Core's retries): tells
/// <see cref="StorageHealth"/> whether storage answered, and when one of our tables is gone (a storage account emptied
/// under the app, e.g. an in-memory Azurite restarted), creates it again and sends the request once more, so the app
/// works on without a restart.
/// </summary>
internal sealed partial class StorageWatch(StorageHealth health, IReadOnlySet<string> ourTables, Func<string, CancellationToken, Task> createTable, ILogger logger)
    : HttpPipelinePolicy
{
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        FailFastWhileAway();
        try { await ProcessNextAsync(message, pipeline); }
        catch (Exception e) when (Unreachable(e, message)) { Failed(e, message); throw; }
        health.Answered();
        if (MissingTable(message) is { } table)
        {
            await createTable(table, message.CancellationToken);
            Log.TableRecreated(logger, table);
            await ProcessNextAsync(message, pipeline);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        FailFastWhileAway();
        try { ProcessNext(message, pipeline); }
        catch (Exception e) when (Unreachable(e, message)) { Failed(e, message); throw; }
        health.Answered();
        if (MissingTable(message) is { } table)
        {
            createTable(table, message.CancellationToken).GetAwaiter().GetResult();
            Log.TableRecreated(logger, table);
            ProcessNext(message, pipeline);
        }
    }

    /// <summary>
    /// While storage is known to be away, a request fails at once instead of waiting out its timeouts and retries (9 s
    /// against a storage that stalls): the caller answers 503 or spools as it would anyway. Only the recovery's probe
    /// goes out, once a second, and the first answer it gets lets every request through again.
    /// </summary>
    private void FailFastWhileAway()
    {
        if (!health.IsDown || StorageHealth.Probing) return;
        var problem = health.Problem ?? "storage is away";
        health.Failed(problem);
        throw new RequestFailedException(0, $"Not sent: {problem} (a probe looks for it every second)");
    }

    private void Failed(Exception e, HttpMessage message) =>
        health.Failed(StorageFaultText.Describe(e, "table storage", StorageFaultText.Endpoint(message.Request.Uri.ToUri())));

    /// <summary>No answer at all: the transport failed, or the network timeout passed (the caller did not give up).</summary>
    private static bool Unreachable(Exception e, HttpMessage message) =>
        e is OperationCanceledException ? !message.CancellationToken.IsCancellationRequested : StorageFaultText.IsUnreachable(e);

    private string? MissingTable(HttpMessage message)
    {
        if (message.Response.Status != 404 || !message.Response.Headers.TryGetValue("x-ms-error-code", out var code) || code != "TableNotFound") return null;
        var last = message.Request.Uri.ToUri().AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        var paren = last.IndexOf('(', StringComparison.Ordinal);
        var table = paren < 0 ? last : last[..paren];
        return ourTables.Contains(table) ? table : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "Table {Table} was gone (storage emptied under the app?); created it again")]
        public static partial void TableRecreated(ILogger logger, string table);
    }
}
