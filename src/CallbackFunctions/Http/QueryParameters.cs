using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace CallbackFunctions.Http;

/// <summary>
/// A management route takes the query parameters its <see cref="ApiOperationAttribute.Query"/> names (what the OpenAPI
/// document lists) and the function key (<c>?code=</c>); any other is refused with 400 naming it, as unknown body fields
/// are: <c>GET /api/callbacks?staus=Completed</c> would otherwise answer every callback as if nothing had been asked.
/// Twilio routes are never checked: Twilio adds parameters of its own to the URLs it calls, and an operator's URL
/// may carry some of theirs; each such route reads what it needs and leaves the rest.
/// </summary>
public static class QueryParameters
{
    /// <summary>The function key's query parameter, which the Functions host reads on every keyed route.</summary>
    public const string FunctionKey = "code";

    private const int NamedAtMost = 20;

    /// <summary>The refusal of a request to the function <paramref name="functionName"/> whose query names a parameter
    /// it does not take; null when there is none (or the function is a Twilio route, or not an HTTP function).</summary>
    public static IResult? Refusal(string functionName, IQueryCollection query)
    {
        if (query.Count == 0 || HttpFunctions.Named(functionName) is not { IsTwilio: false } function) return null;
        var known = function.Query.ToList();
        var unknown = query.Keys
            .Where(key => !key.Equals(FunctionKey, StringComparison.OrdinalIgnoreCase) && !known.Contains(key, StringComparer.OrdinalIgnoreCase))
            .ToList();
        if (unknown.Count == 0) return null;
        var named = string.Join(", ", unknown.Take(NamedAtMost).Select(RequestValues.Quote)) + (unknown.Count > NamedAtMost ? $" and {unknown.Count - NamedAtMost} more" : "");
        var takes = known.Count == 0 ? $"this route takes none but '{FunctionKey}', the function key" : $"this route takes {string.Join(", ", known)} and '{FunctionKey}', the function key";
        return Results.Problem(
            $"unknown query parameter{(unknown.Count == 1 ? "" : "s")} {named}; {takes} (a misspelt filter is refused rather than ignored)",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["unknownQueryParameters"] = unknown.Take(NamedAtMost).Select(Cut).ToArray() });
    }

    private static string Cut(string name) => name.Length > RequestValues.QuoteLength ? name[..RequestValues.QuoteLength] : name;
}

/// <summary>
/// Under the Functions host, refuses a management request with an unknown query parameter before its function runs
/// (<see cref="QueryParameters.Refusal"/>); the local host does the same before it invokes a function.
/// </summary>
internal sealed class UnknownQueryParameters : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        // Only HTTP functions have an HttpContext (set by the ASP.NET Core integration's middleware, which runs first).
        if (context.GetHttpContext() is { } http && QueryParameters.Refusal(context.FunctionDefinition.Name, http.Request.Query) is { } refusal)
        {
            await refusal.ExecuteAsync(http);
            return;
        }
        await next(context);
    }
}
