using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallbackFunctions.Http;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackFunctions.Tests.Api;

/// <summary><see cref="ETags"/>: a strong tag from the body, and 304 with no body when the request already holds it.</summary>
public sealed class ETagTests
{
    [Fact]
    public async Task Answer_IsTaggedWithItsBodysHash()
    {
        var (status, tag, body) = await ExecuteAsync(new { name = "support" });
        Assert.Equal(200, status);
        Assert.Equal(ETags.TagOf("""{"name":"support"}"""u8), tag);
        Assert.Equal("""{"name":"support"}""", body);
    }

    [Fact]
    public async Task SameBody_WithItsTagInIfNoneMatch_Is304WithNoBody()
    {
        var (_, tag, _) = await ExecuteAsync(new { name = "support" });
        var (status, again, body) = await ExecuteAsync(new { name = "support" }, ifNoneMatch: tag);
        Assert.Equal(304, status);
        Assert.Equal(tag, again);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task ChangedBody_WithTheOldTag_IsAnsweredInFullWithItsNewTag()
    {
        var (_, tag, _) = await ExecuteAsync(new { name = "support" });
        var (status, newTag, body) = await ExecuteAsync(new { name = "sales" }, ifNoneMatch: $"\"other\", {tag.Replace("\"", "\"x", StringComparison.Ordinal)}");
        Assert.Equal(200, status);
        Assert.NotEqual(tag, newTag);
        Assert.Equal("""{"name":"sales"}""", body);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/{0}")]
    [InlineData("\"a\", {0}")]
    public async Task IfNoneMatch_AnyFormThatNamesTheTag_Is304(string header)
    {
        var (_, tag, _) = await ExecuteAsync(new { n = 1 });
        var (status, _, _) = await ExecuteAsync(new { n = 1 }, ifNoneMatch: string.Format(System.Globalization.CultureInfo.InvariantCulture, header, tag));
        Assert.Equal(304, status);
    }

    [Fact]
    public async Task Refusal_IsNeitherTaggedNorEverNotModified()
    {
        var (status, tag, body) = await ExecuteAsync(null, ifNoneMatch: "*", answer: Results.NotFound(new { detail = "no such agent" }));
        Assert.Equal(404, status);
        Assert.Equal("", tag);
        Assert.Contains("no such agent", body, StringComparison.Ordinal);
    }

    private static async Task<(int Status, string Tag, string Body)> ExecuteAsync(object? value, string? ifNoneMatch = null, IResult? answer = null)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        if (ifNoneMatch is not null) context.Request.Headers.IfNoneMatch = ifNoneMatch;
        using var body = new MemoryStream();
        context.Response.Body = body;
        await ETags.Conditional(context.Request, answer ?? TypedResults.Ok(value)).ExecuteAsync(context);
        return (context.Response.StatusCode, context.Response.Headers.ETag.ToString(), System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}

/// <summary>The GETs the web console polls answer 304 to a request that holds their current tag, and in full once something changed.</summary>
public sealed class PolledRoutesETagTests : StackTestBase
{
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    [Fact]
    public async Task PolledGets_WithTheirCurrentTag_Are304_AndInFullAfterAChange()
    {
        await Stack.PutAgentAsync("alice", "Alice", "+14155550971", "support");
        await CallInAsync("+14155550972");
        var callback = Assert.Single(await CallbacksAsync());
        string[] polled = ["/api/agents", "/api/agents/alice", "/api/queues", "/api/callbacks?queue=support&status=Queued", $"/api/callbacks/{callback.Id}",
            "/api/agents/alice/callbacks", "/api/poison-messages"];
        var tags = new Dictionary<string, EntityTagHeaderValue>();
        foreach (var path in polled)
        {
            using var first = await Stack.Api.GetAsync(path);
            Assert.True(first.StatusCode == HttpStatusCode.OK, $"{path}: {first.StatusCode}");
            tags[path] = first.Headers.ETag ?? throw new Xunit.Sdk.XunitException($"{path} has no ETag");
            using var again = await Stack.Api.SendAsync(Conditional(path, tags[path]));
            Assert.True(again.StatusCode == HttpStatusCode.NotModified, $"{path} with its own tag: {again.StatusCode}");
            Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        }

        // A change: the list, the callback and the agent's list are sent in full again, under a new tag.
        (await Stack.Api.PostAsync($"/api/callbacks/{callback.Id}/cancel", null)).EnsureSuccessStatusCode();
        foreach (var path in new[] { "/api/callbacks?queue=support&status=Queued", $"/api/callbacks/{callback.Id}", "/api/agents/alice/callbacks" })
        {
            using var changed = await Stack.Api.SendAsync(Conditional(path, tags[path]));
            Assert.True(changed.StatusCode == HttpStatusCode.OK, $"{path} after the cancel: {changed.StatusCode}");
            Assert.NotEqual(tags[path], changed.Headers.ETag);
        }
        Assert.Equal(Domain.Callbacks.CallbackStatus.Cancelled, (await DetailAsync(callback.Id)).Status);
    }

    private static HttpRequestMessage Conditional(string path, EntityTagHeaderValue tag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(tag);
        return request;
    }
}
