using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

namespace CallbackFunctions.TwilioSimulator.Control;

/// <summary>
/// The page at <c>GET /</c>: how to drive the simulator by hand. The routes, their bodies (field names, types, defaults,
/// allowed values) and their answers are read from the mapped endpoints and the body types, so the page cannot drift
/// from them; a route or field without a description shows up as <see cref="Undocumented"/> (a test looks for it).
/// </summary>
internal static class RootPage
{
    public const string ContentType = "text/plain; charset=utf-8";
    public const string Undocumented = "(undocumented)";
    public const string RestPrefix = "/2010-04-01";

    /// <summary>The line of the hand-signing recipe a reader replaces with the app's URL.</summary>
    public const string AppUrlPlaceholder = "APP=http://127.0.0.1:PORT";

    public const string ExampleCaller = "+14155550111";
    public const string ExampleCallSid = "CAdeadbeefdeadbeefdeadbeefdeadbeef";

    /// <summary>Used in examples when the simulator owns no number (any E.164 is then accepted); ./run.sh's number.</summary>
    private const string FallbackOurNumber = "+14155550100";

    /// <summary>What the curl examples put in for a route parameter.</summary>
    private static readonly Dictionary<string, string> ExampleRouteValues = new(StringComparer.Ordinal)
    {
        ["number"] = ExampleCaller,
        ["sid"] = "$CALL_SID",
        ["name"] = "support",
    };

