using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Http;

/// <summary>
/// Query parameters and JSON bodies of the HTTP functions, read the same under the Functions host and the local host;
/// anything unreadable is a 400 (415 for a body that is not JSON) that says which value and why.
/// </summary>
public static class RequestValues
{
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
        problem = Results.Problem($"query parameter '{name}' must be a whole number, not '{text}'", statusCode: StatusCodes.Status400BadRequest);
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
        problem = Results.Problem($"query parameter '{name}' must be true or false, not '{text}'", statusCode: StatusCodes.Status400BadRequest);
        return false;
    }

    /// <summary>The JSON body as <typeparamref name="T"/> (the app's JSON options: camelCase, enums by name).</summary>
    public static async Task<(T? Value, IResult? Problem)> BodyAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
            return (null, Results.Problem("a JSON body is required (Content-Type: application/json)", statusCode: StatusCodes.Status415UnsupportedMediaType));
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return await request.ReadFromJsonAsync<T>(options, ct) is { } value
                ? (value, null)
                : (null, Results.Problem("a JSON body is required", statusCode: StatusCodes.Status400BadRequest));
        }
        catch (JsonException e)
        {
            return (null, Results.Problem($"the body is not valid JSON for this route: {e.Message}", statusCode: StatusCodes.Status400BadRequest));
        }
    }

    /// <summary>Reads the JSON body and hands it on, or answers the problem with it.</summary>
    public static async Task<IResult> WithBodyAsync<T>(HttpRequest request, Func<T, Task<IResult>> handle, CancellationToken ct) where T : class
    {
        var (body, problem) = await BodyAsync<T>(request, ct);
        return body is null ? problem! : await handle(body);
    }
}
