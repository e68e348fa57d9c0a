using System.Net.Sockets;
using Azure;

namespace CallbackFunctions.Storage;

/// <summary>
/// A storage fault as an operator reads it ("table storage at 127.0.0.1:10002 refused the connection"), not as the
/// SDK reports it (an <see cref="AggregateException"/> of its tries with advice on retry settings).
/// </summary>
public static class StorageFaultText
{
    /// <param name="service">What failed, e.g. "table storage".</param>
    /// <param name="endpoint">Where, as host:port; null when not known.</param>
    public static string Describe(Exception e, string service, string? endpoint)
    {
        var at = endpoint is null ? service : $"{service} at {endpoint}";
        var all = Flatten(e).ToList();
        if (all.OfType<SocketException>().FirstOrDefault() is { } socket)
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"{at} refused the connection",
                SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => $"{at} could not be found (its host name does not resolve)",
                // A socket operation cut short by the request's timeout.
                SocketError.TimedOut or SocketError.OperationAborted => $"{at} did not answer in time",
                SocketError.ConnectionReset or SocketError.ConnectionAborted => $"{at} dropped the connection",
                _ => $"{at} could not be reached ({socket.SocketErrorCode})",
            };
        if (all.OfType<RequestFailedException>().FirstOrDefault(r => r.Status is 401 or 403) is { } denied)
            return $"{at} refused our credentials ({denied.Status} {denied.ErrorCode}): check the account key, or the identity's role on the account";
        if (all.OfType<RequestFailedException>().FirstOrDefault(r => r.Status > 0) is { } answered)
            return $"{at} answered {answered.Status} {answered.ErrorCode}".TrimEnd();
        if (all.Any(x => x is TimeoutException or OperationCanceledException))
            return $"{at} did not answer in time";
        if (all.OfType<HttpRequestException>().FirstOrDefault() is { } http)
            return $"{at} could not be reached ({FirstLine(http.Message)})";
        return $"{at} failed ({FirstLine(all[^1].Message)})";
    }

    /// <summary>
    /// True when <paramref name="e"/> (or what it wraps) says storage did not answer at all: the connection failed or
    /// timed out. An answer, even an error, is not this.
    /// </summary>
    public static bool IsUnreachable(Exception e) =>
        Flatten(e).Any(x => x is System.Net.Sockets.SocketException or HttpRequestException or TimeoutException or TaskCanceledException
            or RequestFailedException { Status: 0 });

    /// <summary>True when <paramref name="e"/> (or what it wraps) is storage saying a table, queue or container is not there.</summary>
    public static bool IsMissing(Exception e) => Flatten(e).Any(x => x is RequestFailedException { Status: 404, ErrorCode: { } code } && IsMissingCode(code));

    /// <summary>The error codes of a table, queue or container (or blob) that is not there.</summary>
    public static bool IsMissingCode(string code) => code is "TableNotFound" or "QueueNotFound" or "ContainerNotFound" or "BlobNotFound";

    /// <summary>host:port of <paramref name="uri"/> (the default port included), e.g. "127.0.0.1:10002".</summary>
    public static string Endpoint(Uri uri) => $"{uri.Host}:{uri.Port}";

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        var inners = e is AggregateException aggregate ? aggregate.InnerExceptions : e.InnerException is { } inner ? [inner] : [];
        foreach (var child in inners)
            foreach (var x in Flatten(child))
                yield return x;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
