using Azure;
using Grpc.Core;

namespace CallbackFunctions.Storage;

/// <summary>
/// What "storage is away" looks like, in one place: every edge that waits storage out (a webhook that spools, a status
/// callback that spools its event, a look that can do without, the start-up) catches exactly these, by this name.
/// </summary>
public static class TransientFaults
{
    /// <summary>
    /// True for a fault that may pass: a Table Storage error (<see cref="RequestFailedException"/>), Azure.Core's retries
    /// spent (an <see cref="AggregateException"/> of the tries), the network (<see cref="HttpRequestException"/>,
    /// <see cref="IOException"/>), Durable's gRPC (<see cref="RpcException"/>), a timeout (<see cref="TimeoutException"/>),
    /// or a cancellation that is not <paramref name="ct"/>'s (a budget ran out). A cancellation while
    /// <paramref name="ct"/> is cancelled is the caller giving up, not a fault: it is left to propagate.
    /// </summary>
    public static bool IsTransient(Exception e, CancellationToken ct = default) => e switch
    {
        OperationCanceledException => !ct.IsCancellationRequested,
        RequestFailedException or AggregateException or HttpRequestException or IOException or RpcException or TimeoutException => true,
        _ => false,
    };
}
