using CallbackFunctions.Storage;
using Grpc.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace CallbackFunctions.Http;

/// <summary>
/// A request that failed because storage is away or too slow answers <b>503</b> with <c>Retry-After</c> and a
/// problem+json naming the dependency and what is wrong with it ("table storage at 127.0.0.1:10002 refused the
/// connection"), not 500 with the SDK's retry advice. The Functions host gets it from <see cref="Middleware"/>; the
/// local host from its own routes (the same <see cref="Answer"/>).
/// </summary>
public static class StorageUnavailable
{
    /// <summary>Seconds a client is told to wait before it tries again.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>True for a fault of storage or the task hub (not the caller hanging up, not a bug of ours).</summary>
    public static bool Is(Exception e, CancellationToken requestAborted) => TransientFaults.IsTransient(e, requestAborted);

    public static IResult Answer(Exception e, StorageAccount storage)
    {
        var durable = e is RpcException;
        var dependency = durable ? "the Durable task hub" : "table storage";
        var problem = storage.Health.Problem
            ?? (durable ? "the Durable task hub (on AzureWebJobsStorage) did not answer" : StorageFaultText.Describe(e, "table storage", storage.TableEndpoint));
        return new WithRetryAfter(TypedResults.Problem(
            title: "Storage is unavailable",
            detail: $"{Capitalized(problem)}. Try again in a few seconds.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            extensions: new Dictionary<string, object?> { ["dependency"] = dependency }));
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private sealed class WithRetryAfter(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>The Functions host's side: an HTTP function that failed for storage answers <see cref="Answer"/>.</summary>
    public sealed class Middleware(StorageAccount storage) : IFunctionsWorkerMiddleware
    {
        public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
        {
            try { await next(context); }
            catch (Exception e) when (context.GetHttpContext() is { } http && Is(e, http.RequestAborted))
            {
                context.GetInvocationResult().Value = Answer(e, storage);
            }
        }
    }
}
