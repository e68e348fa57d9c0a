using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using CallbackFunctions.Twilio;

namespace CallbackFunctions.Http;

/// <summary>
/// The OpenAPI document of the app's HTTP functions, served by the app itself (<c>GET /api/openapi.json</c>) with a
/// reference page (<c>GET /api/docs</c>). It is made from the functions' own attributes (route, methods, key or not,
/// <see cref="ApiOperationAttribute"/>) and the JSON shapes of their bodies and answers, so it cannot drift from them.
/// </summary>
public sealed class OpenApiFunctions(IOptions<JsonOptions> json)
{
    private static readonly Lazy<IReadOnlyList<(MethodInfo Method, HttpTriggerAttribute Trigger, string Name, ApiOperationAttribute? Operation)>> Functions = new(() =>
        [.. typeof(OpenApiFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null),
                Function: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Trigger is not null && x.Function is not null)
            .Select(x => (x.Method, x.Trigger!, x.Function!.Name, x.Method.GetCustomAttribute<ApiOperationAttribute>()))
            .OrderBy(x => x.Item2.Route, StringComparer.Ordinal)]);

    [ApiOperation("Operations", "This OpenAPI document")]
    [Function("OpenApiDocument")]
    public IResult Document([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        Results.Text(Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }), "application/json");

    [ApiOperation("Operations", "A reference page for this API, reading the OpenAPI document")]
    [Function("ApiDocs")]
    public IResult Docs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequest request) =>
        // Everything from the app itself, relative to /api/docs, so the page works offline and behind any base path. No
        // web fonts (system ones) and no telemetry: nothing leaves the browser but calls to this API.
        Results.Content("""
            <!doctype html>
            <html><head><title>CallbackFunctions API</title><meta charset="utf-8" /></head>
            <body><div id="app"></div>
            <script src="docs/scalar.js"></script>
            <script>Scalar.createApiReference('#app', { url: 'openapi.json', withDefaultFonts: false, telemetry: false })</script>
            </body></html>
            """, "text/html; charset=utf-8");

    /// <summary>
    /// Scalar's standalone API reference script (<c>@scalar/api-reference</c> 1.77.0), pinned by the Scalar.AspNetCore
    /// package the build restores, which embeds it gzipped: sent as it is to a browser that takes gzip (every one does).
    /// </summary>
    [ApiOperation("Operations", "The reference page's script (Scalar's standalone API reference, pinned)")]
    [Function("ApiDocsScript")]
    public IResult DocsScript([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/scalar.js")] HttpRequest request)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = "public, max-age=86400";
        headers.Vary = "Accept-Encoding";
        var gzip = typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetManifestResourceStream(ScalarScript)
            ?? throw new InvalidOperationException($"Scalar.AspNetCore no longer embeds {ScalarScript}");
        var takesGzip = request.Headers.AcceptEncoding.Any(v => v?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true);
        if (takesGzip) headers.ContentEncoding = "gzip";
        return Results.Stream(takesGzip ? gzip : new GZipStream(gzip, CompressionMode.Decompress), "text/javascript; charset=utf-8", entityTag: ScalarTag.Value);
    }

    private const string ScalarScript = "ScalarStaticAssets.scalar.js";

    // The package's version names the script's version: a new package is a new tag.
    private static readonly Lazy<EntityTagHeaderValue> ScalarTag = new(() => new EntityTagHeaderValue(
        $"\"scalar-{typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetName().Version}\""));

    public JsonObject Build()
    {
        var paths = new JsonObject();
        foreach (var (method, trigger, name, operation) in Functions.Value)
        {
            var path = paths[$"/api/{trigger.Route}"] as JsonObject ?? new JsonObject();
            paths[$"/api/{trigger.Route}"] = path;
            foreach (var verb in trigger.Methods ?? [])
                path[verb.ToLowerInvariant()] = Operation(name, trigger, operation);
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

    private JsonObject Operation(string name, HttpTriggerAttribute trigger, ApiOperationAttribute? operation)
    {
        var parameters = new JsonArray();
        foreach (var segment in (trigger.Route ?? "").Split('/').Where(s => s.StartsWith('{')))
            parameters.Add(Parameter(segment.Trim('{', '}'), "path", "", required: true));
        foreach (var query in operation?.Query ?? [])
        {
            var colon = query.IndexOf(':', StringComparison.Ordinal);
            parameters.Add(Parameter(colon < 0 ? query : query[..colon], "query", colon < 0 ? "" : query[(colon + 1)..].Trim(), required: false));
        }
        var twilio = trigger.Route?.StartsWith("twilio/", StringComparison.Ordinal) == true;
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
