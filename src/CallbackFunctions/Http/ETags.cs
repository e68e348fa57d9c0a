using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace CallbackFunctions.Http;

/// <summary>
/// Conditional GETs for the routes the web console polls every 2 s (issue 17): the answer's body is hashed into a strong
/// ETag, and a request whose <c>If-None-Match</c> names it is answered <c>304 Not Modified</c> with no body. The route
/// still does its reads (the tag is the body's own hash, so nothing has to know when data changed); what a match
/// saves is the body on the wire and the browser's work redrawing a view that has not changed.
/// </summary>
public static class ETags
{
    /// <summary><paramref name="answer"/>, tagged when it is a 200; a 304 instead when the request already holds that tag.</summary>
    public static IResult Conditional(HttpRequest request, IResult answer) => new ConditionalAnswer(answer);

    /// <summary>The strong tag of a body: the first 128 bits of its SHA-256, in hex.</summary>
    public static string TagOf(ReadOnlySpan<byte> body) => $"\"{Convert.ToHexStringLower(SHA256.HashData(body)[..16])}\"";

    /// <summary>Whether an <c>If-None-Match</c> names <paramref name="tag"/> (weak comparison, as RFC 9110 §13.1.2 has for it; <c>*</c> matches any).</summary>
    public static bool Matches(IEnumerable<string?> ifNoneMatch, string tag)
    {
        foreach (var header in ifNoneMatch)
        {
            if (string.IsNullOrWhiteSpace(header)) continue;
            if (!EntityTagHeaderValue.TryParseList([header], out var tags)) continue;
            if (tags.Any(t => t.Tag == "*" || t.Tag.Equals(tag, StringComparison.Ordinal))) return true;
        }
        return false;
    }

    private sealed class ConditionalAnswer(IResult inner) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            var body = response.Body;
            using var buffer = new MemoryStream();
            response.Body = buffer;
            try
            {
                await inner.ExecuteAsync(context);
            }
            finally
            {
                response.Body = body;
            }
            if (response.StatusCode == StatusCodes.Status200OK)
            {
                var tag = TagOf(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                response.Headers.ETag = tag;
                // The browser may keep it, but asks again each time (the console's polls send If-None-Match themselves).
                response.Headers.CacheControl = "no-cache";
                if (Matches(context.Request.Headers.IfNoneMatch, tag))
                {
                    response.StatusCode = StatusCodes.Status304NotModified;
                    response.ContentLength = null;
                    response.Headers.ContentType = default;
                    return;
                }
            }
            response.ContentLength = buffer.Length;
            buffer.Position = 0;
            await buffer.CopyToAsync(body, context.RequestAborted);
        }
    }
}