    public static string Render(IEnumerable<Endpoint> endpoints, SimulatorOptions options, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var routes = endpoints.OfType<RouteEndpoint>().ToList();
        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        var ours = options.OwnedNumbers.Order(StringComparer.Ordinal).FirstOrDefault() ?? FallbackOurNumber;
        var page = new Page();

        page.Line($"# Twilio simulator at {root}/");
        page.Line();
        page.Line("A strict, in-memory stand-in for Twilio Voice on loopback: the REST calls the app makes, signed webhooks, TwiML");
        page.Line("followed to the letter, scripted people. ./run.sh starts one on a free port each run and prints it as \"Simulator:\";");
        page.Line("every example on this page uses the address this page was served from.");
        page.Line();
        page.Line("## Local credentials");
        page.Line();
        page.Line($"Account SID:    {options.AccountSid}   (REST: the HTTP Basic user)");
        page.Line($"Auth token:     {options.AuthToken}   (REST: the HTTP Basic password; the key of every webhook signature)");
        page.Line(options.ApiKeySid is null
            ? "API key:        none"
            : $"API key:        {options.ApiKeySid}:{options.ApiKeySecret}   (also accepted as HTTP Basic user:password)");
        page.Line(options.OwnedNumbers.Count == 0
            ? "Owned numbers:  none configured, so any E.164 number is ours"
            : $"Owned numbers:  {string.Join(", ", options.OwnedNumbers.Order(StringComparer.Ordinal))}   (Create Call's From and an inbound call's to must be one)");
        page.Line(Invariant($"Calls per second: {options.CallsPerSecond} (0 = no limit); time scale: {options.TimeScale} (multiplies ring, talk, pause, queue and timeout durations)"));
        page.Line("./run.sh gives the app this account SID and auth token (settings Twilio:AccountSid, Twilio:AuthToken) and this");
        page.Line("address as Twilio:ApiBaseUrl. A standalone simulator takes --account-sid, --auth-token, --port, --owned-numbers.");
        page.Line();

        page.Line("## Control API");
        page.Line();
        page.Line("JSON in and out, camelCase. A body needs Content-Type: application/json; an unknown field, a bad value or a missing");
        page.Line("required field answers 400 application/problem+json {\"title\":\"Invalid simulator request\",\"detail\":\"...\"}.");
        page.Line("Dropped fields take the defaults shown.");
        foreach (var route in routes.Where(r => !IsRest(r)).OrderBy(r => r.Order))
        {
            WriteControlRoute(page, route, root, ours);
        }

        page.Line();
        page.Line("## Webhooks the simulator sends");
        page.Line();
        page.Line("Every request it makes (voice URLs, TwiML actions, <Redirect>, status callbacks) carries X-Twilio-Signature, as");
        page.Line("Twilio's do: Base64(HMAC-SHA1(key = the auth token, data = the URL followed by each form");
        page.Line("parameter's name and value)), names in ordinal order (A-Z before a-z), values decoded, no separators.");
        page.Line("POST: the URL as requested (an https URL without its port), the parameters form-encoded in the body.");
        page.Line("GET (method=\"GET\"): the parameters are appended to the query string and the signature covers that whole URL,");
        page.Line("with nothing appended. User-Agent: TwilioProxy/1.1. A webhook that fails is listed at GET /sim/errors.");
        page.Line();

        page.Line("## Signing a webhook to the app by hand");
        page.Line();
        page.Line("The app checks X-Twilio-Signature on every /api/twilio/... route against Twilio:WebhookBaseUrl + path + query (./run.sh");
        page.Line("sets that to the app's own URL) and answers 403 when it is wrong or missing. The same recipe signs any webhook:");
        page.Line("sign the exact URL you send to, then each form parameter's name and value, names sorted, no separators.");
        page.Line("In bash, with openssl and curl (set APP first):");
        page.Line();
        var signed = new (string Name, string Value)[]
        {
            ("AccountSid", options.AccountSid),
            ("CallSid", ExampleCallSid),
            ("CallStatus", "completed"),
            ("From", ExampleCaller),
            ("QueueResult", "hangup"),
            ("To", ours),
        };
        page.Line("```sh");
        page.Line("# The app's URL as ./run.sh prints it (\"App:\"), without the trailing slash:");
        page.Line(AppUrlPlaceholder);
        page.Line($"TOKEN={options.AuthToken}");
        page.Line("URL=\"$APP/api/twilio/missed-call?queue=support\"");
        page.Line("# What is signed: the URL, then each form parameter's name and value, names sorted (ordinal), no separators:");
        page.Line($"DATA=\"${{URL}}{string.Concat(signed.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + p.Value))}\"");
        page.Line("SIG=$(printf '%s' \"$DATA\" | openssl dgst -sha1 -hmac \"$TOKEN\" -binary | base64)");
        page.Line("curl -i \"$URL\" -H \"X-Twilio-Signature: $SIG\" \\");
        page.Line("  " + string.Join(" ", signed.Select(p => $"--data-urlencode \"{p.Name}={p.Value}\"")));
        page.Line("```");
        page.Line();
        page.Line($"That is the <Enqueue> action of a caller who hung up in the support queue: the app answers TwiML and makes a");
        page.Line($"callback for {ExampleCaller} (curl \"$APP/api/callbacks\"). A changed parameter or URL without a new signature gets 403.");
        page.Line($"To have the simulator send it instead, place an inbound call whose TwiML enqueues with that action:");
        page.Line();
        page.Line(Invariant($"    curl -i -X POST \"{root}/sim/inbound-calls\" -H 'Content-Type: application/json' -d '{{\"from\":\"{ExampleCaller}\",\"to\":\"{ours}\",\"twiml\":\"<Response><Enqueue action=\\\"'\"$APP\"'/api/twilio/missed-call?queue=support\\\">support</Enqueue></Response>\",\"queueOutcome\":\"hangup\"}}'"));
        page.Line();

        page.Line("## Twilio REST routes");
        page.Line();
        page.Line("As Twilio's API does, strictly: unknown parameters, bad values and wrong methods get Twilio's error JSON and code.");
        page.Line("HTTP Basic auth with the account SID and auth token above; the path's {accountSid} must be that SID.");
        page.Line();
        page.Line("| Method | Path | What |");
        page.Line("|---|---|---|");
        foreach (var route in routes.Where(IsRest).OrderBy(r => r.Order))
        {
            var operations = route.Metadata.GetMetadata<RestRouteDoc>()?.Operations ?? [new RestOperation("?", Undocumented)];
            foreach (var op in operations)
            {
                page.Line($"| {op.Method} | {route.RoutePattern.RawText} | {op.Does} |");
            }
        }

        var calls = $"{root}/2010-04-01/Accounts/{options.AccountSid}/Calls.json";
        page.Line();
        page.Line($"    curl -s -u '{options.AccountSid}:{options.AuthToken}' \"{calls}\"");
        page.Line($"    curl -s -u '{options.AccountSid}:{options.AuthToken}' \"{calls}\" --data-urlencode \"To={ExampleCaller}\" --data-urlencode \"From={ours}\" --data-urlencode \"Twiml=<Response><Say>Hello</Say></Response>\"");
        return page.ToString();
    }

    private static bool IsRest(RouteEndpoint route) =>
        route.RoutePattern.RawText?.StartsWith(RestPrefix, StringComparison.Ordinal) == true;

