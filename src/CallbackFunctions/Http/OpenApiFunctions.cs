using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    [ApiOperation("Operations", "This OpenAPI document", Answer = typeof(JsonObject), Responses = ["200: The OpenAPI 3.1 document of this API"])]
    [Function("OpenApiDocument")]
    public IResult Document([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/openapi.json")] HttpRequest request) =>
        Results.Text(Build().ToJsonString(Indented), "application/json");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [ApiOperation("Operations", "A reference page for this API, reading the OpenAPI document", AnswerMediaType = "text/html",
        Responses = ["200: The page; it loads its script from this app, so it works offline"])]
    [Function("ApiDocs")]
    public IResult Docs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/docs")] HttpRequest request) =>
        // Everything from the app itself, relative to /api/docs, so the page works offline and behind any base path. No
        // web fonts (system ones), no telemetry, none of Scalar's hosted tools (its AI agent, the developer-tools bar):
        // nothing leaves the browser but calls to this API.
        Results.Content("""
            <!doctype html>
            <html><head><title>CallbackFunctions API</title><meta charset="utf-8" /></head>
            <body><div id="app"></div>
            <script src="docs/scalar.js"></script>
            <script>Scalar.createApiReference('#app', { url: 'openapi.json', withDefaultFonts: false, telemetry: false,
                showDeveloperTools: 'never', agent: { disabled: true } })</script>
            </body></html>
            """, "text/html; charset=utf-8");

    /// <summary>
    /// Scalar's standalone API reference script (<c>@scalar/api-reference</c> 1.77.0), pinned by the Scalar.AspNetCore
    /// package the build restores, which embeds it gzipped: sent as it is to a browser that takes gzip (every one does).
    /// </summary>
    [ApiOperation("Operations", "The reference page's script (Scalar's standalone API reference, pinned)", AnswerMediaType = "text/javascript",
        Responses = ["200: The script; gzipped when the request takes gzip", "304: The script the request's If-None-Match names is still current"])]
    [Function("ApiDocsScript")]
    public IResult DocsScript([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/docs/scalar.js")] HttpRequest request)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = "public, max-age=86400";
        headers.Vary = "Accept-Encoding";
        var gzip = typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetManifestResourceStream(ScalarScript)
            ?? throw new InvalidOperationException($"Scalar.AspNetCore no longer embeds {ScalarScript}");
        var takesGzip = request.Headers.AcceptEncoding.Any(v => v?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true);
        if (takesGzip) headers.ContentEncoding = "gzip";
        // The package's version names the script's version: a new package is a new tag (one per encoding).
        var tag = new EntityTagHeaderValue($"\"scalar-{typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetName().Version}{(takesGzip ? "-gzip" : "")}\"");
        return Results.Stream(takesGzip ? gzip : new GZipStream(gzip, CompressionMode.Decompress), "text/javascript; charset=utf-8", entityTag: tag);
    }

    private const string ScalarScript = "ScalarStaticAssets.scalar.js";

    public JsonObject Build()
    {
        var schemas = new OpenApiSchemas(json.Value.SerializerOptions, Comments.Value,
            HttpFunctions.All.Select(f => f.Operation?.Body).OfType<Type>());
        var paths = new JsonObject();
        foreach (var (_, trigger, name, operation) in HttpFunctions.All)
        {
            // A catch-all segment ({*path}) is one path parameter to OpenAPI.
            var route = $"/{trigger.Route?.Replace("{*", "{", StringComparison.Ordinal)}";
            var path = paths[route] as JsonObject ?? new JsonObject();
            paths[route] = path;
            foreach (var verb in trigger.Methods ?? [])
                path[verb.ToLowerInvariant()] = Operation(name, trigger, operation, schemas);
        }
        schemas.Components["ProblemDetails"] = ProblemDetails();
        return new JsonObject
        {
            // 3.1: its schemas are JSON Schema 2020-12, which is what the serializer describes types in (a nullable
            // field is "type": ["string", "null"]; 3.0 would need its own dialect, "nullable": true).
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "CallbackFunctions",
                ["version"] = "1",
                ["description"] = "Automatic callbacks for contact centers on Twilio and Azure. Management routes need a function key " +
                                  "(header `x-functions-key` or query parameter `code`); Twilio routes are anonymous and need a valid " +
                                  "`X-Twilio-Signature`. Errors are `application/problem+json`.",
            },
            // Relative: wherever this document is served from, the API is on the same host.
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/", ["description"] = "This app" }),
            ["tags"] = new JsonArray([.. Tags.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = t.Description })]),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Components,
                ["securitySchemes"] = new JsonObject
                {
                    [KeyInHeader] = new JsonObject
                    {
                        ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key",
                        ["description"] = "A function key of the app (`az functionapp keys list`), checked by the Functions host",
                    },
                    [KeyInQuery] = new JsonObject
                    {
                        ["type"] = "apiKey", ["in"] = "query", ["name"] = "code",
                        ["description"] = "The same function key as a query parameter, for clients that cannot set a header",
                    },
                },
            },
        };
    }

    private const string KeyInHeader = "functionKey";
    private const string KeyInQuery = "functionKeyQuery";
    private const string Problem = "application/problem+json";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Agents", "Who takes callbacks, for which queues, and whether they are available now"),
        ("Callbacks", "The callbacks: list, inspect, cancel, call now, record a manual dial"),
        ("Rules", "The two automatic callback rules: for calls missed in the IVR (`scenario`) and in the contact center (`contact-center`)"),
        ("Account", "The account's freeze switch, lines and pacing"),
        ("Queues", "The queues the agents serve"),
        ("Contacts", "The people the contact center calls back: their numbers (each at most one contact's), who may call them, their status"),
        ("Numbers", "Our Twilio numbers: the location and ad source the agent's callback alert shows of the number a customer dialled"),
        ("Recordings", "Recordings of callback calls within their storage period"),
        ("Operations", "Health, failed orchestrations, this document and its reference page"),
        ("Console", "The web console for agents and supervisors (a page and its files; it calls the routes above with the function key)"),
        ("Twilio webhooks", "What Twilio calls: signed with `X-Twilio-Signature`, form-encoded, answered with TwiML or 204"),
    ];

    /// <summary>The enums a parameter can name as its type ("status (CallbackStatus): ...").</summary>
    private static readonly Lazy<Dictionary<string, Type>> ApiEnums = new(() =>
        new[] { typeof(OpenApiFunctions).Assembly, typeof(Domain.Callbacks.Callback).Assembly }
            .SelectMany(a => a.GetExportedTypes()).Where(t => t.IsEnum).ToDictionary(t => t.Name, StringComparer.Ordinal));

    private static readonly Lazy<XmlDocs> Comments = new(() => XmlDocs.For(typeof(OpenApiFunctions).Assembly, typeof(Domain.Callbacks.Callback).Assembly));

    private static JsonObject Operation(string name, HttpTriggerAttribute trigger, ApiOperationAttribute? operation, OpenApiSchemas schemas)
    {
        var twilio = trigger.Route?.StartsWith("api/twilio/", StringComparison.Ordinal) == true;
        var anonymous = trigger.AuthLevel == AuthorizationLevel.Anonymous;
        var parameters = new JsonArray();
        foreach (var segment in (trigger.Route ?? "").Split('/').Where(s => s.StartsWith('{')))
        {
            var named = segment.Trim('{', '}').TrimStart('*');
            var described = operation?.Path.FirstOrDefault(p => p.StartsWith(named + " ", StringComparison.Ordinal) || p.StartsWith(named + ":", StringComparison.Ordinal));
            parameters.Add(Parameter(described ?? named, "path", required: true, schemas));
        }
        foreach (var query in operation?.Query ?? []) parameters.Add(Parameter(query, "query", required: false, schemas));
        if (twilio) parameters.Add(Parameter("X-Twilio-Signature: Twilio's signature of the public URL and the form", "header", required: true, schemas));

        var result = new JsonObject
        {
            ["operationId"] = name,
            ["tags"] = new JsonArray(operation?.Tag ?? "Other"),
            ["summary"] = operation?.Summary ?? name,
        };
        if (parameters.Count > 0) result["parameters"] = parameters;
        if (operation?.Body is { } body)
            result["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject([.. operation.BodyMediaTypes.Select(t => KeyValuePair.Create(t, (JsonNode?)new JsonObject { ["schema"] = schemas.For(body) }))]),
            };
        else if (twilio)
            result["requestBody"] = new JsonObject
            {
                ["content"] = new JsonObject
                {
                    ["application/x-www-form-urlencoded"] = new JsonObject
                    {
                        ["schema"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["description"] = "Twilio's request parameters (`CallSid`, `From`, `To`, `CallStatus`, ...), as Twilio sends them",
                            ["additionalProperties"] = new JsonObject { ["type"] = "string" },
                        },
                    },
                },
            };
        result["responses"] = Responses(operation, twilio, anonymous, takesInput: parameters.Count > 0 || operation?.Body is not null, schemas);
        // Either key satisfies a management route; an anonymous one needs none.
        result["security"] = anonymous ? new JsonArray()
            : new JsonArray(new JsonObject { [KeyInHeader] = new JsonArray() }, new JsonObject { [KeyInQuery] = new JsonArray() });
        return result;
    }

    private static JsonObject Responses(ApiOperationAttribute? operation, bool twilio, bool anonymous, bool takesInput, OpenApiSchemas schemas)
    {
        var answers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var response in operation?.Responses ?? [])
        {
            var colon = response.IndexOf(':', StringComparison.Ordinal);
            answers[response[..colon].Trim()] = response[(colon + 1)..].Trim();
        }
        if (!answers.Keys.Any(k => k.StartsWith('2'))) answers["200"] = "OK";
        if (twilio)
        {
            answers.TryAdd("400", "A form that cannot be read (no body), or a query parameter the route cannot use");
            answers["403"] = "A bad or missing `X-Twilio-Signature`; nothing changed (no body)";
            answers["413"] = $"A body over {TwilioWebhook.MaxBodyBytes / 1024} KiB, refused unread (no body)";
            answers["415"] = "A body that is not a form (`application/x-www-form-urlencoded` or `multipart/form-data`; no body)";
        }
        else
        {
            if (takesInput) answers.TryAdd("400", "A bad request: what is wrong, by field where there are fields" + (anonymous ? "" : ", or a query parameter the route does not take"));
            else if (!anonymous) answers.TryAdd("400", "A query parameter the route does not take");
            if (!anonymous)
                answers["503"] = $"Storage or the Durable task hub is away or too slow: `Retry-After` ({StorageUnavailable.RetryAfterSeconds} s) says when to try again, `dependency` names which";
            if (operation?.Body is not null)
            {
                // A route with its own body limit or media types says so in its Responses.
                answers.TryAdd("413", $"A body over {RequestValues.MaxJsonBodyBytes / 1024} KiB");
                answers.TryAdd("415", $"A body that is not {string.Join(" or ", operation.BodyMediaTypes.Select(t => $"`{t}`"))} in a charset we can read (UTF-8)");
            }
        }
        if (!anonymous) answers["401"] = "No function key, or a wrong one; answered by the Functions host (no body)";

        var result = new JsonObject();
        foreach (var (status, description) in answers)
        {
            var code = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
            var answer = new JsonObject { ["description"] = description };
            if (code is >= 200 and < 300 and not 204 || operation?.AnswerAlsoOn.Contains(code) == true)
            {
                if (operation?.Answer is { } type)
                    answer["content"] = new JsonObject { [operation.AnswerMediaType ?? "application/json"] = new JsonObject { ["schema"] = schemas.For(type) } };
                else if (operation?.AnswerMediaType is { } mediaType)
                    answer["content"] = new JsonObject { [mediaType] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } };
            }
            else if (code >= 400 && code != 401 && !(twilio && code is 403 or 413 or 415))
                answer["content"] = new JsonObject { [Problem] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/ProblemDetails" } } };
            result[status] = answer;
        }
        return result;
    }

    /// <summary>A parameter from its <see cref="ApiOperationAttribute"/> text: "name (type): what it is".</summary>
    private static JsonObject Parameter(string text, string where, bool required, OpenApiSchemas schemas)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var head = colon < 0 ? text : text[..colon];
        var description = colon < 0 ? "" : text[(colon + 1)..].Trim();
        required |= description.Contains("(required)", StringComparison.Ordinal);
        description = description.Replace("(required)", "", StringComparison.Ordinal).Trim();
        var open = head.IndexOf('(', StringComparison.Ordinal);
        var name = (open < 0 ? head : head[..open]).Trim();
        var type = open < 0 ? "string" : head[(open + 1)..head.IndexOf(')', StringComparison.Ordinal)].Trim();
        var schema = type switch
        {
            "integer" => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
            "boolean" => new JsonObject { ["type"] = "boolean" },
            "string" => new JsonObject { ["type"] = "string" },
            _ when type.Contains('|', StringComparison.Ordinal) =>
                new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. type.Split('|').Select(v => (JsonNode)v.Trim())]) },
            _ => schemas.For(ApiEnums.Value.GetValueOrDefault(type) ?? throw new InvalidOperationException($"parameter {name}: no enum of the API is named {type}")),
        };
        var result = new JsonObject
        {
            ["name"] = name,
            ["in"] = where,
            ["required"] = required,
            ["schema"] = schema,
        };
        if (description.Length > 0) result["description"] = description;
        return result;
    }

    /// <summary>RFC 9457 problem details, as every error of the API but a Twilio route's refusals is written.</summary>
    private static JsonObject ProblemDetails() => new()
    {
        ["type"] = "object",
        ["description"] = "What went wrong (RFC 9457 problem details).",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string", ["description"] = "A URI reference naming the kind of problem" },
            ["title"] = new JsonObject { ["type"] = "string", ["description"] = "A short summary of the kind of problem" },
            ["status"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["description"] = "The HTTP status" },
            ["detail"] = new JsonObject { ["type"] = "string", ["description"] = "What went wrong in this request (a value quoted back is cut to 70 characters)" },
            ["errors"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "Bad field values (400): every field's errors at once, by the field's JSON path (e.g. `schedule.weekdays`)",
                ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            },
            ["unknownFields"] = new JsonObject
            {
                ["type"] = "array",
                ["description"] = "Fields the route does not take (400), by JSON path",
                ["items"] = new JsonObject { ["type"] = "string" },
            },
            ["line"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["description"] = "Malformed JSON (400): the line it went wrong on, from 1" },
            ["bytePositionInLine"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["description"] = "Malformed JSON (400): the byte in that line, from 1" },
            ["path"] = new JsonObject { ["type"] = "string", ["description"] = "Malformed JSON (400): the JSON path it went wrong at" },
        },
    };
}
