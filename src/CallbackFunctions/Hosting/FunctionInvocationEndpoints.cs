using System.Text;
using System.Text.Json;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Hosting;

/// <summary>
/// The custom-handler invocation contract for the non-HTTP functions (DESIGN §2): the host POSTs
/// <c>{"Data":{...},"Metadata":{...}}</c> to <c>/{FunctionName}</c> and takes a 2xx with
/// <c>{"Outputs":{},"Logs":[],"ReturnValue":null}</c> as success, only sent once the step is committed. Any other status
/// fails the invocation: the host retries the message and, after <c>maxDequeueCount</c>, moves it to the poison queue.
/// </summary>
public static class FunctionInvocationEndpoints
{
    public const string TimerQueueFunction = "TimerQueue";
    public const string SweeperFunction = "Sweeper";
    /// <summary>The queue trigger's binding name in its function.json.</summary>
    public const string WakeUpBinding = "wakeUp";

    public static IEndpointRouteBuilder MapFunctionInvocations(this IEndpointRouteBuilder app)
    {
        app.MapPost($"/{TimerQueueFunction}", TimerQueue).ExcludeFromDescription();
        app.MapPost($"/{SweeperFunction}", SweeperRun).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> TimerQueue(HttpRequest request, WakeUpHandler handler, ILogger<WakeUpHandler> logger, CancellationToken ct)
    {
        WakeUpMessage message;
        try
        {
            using var payload = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            message = ReadWakeUp(payload.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return Invocation(StatusCodes.Status400BadRequest, $"unreadable queue trigger payload: {e.Message}");
        }
        try
        {
            await handler.HandleAsync(message, ct);
            return Invocation(StatusCodes.Status200OK, $"wake-up {message.CallbackId}/{message.Generation} handled");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            HostingLog.InvocationFailed(logger, e, TimerQueueFunction);
            return Invocation(StatusCodes.Status500InternalServerError, $"wake-up {message.CallbackId} failed: {e.GetType().Name}");
        }
    }

    private static async Task<IResult> SweeperRun(Sweeper sweeper, ILogger<Sweeper> logger, CancellationToken ct)
    {
        try
        {
            var (rearmed, released) = await sweeper.SweepAsync(ct);
            return Invocation(StatusCodes.Status200OK, $"re-armed {rearmed}, released {released}");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            HostingLog.InvocationFailed(logger, e, SweeperFunction);
            return Invocation(StatusCodes.Status500InternalServerError, $"sweep failed: {e.GetType().Name}");
        }
    }

    /// <summary>
    /// The message text under <c>Data.wakeUp</c>. The host hands it over as a JSON string, sometimes JSON-encoded twice,
    /// as a parsed object when the text was JSON, or still base64 when it could not decode it; all are accepted.
    /// </summary>
    public static WakeUpMessage ReadWakeUp(JsonElement payload)
    {
        var data = payload.GetProperty("Data");
        var item = data.TryGetProperty(WakeUpBinding, out var named) ? named : data.EnumerateObject().First().Value;
        var text = item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText();
        try
        {
            return WakeUpMessage.Parse(text);
        }
        catch (JsonException)
        {
            return WakeUpMessage.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(text.Trim().Trim('"'))));
        }
    }

    /// <summary>The host reads these names exactly as written (PascalCase), not the API's camelCase.</summary>
    private static readonly JsonSerializerOptions HostJson = new() { PropertyNamingPolicy = null };

    private static IResult Invocation(int status, string log) =>
        Results.Json(new { Outputs = new Dictionary<string, object>(), Logs = new[] { log }, ReturnValue = (object?)null }, HostJson, statusCode: status);
}
