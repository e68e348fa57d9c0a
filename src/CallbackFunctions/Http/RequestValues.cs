using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Http;

/// <summary>
/// Query parameters and JSON bodies of the HTTP functions, read the same under the Functions host and the local host;
/// anything unreadable is a 400 (415 for a body that is not JSON, 413 for one over the limit) that says which value and why.
/// </summary>
public static class RequestValues
{
    /// <summary>The longest piece of a sender's value an error quotes back (a whole 200 KB value helps nobody).</summary>
    public const int QuoteLength = 70;

    /// <summary>A sender's value as an error quotes it: in quotes, cut to <see cref="QuoteLength"/> characters, control characters shown as '?'.</summary>
    public static string Quote(string? value)
    {
        value ??= "";
        var cut = value.Length > QuoteLength ? value[..QuoteLength] : value;
        var shown = new string([.. cut.Select(c => char.IsControl(c) ? '?' : c)]);
        return value.Length > QuoteLength ? $"'{shown}...' ({value.Length} characters)" : $"'{shown}'";
    }

    public static string? Text(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value.ToString() : null;

    /// <summary>A whole-number query parameter; null when absent, a problem when it is not a number.</summary>
    public static bool TryNumber(HttpRequest request, string name, out int? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (Text(request, name) is not { } text) return true;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            value = number;
            return true;
        }
        problem = Results.Problem($"query parameter '{name}' must be a whole number, not {Quote(text)}", statusCode: StatusCodes.Status400BadRequest);
        return false;
    }

    /// <summary>A required whole-number query parameter.</summary>
    public static bool TryRequiredNumber(HttpRequest request, string name, out int value, out IResult? problem)
    {
        value = 0;
        if (!TryNumber(request, name, out var number, out problem)) return false;
        if (number is { } n)
        {
            value = n;
            return true;
        }
        problem = Results.Problem($"query parameter '{name}' is required", statusCode: StatusCodes.Status400BadRequest);
        return false;
    }

    private static readonly string[] InstantFormats =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd"];

    /// <summary>
    /// An ISO-8601 instant (<c>2026-12-06T09:30:00Z</c>, an offset such as <c>+01:00</c>, or a date alone); one without an
    /// offset is UTC. Null when absent, a problem when it is not one.
    /// </summary>
    public static bool TryInstant(HttpRequest request, string name, out DateTimeOffset? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (Text(request, name) is not { } text) return true;
        // An unescaped '+' of an offset arrives as a space (form encoding of the query); an ISO instant has no space.
        if (DateTimeOffset.TryParseExact(text.Replace(' ', '+'), InstantFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            value = instant;
            return true;
        }
        problem = Results.Problem($"query parameter '{name}' must be an ISO-8601 instant such as 2026-12-06T09:30:00Z, not {Quote(text)}",
            statusCode: StatusCodes.Status400BadRequest);
        return false;
    }

    /// <summary>A true/false query parameter; null when absent, a problem when it is neither.</summary>
    public static bool TryFlag(HttpRequest request, string name, out bool? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (Text(request, name) is not { } text) return true;
        if (bool.TryParse(text, out var flag))
        {
            value = flag;
            return true;
        }
        problem = Results.Problem($"query parameter '{name}' must be true or false, not {Quote(text)}", statusCode: StatusCodes.Status400BadRequest);
        return false;
    }

    /// <summary>
    /// The largest JSON body read. The largest body of the management API is a rule (a week's schedule, prompts, retries
    /// per outcome): a few KiB. 256 KiB is far above any real one and bounds what a request can make us buffer and parse.
    /// </summary>
    public const int MaxJsonBodyBytes = 256 * 1024;

    /// <summary>
    /// The JSON body as <typeparamref name="T"/> (the app's JSON options: camelCase, enums by name). Whatever is wrong
    /// with the body is a problem (application/problem+json) saying what: over <see cref="MaxJsonBodyBytes"/> 413, not
    /// JSON (or a charset we cannot read) 415, not valid JSON for the route 400 with the line and byte; none is a 500,
    /// whatever the environment.
    /// </summary>
    public static async Task<(T? Value, IResult? Problem)> BodyAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        var (value, _, problem) = await ReadAsync<T>(request, ct);
        return (value, problem);
    }

