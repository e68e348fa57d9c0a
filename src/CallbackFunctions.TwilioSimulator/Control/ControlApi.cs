using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallbackFunctions.TwilioSimulator.Control;

/// <summary>
/// The simulator's own HTTP surface under /sim, JSON camelCase: script people, place inbound calls, look at what
/// happened, inject faults. Same operations as the in-process <see cref="TwilioSimulator"/> methods.
/// </summary>
internal static class ControlApi
{
    /// <summary>camelCase, strict: an unknown property (a typo in a script) is a 400, not silently ignored.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void MapSimulatorControl(this IEndpointRouteBuilder app, Lazy<TwilioSimulator> started)
    {
        var sim = app.MapGroup("/sim");
        TwilioSimulator simulator() => started.Value;
        sim.MapPut("/people/{number}", async (HttpContext http, string number) =>
        {
            var (script, error) = await ReadAsync<PersonScript>(http).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            return Try(() =>
            {
                simulator().SetPerson(number, script!);
                return Results.NoContent();
            });
        });
        sim.MapPost("/inbound-calls", async (HttpContext http) =>
        {
            var (request, error) = await ReadAsync<InboundCallRequest>(http).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            try
            {
                var call = await simulator().PlaceInboundCallAsync(request!, http.RequestAborted).ConfigureAwait(false);
                return Results.Json(call, Json, statusCode: 201);
            }
            catch (ArgumentException ex)
            {
                return Problem(ex.Message);
            }
        });
        sim.MapGet("/calls", () => Results.Json(simulator().Calls, Json));
        sim.MapGet("/calls/{sid}", (string sid) =>
            simulator().Calls.FirstOrDefault(c => c.Sid == sid) is { } call ? Results.Json(call, Json) : Results.NotFound());
        sim.MapGet("/stats", () => Results.Json(simulator().Stats, Json));
        sim.MapGet("/errors", () => Results.Json(simulator().Errors, Json));
        sim.MapGet("/recordings", () => Results.Json(simulator().Recordings, Json));
        sim.MapGet("/faults", () => Results.Json(simulator().Faults, Json));
        sim.MapPut("/faults", async (HttpContext http) =>
        {
            var (faults, error) = await ReadAsync<FaultSettings>(http).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            return Try(() =>
            {
                simulator().SetFaults(faults!);
                return Results.NoContent();
            });
        });
        sim.MapPost("/reset", () =>
        {
            simulator().Reset();
            return Results.NoContent();
        });
    }

    private static IResult Try(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException ex)
        {
            return Problem(ex.Message);
        }
    }

    private static IResult Problem(string detail) => Results.Problem(detail: detail, statusCode: 400, title: "Invalid simulator request");

    private static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext http)
        where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, Problem("Content-Type must be application/json"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, Problem("The body is empty")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problem(ex.Message));
        }
    }
}
