using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Api;

/// <summary>The missed-call and IVR routes and the management API, through signed webhooks and HTTP.</summary>
public sealed class MissedCallAndApiTests : StackTestBase
{
    private const string Caller = "+14155550911";

    // Long first interval: nothing dials during these tests.
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    private Task<HttpResponseMessage> MissAsync(string from, string callSid, string queue = "support", string result = "hangup") =>
        SignedWebhooks.PostAsync(Stack, $"api/twilio/missed-call?queue={queue}", SignedWebhooks.InboundCall(from, callSid, ("QueueResult", result)));

    [Theory]
    [InlineData("anonymous")]
    [InlineData("+266696687")]
    [InlineData("12")]
    public async Task MissedCall_FromAWithheldOrInvalidNumber_MakesNoCallbackAndAnswersTwiml(string from)
    {
        var response = await MissAsync(from, SignedWebhooks.NewCallSid());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Response", XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Name.LocalName);
        Assert.Empty(await CallbacksAsync());
    }

    [Fact]
    public async Task MissedCall_InNationalFormat_IsStoredAsE164()
    {
        await MissAsync("(415) 555-0911", SignedWebhooks.NewCallSid());
        Assert.Equal(Caller, Assert.Single(await CallbacksAsync()).Caller);
    }

    [Fact]
    public async Task MissedCall_Again_MergesIntoTheLiveCallbackInTheSameQueueOnly()
    {
        await MissAsync(Caller, SignedWebhooks.NewCallSid());
        await MissAsync(Caller, SignedWebhooks.NewCallSid(), queue: "sales");
        var first = Assert.Single(await CallbacksAsync(Caller), c => c.Queue == "support");
        var again = SignedWebhooks.NewCallSid();
        await MissAsync(Caller, again);

        // issue 15 §4: one live callback per person and queue: the second lost call is one more trigger of the first.
        var merged = await Eventually.GetAsync(() => DetailAsync(first.Id), d => d.Triggers.Count == 2,
            TimeSpan.FromSeconds(15), "the second lost call to merge into the first callback");
        var all = await CallbacksAsync(Caller);
        Assert.Equal(2, all.Count); // the one in support, and the one in sales
        Assert.All(all, c => Assert.Equal(CallbackStatus.Queued, c.Status));
        Assert.Equal(again, merged.Triggers[1].CallSid);
        Assert.Equal(first.DueAt, merged.DueAt); // the earlier due time is kept
        Assert.Contains("merged", merged.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServedCall_CancelsTheCallersCallbacksInEveryQueue()
    {
        await MissAsync(Caller, SignedWebhooks.NewCallSid());
        await MissAsync(Caller, SignedWebhooks.NewCallSid(), queue: "sales");
        await MissAsync("+14155550912", SignedWebhooks.NewCallSid());

        await MissAsync(Caller, SignedWebhooks.NewCallSid(), result: "bridged");

        var theirs = await Eventually.GetAsync(() => CallbacksAsync(Caller), all => all.All(c => c.Status == CallbackStatus.Cancelled),
            TimeSpan.FromSeconds(15), "the served caller's callbacks to be cancelled");
        Assert.Equal(2, theirs.Count);
        Assert.Equal(CallbackStatus.Queued, Assert.Single(await CallbacksAsync("+14155550912")).Status);
    }

    [Fact]
    public async Task DialActionNoAnswer_MakesACallback_AndDialActionCompleted_CancelsIt()
    {
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support",
            SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("DialCallStatus", "no-answer"), ("DialCallSid", SignedWebhooks.NewCallSid())));
        Assert.Equal(CallbackStatus.Queued, Assert.Single(await CallbacksAsync(Caller)).Status);

        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support",
            SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("DialCallStatus", "completed"), ("DialCallSid", SignedWebhooks.NewCallSid())));
        await WaitForStatusAsync(Caller, CallbackStatus.Cancelled, TimeSpan.FromSeconds(15));
        Assert.Single(await CallbacksAsync(Caller));
    }

    [Fact]
    public async Task IvrCallback_SchedulesAtTheRequestedDelayAndConfirms()
    {
        var response = await SignedWebhooks.PostAsync(Stack, "api/twilio/ivr-callback?queue=support&delayMinutes=10",
            SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid()));

        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("10 minutes", twiml.Root!.Element("Say")!.Value, StringComparison.Ordinal);
        Assert.NotNull(twiml.Root.Element("Hangup"));
        var callback = Assert.Single(await CallbacksAsync(Caller));
        Assert.Equal(CallbackOrigin.IvrRequest, callback.Origin);
        Assert.InRange((callback.DueAt!.Value - callback.CreatedAt).TotalMinutes, 9.99, 10.01);
        Assert.InRange((callback.ExpiresAt - callback.DueAt.Value).TotalMinutes, 29.99, 30.01); // expiry counts from the requested time
    }

    [Fact]
    public async Task CancelAndCallNow_OnALiveCallback_Work_AndOnAFinishedOne_Answer409()
    {
        await MissAsync(Caller, SignedWebhooks.NewCallSid());
        var id = Assert.Single(await CallbacksAsync(Caller)).Id;

        var cancelled = await Stack.Api.PostAsync($"/api/callbacks/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var detail = await cancelled.Content.ReadFromJsonAsync<CallbackDetail>(TimelinePrinter.Json);
        Assert.Equal(CallbackStatus.Cancelled, detail!.Status);

        var again = await Stack.Api.PostAsync($"/api/callbacks/{id}/call-now", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.Api.PostAsync("/api/callbacks/cb-nope/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Patch_MovesAQueuedCallback_AndItsExpiryAlong_OrSaysEveryReasonItCannot()
    {
        await MissAsync(Caller, SignedWebhooks.NewCallSid());
        var before = Assert.Single(await CallbacksAsync(Caller));
        var window = before.ExpiresAt - before.DueAt!.Value;

        var moved = await Stack.Api.PatchAsJsonAsync($"/api/callbacks/{before.Id}", new { @in = new { hours = 2, minutes = 30 } });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var detail = (await moved.Content.ReadFromJsonAsync<CallbackDetail>(TimelinePrinter.Json))!;
        Assert.Equal(CallbackStatus.Queued, detail.Status);
        Assert.InRange((detail.DueAt!.Value - DateTimeOffset.UtcNow).TotalMinutes, 149, 151);
        Assert.Equal(window, detail.ExpiresAt - detail.DueAt.Value);
        Assert.StartsWith("moved to ", detail.Timeline[^1].Reason, StringComparison.Ordinal);

        var at = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:00zzz", System.Globalization.CultureInfo.InvariantCulture);
        var absolute = await Stack.Api.PatchAsJsonAsync($"/api/callbacks/{before.Id}", new { at });
        Assert.Equal(HttpStatusCode.OK, absolute.StatusCode);
        Assert.Equal(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture),
            (await absolute.Content.ReadFromJsonAsync<CallbackDetail>(TimelinePrinter.Json))!.DueAt);

        foreach (var bad in new object[] { new { }, new { at, @in = new { minutes = 5 } }, new { at = "2020-01-01T10:00:00Z" }, new { @in = new { days = 91 } } })
        {
            var refused = await Stack.Api.PatchAsJsonAsync($"/api/callbacks/{before.Id}", bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.Api.PatchAsJsonAsync("/api/callbacks/cb-nope", new { @in = new { minutes = 5 } })).StatusCode);
    }

    [Fact]
    public async Task Delete_CancelsAPendingCallbackSayingItWasDeleted_AndTwiceIs409()
    {
        await MissAsync(Caller, SignedWebhooks.NewCallSid());
        var id = Assert.Single(await CallbacksAsync(Caller)).Id;

        var deleted = await Stack.Api.DeleteAsync($"/api/callbacks/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var detail = (await deleted.Content.ReadFromJsonAsync<CallbackDetail>(TimelinePrinter.Json))!;
        Assert.Equal(CallbackStatus.Cancelled, detail.Status);
        Assert.Contains("deleted", detail.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await Stack.Api.DeleteAsync($"/api/callbacks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Stack.Api.PatchAsJsonAsync($"/api/callbacks/{id}", new { @in = new { minutes = 5 } })).StatusCode);
    }

    [Fact]
    public async Task ManualDial_CancelsThatNumbersCallbacks()
    {
        await MissAsync(Caller, SignedWebhooks.NewCallSid());
        var response = await Stack.Api.PostAsJsonAsync("/api/callbacks/manual-dial", new { number = Caller });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cancelled = Assert.Single(await CallbacksAsync(Caller));
        Assert.Equal(CallbackStatus.Cancelled, cancelled.Status);
        Assert.Contains("by hand", (await DetailAsync(cancelled.Id)).Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListCallbacks_FiltersAndPages()
    {
        for (var i = 0; i < 5; i++) await MissAsync($"+1415555092{i}", SignedWebhooks.NewCallSid());
        await MissAsync("+14155550930", SignedWebhooks.NewCallSid(), queue: "sales");

        var page1 = await Stack.Api.GetFromJsonAsync<CallbackPage>("/api/callbacks?queue=support&pageSize=3", TimelinePrinter.Json);
        Assert.Equal(3, page1!.Items.Count);
        Assert.NotNull(page1.ContinuationToken);
        var page2 = await Stack.Api.GetFromJsonAsync<CallbackPage>($"/api/callbacks?queue=support&pageSize=3&continuationToken={Uri.EscapeDataString(page1.ContinuationToken!)}", TimelinePrinter.Json);
        Assert.Equal(2, page2!.Items.Count);
        Assert.Empty(page1.Items.Select(c => c.Id).Intersect(page2.Items.Select(c => c.Id)));
        Assert.Single((await Stack.Api.GetFromJsonAsync<CallbackPage>("/api/callbacks?queue=sales", TimelinePrinter.Json))!.Items);
        Assert.Equal(6, (await Stack.Api.GetFromJsonAsync<CallbackPage>("/api/callbacks?status=queued", TimelinePrinter.Json))!.Items.Count);
        var bad = await Stack.Api.GetAsync("/api/callbacks?status=sleeping&pageSize=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Contains("status", problem, StringComparison.Ordinal);
        Assert.Contains("pageSize", problem, StringComparison.Ordinal);

        // A token this API never gave out, or one given out for another query, is refused rather than read as the end.
        foreach (var token in new[] { "garbage", "eyJ4IjoxfQ", Uri.EscapeDataString(page1.ContinuationToken!) })
        {
            var query = token == "garbage" || token == "eyJ4IjoxfQ" ? "queue=support" : "queue=sales";
            var refused = await Stack.Api.GetAsync($"/api/callbacks?{query}&pageSize=3&continuationToken={token}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("continuationToken", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Agents_CrudAndValidation()
    {
        var bad = await Stack.Api.PutAsJsonAsync("/api/agents/x", new { name = "", phone = "12", queues = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Contains("phone", problem, StringComparison.Ordinal);
        Assert.Contains("queues", problem, StringComparison.Ordinal);

        // Bounds that fit the storage and the product: all errors at once, nothing stored.
        var huge = await Stack.Api.PutAsJsonAsync("/api/agents/bounded", new { name = new string('n', 40_000), phone = "+14155550909",
            queues = Enumerable.Range(0, 2_000).Select(i => $"q{i}").ToArray() });
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        var hugeProblem = await huge.Content.ReadAsStringAsync();
        Assert.Contains("at most 100 characters", hugeProblem, StringComparison.Ordinal);
        Assert.Contains("at most 20 queues", hugeProblem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Stack.Api.PutAsJsonAsync("/api/agents/bounded", new { name = "Line\nBreak", phone = "+14155550909", queues = new[] { "support" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.Api.GetAsync("/api/agents/bounded")).StatusCode);

        await Stack.PutAgentAsync("alice", "Alice", "(415) 555-0901", "support", "sales");
        var alice = await Stack.Api.GetFromJsonAsync<CallbackFunctions.Agents.AgentView>("/api/agents/alice");
        Assert.Equal("+14155550901", alice!.Phone);
        Assert.True(alice.Available);
        (await Stack.Api.PutAsJsonAsync("/api/agents/alice/availability", new { available = false })).EnsureSuccessStatusCode();
        Assert.False((await Stack.Api.GetFromJsonAsync<CallbackFunctions.Agents.AgentView>("/api/agents/alice"))!.Available);
        Assert.Single((await Stack.Api.GetFromJsonAsync<List<CallbackFunctions.Agents.AgentView>>("/api/agents"))!);
        Assert.Equal(HttpStatusCode.NoContent, (await Stack.Api.DeleteAsync("/api/agents/alice")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.Api.GetAsync("/api/agents/alice")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_ServedByTheApp_DescribesEveryHttpFunction()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await Stack.Api.GetStringAsync("/api/openapi.json"));
        var paths = doc.RootElement.GetProperty("paths");

        foreach (var function in CallbackFunctions.LocalRun.Durable.FunctionRoutes.All)
            foreach (var method in function.Methods)
            {
                // A catch-all segment ({*path}) is a plain path parameter to OpenAPI.
                var operation = paths.GetProperty("/" + function.Route.Replace("{*", "{", StringComparison.Ordinal)).GetProperty(method.ToLowerInvariant());
                Assert.Equal(function.Name, operation.GetProperty("operationId").GetString());
                Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), function.Name + " has a summary");
                // A management route takes a function key; an anonymous one says it needs none.
                Assert.Equal(function.Level != Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous, operation.GetProperty("security").GetArrayLength() > 0);
            }
        var put = paths.GetProperty("/api/agents/{id}").GetProperty("put");
        var body = put.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("#/components/schemas/AgentBody", body.GetProperty("$ref").GetString());
        var agentBody = doc.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("AgentBody");
        Assert.True(agentBody.GetProperty("properties").TryGetProperty("phone", out _), "the agent body's schema names its fields");
        // Every route that takes a body says what happens to one too large or of the wrong type.
        foreach (var (path, method) in new[] { ("/api/agents/{id}", "put"), ("/api/rules/{kind}", "put"), ("/api/twilio/missed-call", "post") })
        {
            var responses = paths.GetProperty(path).GetProperty(method).GetProperty("responses");
            Assert.True(responses.TryGetProperty("413", out _), $"{method} {path} documents 413");
            Assert.True(responses.TryGetProperty("415", out _), $"{method} {path} documents 415");
        }
        Assert.False(paths.GetProperty("/api/agents").GetProperty("get").GetProperty("responses").TryGetProperty("413", out _), "a GET takes no body");
        Assert.Contains("openapi.json", await Stack.Api.GetStringAsync("/api/docs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_OfTheLocalHost_IsReady_AndNamesTheDocsAndOpenApiUrls_WhichAnswer()
    {
        using var root = System.Text.Json.JsonDocument.Parse(await Stack.Api.GetStringAsync("/"));

        Assert.Equal("ready", root.RootElement.GetProperty("status").GetString());
        var docs = root.RootElement.GetProperty("docs").GetString()!;
        var openApi = root.RootElement.GetProperty("openApi").GetString()!;
        Assert.Equal(Stack.AppUrl + "api/docs", docs);
        Assert.Equal(Stack.AppUrl + "api/openapi.json", openApi);
        Assert.Equal(HttpStatusCode.OK, (await Stack.Api.GetAsync(docs)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Stack.Api.GetAsync(openApi)).StatusCode);
    }
}