    /// <summary>As <see cref="BodyAsync{T}"/>, with the body's JSON as read (UTF-8) beside the value.</summary>
    private static async Task<(T? Value, byte[] Json, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength > MaxJsonBodyBytes)
            return (null, [], TooLarge($"the body is {request.ContentLength} bytes, over the {MaxJsonBodyBytes}-byte limit"));
        // A body sent without a length (chunked) is cut off at the limit by the server as it is read (413 below). One
        // with a length within the limit needs no more; one over it was refused unread (the server discards it).
        if (request.ContentLength is null && request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = MaxJsonBodyBytes;
        if (!request.HasJsonContentType())
            return (null, [], Results.Problem($"a JSON body is required (Content-Type: application/json); got {Describe(request.ContentType)}",
                statusCode: StatusCodes.Status415UnsupportedMediaType));
        if (UnknownCharset(request.ContentType) is { } charset)
            return (null, [], Results.Problem($"the body's charset {Quote(charset)} is not one we can read (send UTF-8)", statusCode: StatusCodes.Status415UnsupportedMediaType));
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        byte[] json = [];
        try
        {
            // Read whole (it is small: bounded above) so that, if it names fields the route does not take, every one
            // of them can be named at once.
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            json = Utf8(buffer.ToArray(), request.ContentType);
            return JsonSerializer.Deserialize<T>(json, options) is { } value
                ? (value, json, null)
                : (null, json, Results.Problem("a JSON body is required", statusCode: StatusCodes.Status400BadRequest));
        }
        catch (JsonException e) when (IsUnknownField(e))
        {
            return (null, json, UnknownFields(json, typeof(T), options));
        }
        catch (JsonException e)
        {
            return (null, json, NotJson(e, typeof(T), options));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, [], TooLarge($"the body is over the {MaxJsonBodyBytes}-byte limit"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, [], Results.Problem($"the body could not be read: {e.Message}", statusCode: e.StatusCode is >= 400 and < 500 ? e.StatusCode : StatusCodes.Status400BadRequest));
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            return (null, [], Results.Problem("the body ended before it was complete", statusCode: StatusCodes.Status400BadRequest));
        }
    }

