using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CallbackFunctions.Http;

/// <summary>
/// The JSON Schemas (2020-12, as OpenAPI 3.1 takes them) of the API's bodies and answers, from the serializer's own
/// view of each type (<see cref="JsonSchemaExporter"/>), so they cannot drift from what the API reads and writes. Each
/// of the app's own object types and enums is one named schema (<see cref="Components"/>), referenced where it is used.
/// Every field is described by its doc comment (<see cref="XmlDocs"/>). A request body's <c>required</c> lists the
/// fields its handler refuses to go without (marked <see cref="RequiredAttribute"/>; the handler checks them itself,
/// so that one answer names every missing field): the other fields have defaults.
/// </summary>
public sealed class OpenApiSchemas
{
    private readonly JsonSerializerOptions _options;
    private readonly XmlDocs _docs;
    private readonly HashSet<Type> _requestTypes = [];
    private readonly Dictionary<string, Type> _named = new(StringComparer.Ordinal);
    private readonly JsonSchemaExporterOptions _exporter;

    public JsonObject Components { get; } = [];

    /// <param name="api">The API's serializer options.</param>
    /// <param name="docs">Where descriptions come from.</param>
    /// <param name="requestBodies">The types the API reads as request bodies (and all they hold are request types too).</param>
    public OpenApiSchemas(JsonSerializerOptions api, XmlDocs docs, IEnumerable<Type> requestBodies)
    {
        // The API also reads a number written as a string (the web defaults); a client should just send the number.
        _options = new JsonSerializerOptions(api) { NumberHandling = JsonNumberHandling.Strict };
        _options.MakeReadOnly(populateMissingResolver: true);
        _docs = docs;
        _exporter = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = Transform };
        foreach (var body in requestBodies) AddRequestType(body);
    }

    /// <summary>The schema of <paramref name="type"/>: a reference to its named schema, or the schema itself (a list, a string).</summary>
    public JsonNode For(Type type) => _options.GetJsonSchemaAsNode(type, _exporter);

    private void AddRequestType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!_requestTypes.Add(type)) return;
        var info = _options.GetTypeInfo(type);
        foreach (var property in info.Properties) AddRequestType(property.PropertyType);
        if (info.ElementType is { } element) AddRequestType(element);
    }

    private JsonNode Transform(JsonSchemaExporterContext context, JsonNode node)
    {
        if (node is not JsonObject schema) return node;
        var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && _requestTypes.Contains(type)) RequireWhatTheHandlerRequires(context.TypeInfo, schema);
        if (Format(type) is { } format) schema["format"] = format;
        var described = context.PropertyInfo?.AttributeProvider is MemberInfo member ? _docs.Of(member) : null;
        if (IsNamed(context.TypeInfo, type)) node = Reference(type, schema);
        if (described is not null) node["description"] = described;
        return node;
    }

    /// <summary>The app's own objects and enums are named schemas; lists, maps and the framework's types are inline.</summary>
    private static bool IsNamed(JsonTypeInfo info, Type type) =>
        type.Assembly.GetName().Name?.StartsWith("CallbackFunctions", StringComparison.Ordinal) == true
        && (info.Kind == JsonTypeInfoKind.Object || type.IsEnum);

    /// <summary>Moves a named type's schema to <see cref="Components"/> (once) and answers a reference to it, nullable where the use is.</summary>
    private JsonObject Reference(Type type, JsonObject schema)
    {
        var nullable = RemoveNull(schema);
        // What belongs to this use of the type (a parameter's default), not to the type, stays at the use.
        var hasDefault = schema.Remove("default", out var useDefault);
        if (_named.TryGetValue(type.Name, out var known) && known != type)
            throw new InvalidOperationException($"two API types are named {type.Name}: {known.FullName} and {type.FullName}");
        if (_named.TryAdd(type.Name, type))
        {
            if (Describe(type) is { } description) schema.Insert(0, "description", description);
            Components[type.Name] = schema;
        }
        var reference = new JsonObject { ["$ref"] = "#/components/schemas/" + type.Name };
        var result = nullable ? new JsonObject { ["oneOf"] = new JsonArray(reference, new JsonObject { ["type"] = "null" }) } : reference;
        if (hasDefault) result["default"] = useDefault;
        return result;
    }

    /// <summary>A type's summary; an enum's also says what each value means.</summary>
    private string? Describe(Type type)
    {
        var summary = _docs.Of(type);
        if (!type.IsEnum) return summary;
        var values = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (f.Name, Doc: _docs.Of(f))).Where(v => v.Doc is not null).Select(v => $"- `{v.Name}`: {v.Doc}").ToList();
        return values.Count == 0 ? summary : (summary is null ? "" : summary + "\n\n") + string.Join("\n", values);
    }

    /// <summary>Takes <c>null</c> out of a schema's types and values; true when it was there.</summary>
    private static bool RemoveNull(JsonObject schema)
    {
        var nullable = false;
        if (schema["type"] is JsonArray types)
        {
            var kept = types.Where(t => t?.GetValue<string>() != "null").Select(t => t!.GetValue<string>()).ToList();
            nullable = kept.Count < types.Count;
            schema["type"] = kept.Count == 1 ? kept[0] : new JsonArray([.. kept.Select(t => (JsonNode)t)]);
        }
        if (schema["enum"] is JsonArray values && values.Any(v => v is null))
        {
            nullable = true;
            schema["enum"] = new JsonArray([.. values.Where(v => v is not null).Select(v => v!.DeepClone())]);
        }
        if (schema["enum"] is not null && schema["type"] is null) schema.Insert(0, "type", "string");
        return nullable;
    }

    private static void RequireWhatTheHandlerRequires(JsonTypeInfo info, JsonObject schema)
    {
        var required = info.Properties
            .Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true
                        || p.AssociatedParameter?.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
            .Select(p => (JsonNode)p.Name).ToArray();
        schema.Remove("required");
        if (required.Length > 0) schema["required"] = new JsonArray(required);
    }

    private static string? Format(Type type) =>
        type == typeof(int) ? "int32" : type == typeof(long) ? "int64" : type == typeof(double) ? "double" : null;
}
