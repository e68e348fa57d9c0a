using System.Text.RegularExpressions;
using CallbackFunctions.WebConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackFunctions.WebConsole.Tests;

/// <summary>The console's files as <see cref="ConsoleFunctions"/> serves them from the assembly (no stack needed).</summary>
public sealed partial class ConsoleFilesTests
{
    [Fact]
    public async Task Page_IsHtml_UnderAStrictContentSecurityPolicy_AndAskedForAgainEachTime()
    {
        var answer = await GetAsync("/console", c => new ConsoleFunctions().Page(c.Request));
        Assert.Equal(200, answer.Status);
        Assert.Equal("text/html; charset=utf-8", answer.Headers.ContentType.ToString());
        var policy = answer.Headers.ContentSecurityPolicy.ToString();
        foreach (var directive in new[] { "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'" })
            Assert.Contains(directive, policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("no-cache", answer.Headers.CacheControl.ToString());
        Assert.Equal("nosniff", answer.Headers.XContentTypeOptions.ToString());
        Assert.Contains("<main id=\"main\"", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console/app.mjs", "text/javascript; charset=utf-8")]
    [InlineData("/console/views/board.mjs", "text/javascript; charset=utf-8")]
    [InlineData("/console/console.css", "text/css; charset=utf-8")]
    [InlineData("/console/", "text/html; charset=utf-8")]
    public async Task File_IsServedWithItsContentType(string path, string type)
    {
        var answer = await GetAsync(path, c => new ConsoleFunctions().File(c.Request));
        Assert.Equal(200, answer.Status);
        Assert.Equal(type, answer.Headers.ContentType.ToString());
        Assert.False(string.IsNullOrEmpty(answer.Headers.ETag.ToString()));
    }

    [Theory]
    [InlineData("/console/nope.mjs")]
    [InlineData("/console/../host.json")]
    [InlineData("/console/views")]
    public async Task UnknownPath_IsNotFound(string path)
    {
        var answer = await GetAsync(path, c => new ConsoleFunctions().File(c.Request));
        Assert.Equal(404, answer.Status);
    }

    [Fact]
    public async Task File_WithItsOwnTag_IsNotModified()
    {
        var first = await GetAsync("/console/app.mjs", c => new ConsoleFunctions().File(c.Request));
        var again = await GetAsync("/console/app.mjs", c => new ConsoleFunctions().File(c.Request), ifNoneMatch: first.Headers.ETag.ToString());
        Assert.Equal(304, again.Status);
        Assert.Equal("", again.Body);
    }

    /// <summary>Every file the page and its modules load is one the function serves: a renamed module cannot break the console unseen.</summary>
    [Fact]
    public async Task EverythingThePageAndItsModulesLoad_IsServed()
    {
        var served = ConsoleFunctions.Paths.ToHashSet(StringComparer.Ordinal);
        var page = (await GetAsync("/console", c => new ConsoleFunctions().Page(c.Request))).Body;
        var wanted = PageReference().Matches(page).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("app.mjs", wanted);
        foreach (var module in served.Where(p => p.EndsWith(".mjs", StringComparison.Ordinal)))
        {
            var text = (await GetAsync("/console/" + module, c => new ConsoleFunctions().File(c.Request))).Body;
            var folder = module.Contains('/', StringComparison.Ordinal) ? module[..module.LastIndexOf('/')] : "";
            foreach (Match import in ModuleImport().Matches(text))
                wanted.Add(Path.GetRelativePath("/", Path.GetFullPath(Path.Combine("/", folder, import.Groups[1].Value))));
            Assert.DoesNotMatch(BareImport(), text); // no package name a browser cannot resolve, no CDN
        }
        Assert.All(wanted, file => Assert.True(served.Contains(file), $"the console loads {file}, which is not served"));
    }

    private sealed record Answer(int Status, IHeaderDictionary Headers, string Body);

    private static async Task<Answer> GetAsync(string path, Func<HttpContext, IResult> function, string? ifNoneMatch = null)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        context.Request.Method = "GET";
        context.Request.Path = path;
        if (ifNoneMatch is not null) context.Request.Headers.IfNoneMatch = ifNoneMatch;
        using var body = new MemoryStream();
        context.Response.Body = body;
        await function(context).ExecuteAsync(context);
        return new(context.Response.StatusCode, context.Response.Headers, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    [GeneratedRegex("""(?:src|href)="/console/([^"]+)""")]
    private static partial Regex PageReference();

    [GeneratedRegex("""(?:from|import)\s+'(\.{1,2}/[^']+)'""")]
    private static partial Regex ModuleImport();

    [GeneratedRegex("""(?:from|import)\s+'(?!\.{1,2}/)""")]
    private static partial Regex BareImport();
}