    /// <summary>The body as UTF-8 (JSON's encoding; a body in another charset the content type names is converted).</summary>
    private static byte[] Utf8(byte[] body, string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type) || type.Charset is not { Length: > 0 } charset) return body;
        var encoding = Encoding.GetEncoding(charset.ToString().Trim('"'));
        return encoding.CodePage == Encoding.UTF8.CodePage ? body : Encoding.UTF8.GetBytes(encoding.GetString(body));
    }

    /// <summary>The serializer refused a property the type does not have (unknown fields are refused, so a typo never silently resets a setting).</summary>
    private static bool IsUnknownField(JsonException e) => e.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal);

    private const int NamedAtMost = 20;

    /// <summary>Every field of the body that the route does not take, by its JSON path, and the fields it does take.</summary>
    private static IResult UnknownFields(byte[] json, Type type, JsonSerializerOptions options)
    {
        using var document = JsonDocument.Parse(json);
        var unknown = new List<string>();
        CollectUnknown(document.RootElement, type, options, "$", unknown);
        var known = options.GetTypeInfo(type).Properties.Select(p => p.Name);
        var named = string.Join(", ", unknown.Take(NamedAtMost)) + (unknown.Count > NamedAtMost ? $" and {unknown.Count - NamedAtMost} more" : "");
        return Results.Problem($"unknown field{(unknown.Count == 1 ? "" : "s")} {named}; this route takes {string.Join(", ", known)} (a misspelt field is refused rather than left at its default)",
            statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?> { ["unknownFields"] = unknown.Take(NamedAtMost * 5).ToArray() });
    }

    private static void CollectUnknown(JsonElement element, Type type, JsonSerializerOptions options, string path, List<string> unknown)
    {
        var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
        switch (info.Kind)
        {
            case System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                var comparer = options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
                var properties = info.Properties.GroupBy(p => p.Name, comparer).ToDictionary(g => g.Key, g => g.First(), comparer);
                foreach (var member in element.EnumerateObject())
                {
                    if (properties.TryGetValue(member.Name, out var property)) CollectUnknown(member.Value, property.PropertyType, options, $"{path}.{member.Name}", unknown);
                    else unknown.Add($"{path}.{member.Name}");
                }
                break;
            case System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && info.ElementType is { } item:
                var index = 0;
                foreach (var value in element.EnumerateArray()) CollectUnknown(value, item, options, $"{path}[{index++}]", unknown);
                break;
            case System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary when element.ValueKind == JsonValueKind.Object && info.ElementType is { } entry:
                foreach (var member in element.EnumerateObject()) CollectUnknown(member.Value, entry, options, $"{path}.{member.Name}", unknown);
                break;
        }
    }

    private static IResult TooLarge(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>Where the JSON went wrong (line and byte counted from 1, and the JSON path) and what, in words for the
    /// sender (<see cref="JsonProblems"/>: never the serializer's own message), in the detail and as extensions.</summary>
    private static IResult NotJson(JsonException e, Type body, JsonSerializerOptions options)
    {
        var message = JsonProblems.Describe(e, body, options);
        // The path of the body itself ("$") says nothing a line and byte do not.
        var path = e.Path is { Length: > 1 } p ? p : null;
        var where = e.LineNumber is { } line
            ? $" at line {line + 1}, byte {e.BytePositionInLine.GetValueOrDefault() + 1}" + (path is null ? "" : $" ({path})")
            : path is null ? "" : $" at {path}";
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (e.LineNumber is { } l) extensions["line"] = l + 1;
        if (e.BytePositionInLine is { } b) extensions["bytePositionInLine"] = b + 1;
        if (!string.IsNullOrEmpty(e.Path)) extensions["path"] = e.Path;
        return Results.Problem($"the body is not valid JSON for this route{where}: {message}", statusCode: StatusCodes.Status400BadRequest,
            extensions: extensions);
    }

    /// <summary>The charset of a JSON content type when it names an encoding .NET does not have (reading would throw).</summary>
    private static string? UnknownCharset(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type) || type.Charset is not { Length: > 0 } charset) return null;
        var name = charset.ToString().Trim('"');
        try
        {
            _ = Encoding.GetEncoding(name);
            return null;
        }
        catch (ArgumentException)
        {
            return name.Length > 40 ? name[..40] : name;
        }
    }

    private static string Describe(string? contentType) =>
        string.IsNullOrEmpty(contentType) ? "no Content-Type"
        : MediaTypeHeaderValue.TryParse(contentType, out var type) ? $"'{type.MediaType}'"
        : "an unparsable Content-Type";

    /// <summary>
    /// Reads a JSON merge patch (RFC 7396) of a <typeparamref name="T"/> and hands it on, or answers the problem with it.
    /// The patch is read as a <typeparamref name="T"/> first, so what a body of that type would be refused for (an unknown
    /// field, a wrong type) is refused here alike, by its place in the patch. Its content type is
    /// <c>application/merge-patch+json</c> or <c>application/json</c>.
    /// </summary>
    public static async Task<IResult> WithMergePatchAsync<T>(HttpRequest request, Func<MergePatch<T>, Task<IResult>> handle, CancellationToken ct) where T : class
    {
        var (value, json, problem) = await ReadAsync<T>(request, ct);
        if (value is null) return problem!;
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        JsonObject members;
        try
        {
            // It read as a T, so it is an object; walking it builds every member, which finds a field named twice.
            members = (JsonObject)JsonNode.Parse(json)!;
            Walk(members);
        }
        catch (ArgumentException)
        {
            return Results.Problem("a merge patch names each field once", statusCode: StatusCodes.Status400BadRequest);
        }
        return await handle(new MergePatch<T>(members, options));
    }

    private static void Walk(JsonNode? node)
    {
        if (node is JsonObject o) foreach (var (_, value) in o) Walk(value);
        else if (node is JsonArray a) foreach (var value in a) Walk(value);
    }

    /// <summary>Reads the JSON body and hands it on, or answers the problem with it.</summary>
    public static async Task<IResult> WithBodyAsync<T>(HttpRequest request, Func<T, Task<IResult>> handle, CancellationToken ct) where T : class
    {
        var (body, problem) = await BodyAsync<T>(request, ct);
        return body is null ? problem! : await handle(body);
    }
}

/// <summary>A JSON merge patch (RFC 7396) of a <typeparamref name="T"/>: the fields it names replace the target's (an
/// object merged field by field), null removes one (so it takes its default), the fields it leaves out stay.</summary>
public sealed record MergePatch<T>(JsonObject Members, JsonSerializerOptions Options) where T : class
{
    /// <summary>The target with this patch applied.</summary>
    public T ApplyTo(T target)
    {
        var merged = Merge(JsonSerializer.SerializeToNode(target, Options), Members);
        return merged.Deserialize<T>(Options) ?? throw new InvalidOperationException("a merge patch of an object gave no object");
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members) return patch?.DeepClone();
        var result = target is JsonObject o ? (JsonObject)o.DeepClone() : [];
        foreach (var (name, value) in members)
        {
            if (value is null) result.Remove(name);
            else result[name] = Merge(result[name], value);
        }
        return result;
    }
}
