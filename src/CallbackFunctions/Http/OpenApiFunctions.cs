using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using CallbackFunctions.Twilio;

namespace CallbackFunctions.Http;

/// <summary>
/// The OpenAPI document of the app's HTTP functions, served by the app itself (<c>GET /api/openapi.json</c>) with a
/// reference page (<c>GET /api/docs</c>). It is made from the functions' own attributes (route, methods, key or not,
/// <see cref="ApiOperationAttribute"/>) and the JSON shapes of their bodies and answers, so it cannot drift from them.
/// </summary>
public sealed class OpenApiFunctions(IOptions<JsonOptions> json)
{
    [ApiOperation("Operations", "This OpenAPI document")]
    [Function("OpenApiDocument")]
    public IResult Document([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        Results.Text(Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }), "application/json");

    [ApiOperation("Operations", "A reference page for this API, reading the OpenAPI document")]
    [Function("ApiDocs")]
    public IResult Docs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequest request) =>
        Results.Content("""
            <!doctype html>
            <html><head><title>CallbackFunctions API</title><meta charset="utf-8" /></head>
            <body><script id="api-reference" data-url="openapi.json"></script>
            <script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference"></script></body></html>
            """, "text/html");

    public JsonObject Build()
    {
        var paths = new JsonObject();
        foreach (var function in HttpFunctions.All)
        {
            var path = paths[$"/api/{function.Trigger.Route}"] as JsonObject ?? new JsonObject();
            paths[$"/api/{function.Trigger.Route}"] = path;
            foreach (var verb in function.Trigger.Methods ?? [])
                path[verb.ToLowerInvariant()] = Operation(function);
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.1",
            ["info"] = new JsonObject
            {
                ["title"] = "CallbackFunctions",
                ["version"] = "1",
                ["description"] = "Automatic callbacks for contact centers on Twilio and Azure. Management routes need a function key " +
                                  "(header x-functions-key or ?code=); Twilio routes are anonymous and need a valid X-Twilio-Signature.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["functionKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key" },
                },
            },
        };
    }

    private JsonObject Operation(HttpFunctions.Entry function)
    {
        var (name, trigger, operation) = (function.Name, function.Trigger, function.Operation);
        var parameters = new JsonArray();
        foreach (var segment in (trigger.Route ?? "").Split('/').Where(s => s.StartsWith('{')))
            parameters.Add(Parameter(segment.Trim('{', '}'), "path", "", required: true));
        foreach (var (query, description) in function.Query)
            parameters.Add(Parameter(query, "query", description, required: false));
        var twilio = function.IsTwilio;
        if (twilio) parameters.Add(Parameter("X-Twilio-Signature", "header", "Twilio's signature of the public URL and the form", required: true));
        var result = new JsonObject
        {
            ["operationId"] = name,
            ["tags"] = new JsonArray(operation?.Tag ?? "Other"),
            ["summary"] = operation?.Summary ?? name,
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = operation?.Answer is { } answer
                    ? new JsonObject { ["description"] = "OK", ["content"] = Content("application/json", answer) }
                    : new JsonObject { ["description"] = twilio ? "TwiML (text/xml), or 204 for a status callback" : "OK" },
                ["400"] = new JsonObject { ["description"] = "A bad request: application/problem+json naming what is wrong" },
            },
        };
        if (twilio)
        {
            result["requestBody"] = new JsonObject
            {
                ["content"] = new JsonObject { ["application/x-www-form-urlencoded"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } },
            };
            ((JsonObject)result["responses"]!)["403"] = new JsonObject { ["description"] = "A bad or missing X-Twilio-Signature; nothing changed" };
        }
        if (operation?.Body is { } body) result["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Content("application/json", body) };
        if (twilio || operation?.Body is not null)
        {
            var responses = (JsonObject)result["responses"]!;
            responses["413"] = new JsonObject
            {
                ["description"] = twilio
                    ? $"A body over {TwilioWebhook.MaxBodyBytes / 1024} KiB; refused unread"
                    : $"A body over {RequestValues.MaxJsonBodyBytes / 1024} KiB: application/problem+json",
            };
            responses["415"] = new JsonObject
            {
                ["description"] = twilio ? "A body that is not a form (application/x-www-form-urlencoded or multipart)"
                    : "A body that is not application/json in UTF-8: application/problem+json",
            };
        }
        if (trigger.AuthLevel != AuthorizationLevel.Anonymous) result["security"] = new JsonArray(new JsonObject { ["functionKey"] = new JsonArray() });
        return result;
    }

    private JsonObject Content(string mediaType, Type type) =>
        new() { [mediaType] = new JsonObject { ["schema"] = json.Value.SerializerOptions.GetJsonSchemaAsNode(type) } };

    private static JsonObject Parameter(string name, string where, string description, bool required) => new()
    {
        ["name"] = name,
        ["in"] = where,
        ["required"] = required,
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = "string" },
    };
}
