using System.Collections.Frozen;
using System.Reflection;
using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

// WebConsole, not Console (the folder's name): a namespace CallbackFunctions.Console would hide System.Console from every file
// in a CallbackFunctions.* namespace.
namespace CallbackFunctions.WebConsole;

/// <summary>
/// The web console (issue 17): static files embedded in this assembly (<c>Console/wwwroot</c>), served at
/// <c>/console</c>. Anonymous, because the page holds no data: every call it makes goes to the management API
/// with the function key the user typed, which the page keeps in <c>sessionStorage</c> and sends as
/// <c>x-functions-key</c>, never in a URL.
/// </summary>
public sealed class ConsoleFunctions
{
    /// <summary>
    /// Nothing but this app's own files and calls to this app: no inline script or style, no frames, no forms posted
    /// anywhere, no base to move relative URLs. The console needs nothing else, so a script injected some other way
    /// has nowhere to send the key.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string ResourcePrefix = "Console/";

    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every embedded file by its path under <c>/console/</c>, with its bytes and strong tag, read once.</summary>
    private static readonly Lazy<FrozenDictionary<string, ConsoleFile>> Files = new(() =>
    {
        var assembly = typeof(ConsoleFunctions).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => (Path: n[ResourcePrefix.Length..], Bytes: Read(assembly, n)))
            .Where(f => Types.ContainsKey(System.IO.Path.GetExtension(f.Path)))
            .ToFrozenDictionary(f => f.Path, f => new ConsoleFile(f.Bytes, Types[System.IO.Path.GetExtension(f.Path)], ETags.TagOf(f.Bytes)), StringComparer.Ordinal);
    });

    private sealed record ConsoleFile(byte[] Bytes, string ContentType, string Tag);

    /// <summary>The files the console is made of, by path (for the tests).</summary>
    public static IReadOnlyCollection<string> Paths => Files.Value.Keys;

    [ApiOperation("Console", "The web console for agents and supervisors: a page that asks for the function key once and calls this API with it",
        AnswerMediaType = "text/html", Responses = ["200: The page", "304: The page the request's If-None-Match names is still current"])]
    [Function("ConsolePage")]
    public IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request) => Serve(request, "index.html");

    [ApiOperation("Console", "A file of the web console (its scripts and styles)", Path = ["path: the file's path under /console/, e.g. `app.mjs`"],
        AnswerMediaType = "application/octet-stream",
        Responses = ["200: The file, with its own Content-Type", "304: The file the request's If-None-Match names is still current", "404: No such file"])]
    [Function("ConsoleFile")]
    public IResult File([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{*path}")] HttpRequest request)
    {
        // The path from the request itself (a catch-all: "views/board.mjs"), so both hosts read it the same way.
        var path = request.Path.Value is { } full && full.IndexOf("/console/", StringComparison.Ordinal) is var at and >= 0 ? full[(at + "/console/".Length)..] : "";
        return Serve(request, path.Length == 0 ? "index.html" : path);
    }

    private static IResult Serve(HttpRequest request, string path)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (!Files.Value.TryGetValue(path, out var file))
            return Results.Problem($"the console has no file {RequestValues.Quote(path)}", statusCode: StatusCodes.Status404NotFound);
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // Always asked again, answered 304 while unchanged: a new deployment reaches every open browser at its next load.
        headers.CacheControl = "no-cache";
        return Results.Bytes(file.Bytes, file.ContentType, entityTag: new EntityTagHeaderValue(file.Tag));
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