    private static void WriteControlRoute(Page page, RouteEndpoint route, string root, string ours)
    {
        var pattern = route.RoutePattern.RawText ?? "";
        var methods = route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
        var doc = route.Metadata.GetMetadata<RouteDoc>();
        page.Line();
        page.Line(methods.Count == 0 ? $"### Any method, {pattern}" : $"### {string.Join(", ", methods)} {pattern}");
        page.Line();
        page.Line(doc?.Does ?? Undocumented);
        if (doc?.Body is { } body)
        {
            page.Line();
            WriteBody(page, body);
        }

        page.Line();
        page.Line($"Answers: {doc?.Answers ?? Undocumented}");
        if (doc?.Response is { } response)
        {
            page.Line($"  fields: {Fields(response)}");
        }

        if (methods.Count == 0)
        {
            return;
        }

        var url = root + string.Concat(route.RoutePattern.PathSegments.Select(segment => "/" + string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => ExampleRouteValues.GetValueOrDefault(parameter.Name, "{" + parameter.Name + "}"),
            _ => "",
        }))));
        if (route.RoutePattern.PathSegments.Count == 0)
        {
            url += "/";
        }

        var method = methods[0];
        var curl = method == "GET" ? $"curl -s \"{url}\"" : $"curl -i -X {method} \"{url}\"";
        if (doc?.ExampleBody is { } example)
        {
            curl += $" -H 'Content-Type: application/json' -d '{example.Replace("{ours}", ours, StringComparison.Ordinal)}'";
        }

        page.Line();
        page.Line("    " + curl);
    }

    /// <summary>The fields of a JSON body type, and those of the object types it holds, each with type, default and description.</summary>
    private static void WriteBody(Page page, Type body)
    {
        var pending = new Queue<Type>([body]);
        var seen = new HashSet<Type> { body };
        var first = true;
        while (pending.TryDequeue(out var type))
        {
            page.Line(first ? $"Body ({type.Name}):" : $"{type.Name}:");
            first = false;
            var info = ControlApi.Json.GetTypeInfo(type);
            var defaults = Activator.CreateInstance(type);
            foreach (var property in info.Properties)
            {
                var nested = new List<Type>();
                var typeName = TypeName(property.PropertyType, nested);
                foreach (var n in nested.Where(seen.Add))
                {
                    pending.Enqueue(n);
                }

                var value = property.IsRequired
                    ? "required"
                    : "default " + JsonSerializer.Serialize(property.Get!(defaults!), property.PropertyType, ControlApi.Json);
                page.Line($"  - {property.Name}: {typeName}, {value}. {Description(property.AttributeProvider)}");
                if (EnumType(property.PropertyType) is { } enumType && EnumValues(enumType).Any(v => v.Description is not null))
                {
                    page.Line($"      {string.Join(" ", EnumValues(enumType).Select(v => $"\"{v.Name}\" = {v.Description ?? Undocumented}"))}");
                }
            }
        }
    }

    private static string Description(ICustomAttributeProvider? provider) =>
        provider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: true).OfType<DescriptionAttribute>().FirstOrDefault()?.Description
        ?? Undocumented;

    private static string TypeName(Type type, List<Type> nested)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            return "string";
        }

        if (t == typeof(bool))
        {
            return "boolean";
        }

        if (t == typeof(int) || t == typeof(long))
        {
            return "integer";
        }

        if (t == typeof(double))
        {
            return "number";
        }

        if (t.IsEnum)
        {
            return string.Join(" | ", EnumValues(t).Select(v => $"\"{v.Name}\""));
        }

        var info = ControlApi.Json.GetTypeInfo(t);
        if (info.Kind == JsonTypeInfoKind.Enumerable)
        {
            return "[" + TypeName(info.ElementType!, nested) + "]";
        }

        nested.Add(t);
        return t.Name;
    }

    private static Type? EnumType(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            return t;
        }

        var info = ControlApi.Json.GetTypeInfo(t);
        return info.Kind == JsonTypeInfoKind.Enumerable ? EnumType(info.ElementType!) : null;
    }

    private static IEnumerable<(string Name, string? Description)> EnumValues(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (
            f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name,
            f.GetCustomAttribute<DescriptionAttribute>()?.Description));

    /// <summary>The JSON field names of a response type, those of nested objects in braces.</summary>
    private static string Fields(Type type)
    {
        var info = ControlApi.Json.GetTypeInfo(type);
        return string.Join(", ", info.Properties.Select(p =>
        {
            var element = ControlApi.Json.GetTypeInfo(p.PropertyType) is { Kind: JsonTypeInfoKind.Enumerable } list ? list.ElementType! : null;
            var target = element ?? p.PropertyType;
            if (ControlApi.Json.GetTypeInfo(target).Kind != JsonTypeInfoKind.Object)
            {
                return p.Name;
            }

            var inner = "{" + Fields(target) + "}";
            return p.Name + ": " + (element is null ? inner : "[" + inner + "]");
        }));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class Page
    {
        private readonly StringBuilder text = new();

        public void Line(string line = "") => text.Append(line).Append('\n');

        public override string ToString() => text.ToString();
    }
}
