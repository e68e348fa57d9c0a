using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CallbackFunctions.TwilioSimulator.Control;

/// <summary>
/// The simulator's own HTTP surface under /sim, JSON camelCase: script people, place inbound calls, look at what
/// happened, inject faults. Same operations as the in-process <see cref="TwilioSimulator"/> methods.
/// <c>GET /</c> documents them (<see cref="RootPage"/>, rendered from each route's <see cref="RouteDoc"/>).
/// </summary>
internal static class ControlApi
{
    /// <summary>camelCase, strict: an unknown property (a typo in a script) is a 400, not silently ignored.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,

        // Set here (the serializer would add the same) so the page at GET / can read the types' metadata before any JSON is written.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static void MapSimulatorControl(this IEndpointRouteBuilder app, Lazy<TwilioSimulator> started)
    {
        TwilioSimulator simulator() => started.Value;
        app.MapGet("/", (HttpContext http) =>
            Results.Text(
                RootPage.Render(http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints, simulator().Options, simulator().BaseUrl),
                RootPage.ContentType))
            .WithMetadata(new RouteDoc("This page: the control API, the local credentials, webhook signing and the REST routes.", "200 text/plain"));
        var sim = app.MapGroup("/sim");
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
        }).WithMetadata(new RouteDoc(
            "Scripts what happens when {number} (E.164, e.g. +14155550111) is called: ringing, answer or not, keys pressed, talk time. Replaces that number's script. An unscripted number answers after 1 s and talks 1 s.",
            "204, no body; 400 problem JSON for a bad number or body")
        {
            Body = typeof(PersonScript),
            ExampleBody = """{"responses":[{"answer":"no-answer"},{"answer":"answer","ringSeconds":2,"digits":"1","talkSeconds":30}]}""",
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
        }).WithMetadata(new RouteDoc(
            "A customer calls one of our numbers: creates an inbound leg and runs its TwiML (fetched from url, signed, or inline twiml) in the background.",
            "201 with the new call (fields as GET /sim/calls/{sid}); 400 problem JSON for a bad body")
        {
            Body = typeof(InboundCallRequest),
            ExampleBody = """{"from":"+14155550111","to":"{ours}","twiml":"<Response><Say>Hello from the simulator</Say></Response>"}""",
            Response = typeof(SimulatedCall),
        });
        sim.MapGet("/calls", () => Results.Json(simulator().Calls, Json)).WithMetadata(new RouteDoc(
            "Every call leg with its history, in creation order.", "200, a JSON array of calls") { Response = typeof(SimulatedCall) });
        sim.MapGet("/calls/{sid}", (string sid) =>
            simulator().Calls.FirstOrDefault(c => c.Sid == sid) is { } call ? Results.Json(call, Json) : Results.NotFound()).WithMetadata(new RouteDoc(
                "One call leg ({sid} = CA..., the sid POST /sim/inbound-calls or GET /sim/calls answers).", "200 with the call; 404 when there is no such call")
            { Response = typeof(SimulatedCall) });
        sim.MapGet("/queues", () => Results.Json(simulator().Queues, Json)).WithMetadata(new RouteDoc(
            "Every <Enqueue> queue a call has entered, each with the calls waiting in it now in entry order (position 1 first).",
            "200, a JSON array of queues") { Response = typeof(SimulatedQueue) });
        sim.MapGet("/queues/{name}", (string name) => Try(() => Results.Json(simulator().Queue(name), Json))).WithMetadata(new RouteDoc(
            "One <Enqueue> queue ({name} as between the tags, e.g. support): the calls waiting in it now, first in first, with the position, wait and average wait their next waitUrl request carries. A queue nobody has entered is empty.",
            "200 with the queue; 400 problem JSON for a name that is empty or longer than 64 characters") { Response = typeof(SimulatedQueue) });
        sim.MapGet("/stats", () => Results.Json(simulator().Stats, Json)).WithMetadata(new RouteDoc(
            "Counters since the start or the last reset.", "200 with the stats") { Response = typeof(SimulatorStats) });
        sim.MapGet("/errors", () => Results.Json(simulator().Errors, Json)).WithMetadata(new RouteDoc(
            "Every strictness violation (bad TwiML, a Twilio rule broken) and webhook failure, with Twilio's error code. Look here first when a call does not go as you expect.",
            "200, a JSON array of errors") { Response = typeof(SimulatorError) });
        sim.MapGet("/recordings", () => Results.Json(simulator().Recordings, Json)).WithMetadata(new RouteDoc(
            "Every recording made (Create Call with Record=true), deleted ones flagged.", "200, a JSON array of recordings") { Response = typeof(SimulatedRecording) });
        sim.MapGet("/faults", () => Results.Json(simulator().Faults, Json)).WithMetadata(new RouteDoc(
            "The fault settings in force.", "200 with the settings (the body PUT /sim/faults takes)") { Response = typeof(FaultSettings) });
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
        }).WithMetadata(new RouteDoc(
            "Misbehaves on demand, like a bad day at Twilio. Replaces every fault setting (absent fields take their defaults: {} clears them all).",
            "204, no body; 400 problem JSON for a bad body")
        {
            Body = typeof(FaultSettings),
            ExampleBody = """{"duplicateStatusCallbacks":true,"failCreates":[{"kind":"status429","count":1}]}""",
        });
        sim.MapPost("/reset", () =>
        {
            simulator().Reset();
            return Results.NoContent();
        }).WithMetadata(new RouteDoc(
            "Forgets every call, person, error, fault and counter; calls in flight are dropped without callbacks.", "204, no body"));
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
