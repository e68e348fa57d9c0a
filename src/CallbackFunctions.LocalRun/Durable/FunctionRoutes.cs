using System.Reflection;
using CallbackFunctions.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackFunctions.LocalRun.Durable;

/// <summary>
/// Serves the app's HTTP functions on Kestrel without the Functions host (DESIGN §5): every <c>[Function]</c> with an
/// <c>[HttpTrigger]</c> is mapped on its route (host.json's route prefix is empty: the API's routes say <c>api/</c>
/// themselves, the console's <c>console</c>), for its methods, and invoked the way the host invokes it:
/// the class built from the services, the request, its route values by parameter name, the Durable client the
/// <c>[DurableClient]</c> binding would give, and the request's cancellation, after what the app's worker middleware
/// checks (a management route's unknown query parameters). Function keys are not checked here.
/// </summary>
public static class FunctionRoutes
{
    /// <summary>Where the API's routes start (the console's do not).</summary>
    public const string ApiBase = "api";

    public sealed record Found(string Name, MethodInfo Method, string Route, IReadOnlyList<string> Methods, AuthorizationLevel Level);

    /// <summary>Every HTTP function of the app (<see cref="HttpFunctions"/>), with its route as the host serves it (no prefix).</summary>
    public static IReadOnlyList<Found> All =>
        [.. HttpFunctions.All.Select(f => new Found(f.Name, f.Method, f.Trigger.Route ?? "",
            [.. (f.Trigger.Methods ?? []).Select(v => v.ToUpperInvariant())], f.Trigger.AuthLevel))];

    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder routes)
    {
        foreach (var function in All)
        {
            var bind = Binder(function);
            routes.MapMethods("/" + function.Route, function.Methods, async context =>
            {
                // What the app's worker middleware (UnknownQueryParameters) does under the Functions host.
                if (QueryParameters.Refusal(function.Name, context.Request.Query) is { } refusal)
                {
                    await refusal.ExecuteAsync(context);
                    return;
                }
                object? value;
                try
                {
                    var target = function.Method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(context.RequestServices, function.Method.DeclaringType!);
                    var result = function.Method.Invoke(target, bind(context));
                    if (result is Task task) await task;
                    value = result is Task done && done.GetType().GetProperty("Result") is { } property ? property.GetValue(done) : result;
                }
                catch (Exception e) when (StorageUnavailable.Is(Unwrapped(e), context.RequestAborted))
                {
                    // As the app's worker middleware does under the Functions host.
                    value = StorageUnavailable.Answer(Unwrapped(e), context.RequestServices.GetRequiredService<CallbackFunctions.Storage.StorageAccount>());
                }
                if (value is IResult http) await http.ExecuteAsync(context);
            }).WithName(function.Name);
        }
        return routes;
    }

    private static Exception Unwrapped(Exception e) => e is TargetInvocationException { InnerException: { } inner } ? inner : e;

    /// <summary>How each parameter is bound; a parameter the host would bind differently fails here, at start-up.</summary>
    private static Func<HttpContext, object?[]> Binder(Found function)
    {
        var route = function.Route;
        var binders = function.Method.GetParameters().Select<ParameterInfo, Func<HttpContext, object?>>(p =>
            p.ParameterType == typeof(HttpRequest) ? c => c.Request
            : p.ParameterType == typeof(CancellationToken) ? c => c.RequestAborted
            : p.ParameterType == typeof(DurableTaskClient) && p.GetCustomAttribute<DurableClientAttribute>() is not null
                ? c => c.RequestServices.GetRequiredService<DurableTaskClient>()
            : p.ParameterType == typeof(string) && route.Contains("{" + p.Name + "}", StringComparison.Ordinal)
                ? c => c.Request.RouteValues[p.Name!]?.ToString()
            : throw new NotSupportedException($"HTTP function {function.Name}: the local host cannot bind parameter {p.Name} ({p.ParameterType.Name})")).ToArray();
        return context => [.. binders.Select(b => b(context))];
    }
}
