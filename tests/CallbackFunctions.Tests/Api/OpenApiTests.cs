using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Api;

/// <summary>The API's reference page and OpenAPI document, as the running app serves them.</summary>
public sealed partial class OpenApiTests : StackTestBase
{
    [Fact]
    public async Task DocsPage_LoadsEveryScriptFromTheAppItself()
    {
        var docsUrl = new Uri(Stack.AppUrl, "/api/docs");
        var page = await Stack.Api.GetStringAsync(docsUrl);
        var sources = ScriptSource().Matches(page).Select(m => m.Groups["src"].Value).ToList();

        Assert.NotEmpty(sources);
        foreach (var src in sources)
        {
            // Relative to the page: no other host, no scheme-relative URL, so the page works offline.
            Assert.False(Uri.TryCreate(src, UriKind.Absolute, out _) || src.StartsWith("//", StringComparison.Ordinal), $"<script src=\"{src}\"> is on another host");
            var url = new Uri(docsUrl, src);
            Assert.Equal(Stack.AppUrl.Authority, url.Authority);

            using var response = await Stack.Api.GetAsync(url);
            var script = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.CacheControl?.MaxAge);
            Assert.True(script.Length > 100_000, $"{src} is {script.Length} characters: not the reference script");
            Assert.Contains("createApiReference", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DocsScript_ToABrowserThatTakesGzip_IsSentGzippedAsEmbedded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/docs/scalar.js") { Headers = { { "Accept-Encoding", "gzip, br" } } };
        using var response = await Stack.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var unzipped = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        Assert.Contains("createApiReference", await new StreamReader(unzipped).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex("""<script\b[^>]*\bsrc\s*=\s*["'](?<src>[^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();
}
