using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CallbackFunctions.Health;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Spool;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.Twilio;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.Tests.Api;

/// <summary>
/// Bad input never breaks it (issue 9): bodies too large, of the wrong type or unreadable get a client error (413, 415,
/// 400), never a 5xx, on a Twilio route (a plain status, one warning naming the route and the reason, counted in
/// <c>/api/health</c>) and on a management route (application/problem+json saying what is wrong); nothing is stored.
/// </summary>
public sealed class RequestLimitTests : StackTestBase
{
    private const string Caller = "+14155550971";
    private const string Route = "api/twilio/missed-call?queue=support";
    private readonly LogCapture _logs = new();

    // Long first interval: nothing dials during these tests.
    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30), LogCapture = _logs };

    /// <summary>A request that cannot be a Twilio webhook, and what it gets.</summary>
    /// <summary>
    /// A request that cannot be a Twilio webhook, and what it gets. A body sent without a length is refused as it is
    /// read, by whichever limit the reading reaches first (a value over the value limit: 400; the body over the body
    /// limit: 413): <see cref="Or"/> is the other answer it may get.
    /// </summary>
    public sealed record BadWebhook(string Name, HttpStatusCode Status, Func<HttpContent> Content, HttpStatusCode? Or = null);

    public static IEnumerable<BadWebhook> BadWebhooks() =>
    [
        new("one 5 MB value", HttpStatusCode.RequestEntityTooLarge, () => Form(("Junk", new string('x', 5 * 1024 * 1024)))),
        new("1 MB sent chunked (no length)", HttpStatusCode.RequestEntityTooLarge, Or: HttpStatusCode.BadRequest, Content: () => Chunked(Encoding.ASCII.GetBytes(
            FormText(("Junk", new string('x', 1024 * 1024)))), "application/x-www-form-urlencoded")),
        new("one 20 KiB value (under the body limit, over the value limit)", HttpStatusCode.BadRequest, () => Form(("Junk", new string('x', 20 * 1024)))),
        new("3,000 keys", HttpStatusCode.BadRequest, () => Form([.. Enumerable.Range(0, 3000).Select(i => ($"k{i}", "v"))])),
        new("multipart without a boundary", HttpStatusCode.BadRequest, () => Raw("--x\r\nContent-Disposition: form-data; name=\"From\"\r\n\r\n" + Caller + "\r\n--x--\r\n", "multipart/form-data")),
        new("multipart that ends early", HttpStatusCode.BadRequest, () => Raw("--x\r\nContent-Disposition: form-data; name=\"From\"\r\n\r\n" + Caller, "multipart/form-data; boundary=x")),
        new("multipart with a broken header", HttpStatusCode.BadRequest, () => Raw("--x\r\nFrom " + Caller + "\r\n\r\nv\r\n--x--\r\n", "multipart/form-data; boundary=x")),
        new("JSON", HttpStatusCode.UnsupportedMediaType, () => Raw($"{{\"From\":\"{Caller}\"}}", "application/json")),
        new("text/plain", HttpStatusCode.UnsupportedMediaType, () => Raw("From=" + Caller, "text/plain")),
        new("a body with no Content-Type", HttpStatusCode.UnsupportedMediaType, () => Raw("From=" + Caller, null)),
    ];

    [Fact]
    public async Task TwilioRoute_BadBodies_GetAPlainClientError_OneWarningEach_AreCounted_AndChangeNothing()
    {
        var before = await HealthAsync();
        var count = 0;
        foreach (var bad in BadWebhooks())
        {
            var warnings = Refusals().Count;
            using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = bad.Content() };
            // Signed as Twilio would sign the few known values: the refusal comes before the signature is even looked at.
            request.Headers.Add("X-Twilio-Signature", TwilioSimulator.TwilioSignature.Compute(Stack.Simulator.Options.AuthToken, Stack.AppUrl + Route, Known()));

            using var response = await SendRefusableAsync(Stack.Api, request);

            count++;
            if (response is not null)
            {
                Assert.True(bad.Status == response.StatusCode || bad.Or == response.StatusCode, $"{bad.Name}: {(int)response.StatusCode}, not {(int)bad.Status}");
                Assert.DoesNotContain("<Response", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            // Refused and counted whether or not the sender heard the answer before the connection closed.
            Assert.Equal(before.RejectedWebhooks + count, await Eventually.GetAsync(async () => (await HealthAsync()).RejectedWebhooks,
                n => n >= before.RejectedWebhooks + count, TimeSpan.FromSeconds(5), $"{bad.Name} to be counted"));
            await Eventually.GetAsync(() => Task.FromResult(Refusals().Count), n => n > warnings, TimeSpan.FromSeconds(5), $"{bad.Name}'s warning");
            var refusal = Assert.Single(Refusals().Skip(warnings));
            Assert.Contains("/api/twilio/missed-call", refusal.Message, StringComparison.Ordinal);
            static string Code(HttpStatusCode? status) => status is { } c ? ((int)c).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
            Assert.True(response is not null ? refusal.Message.Contains(Code(response.StatusCode), StringComparison.Ordinal)
                : refusal.Message.Contains(Code(bad.Status), StringComparison.Ordinal) || refusal.Message.Contains(Code(bad.Or), StringComparison.Ordinal),
                $"{bad.Name}: the warning names its status: {refusal.Message}");
        }

        var after = await HealthAsync();
        Assert.Equal(before.BadSignatureWebhooks, after.BadSignatureWebhooks);
        Assert.Empty(await CallbacksAsync());
        Assert.Equal(0, Stack.Service<WebhookSpool>().Count);
        Assert.Empty(Stack.Simulator.Calls);
        // No stack trace, nothing of the body (the caller's number) in any log line.
        Assert.DoesNotContain(_logs.Entries, e => e.Exception is not null && e.Category.StartsWith("CallbackFunctions", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Exception is InvalidDataException or IOException or BadHttpRequestException);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains(Caller[2..], StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task TwilioRoute_BadSignature_Gets403_CountedApart()
    {
        var before = await HealthAsync();
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new FormUrlEncodedContent(Known()) };

        using var response = await Stack.Api.SendAsync(unsigned);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var after = await HealthAsync();
        Assert.Equal(before.BadSignatureWebhooks + 1, after.BadSignatureWebhooks);
        Assert.Equal(before.RejectedWebhooks, after.RejectedWebhooks);
        Assert.Empty(await CallbacksAsync());
    }

    [Fact]
    public async Task TwilioRoute_ARealSizedWebhook_WithALongCallToken_IsStillTakenIn()
    {
        var form = SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("QueueResult", "hangup"), ("CallToken", new string('t', 4096)),
            ("StirVerstat", "TN-Validation-Passed-A"), ("FromCity", "SAN FRANCISCO"), ("FromState", "CA"), ("FromCountry", "US"));

        using var response = await SignedWebhooks.PostAsync(Stack, Route, form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Caller, Assert.Single(await CallbacksAsync()).Caller);
        Assert.Equal(0, (await HealthAsync()).RejectedWebhooks);
    }

    /// <summary>A body the management API cannot take, and what it gets.</summary>
    public sealed record BadBody(string Name, HttpStatusCode Status, string DetailSays, Func<HttpContent> Content);

    public static IEnumerable<BadBody> BadBodies() =>
    [
        new("5 MB of JSON", HttpStatusCode.RequestEntityTooLarge, "262144-byte limit", () => Json(AgentJson(name: new string('x', 5 * 1024 * 1024)))),
        new("300 KiB of JSON", HttpStatusCode.RequestEntityTooLarge, "262144-byte limit", () => Json(AgentJson(name: new string('x', 300 * 1024)))),
        new("1 MB of JSON sent chunked (no length)", HttpStatusCode.RequestEntityTooLarge, "262144-byte limit",
            () => Chunked(Encoding.UTF8.GetBytes(AgentJson(name: new string('x', 1024 * 1024))), "application/json")),
        new("a form of 3,000 keys", HttpStatusCode.UnsupportedMediaType, "got 'application/x-www-form-urlencoded'",
            () => Form([.. Enumerable.Range(0, 3000).Select(i => ($"k{i}", "v"))])),
        new("broken multipart", HttpStatusCode.UnsupportedMediaType, "got 'multipart/form-data'", () => Raw("--x\r\nname", "multipart/form-data; boundary=x")),
        new("text/plain", HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json", () => Raw(AgentJson(), "text/plain")),
        new("no Content-Type", HttpStatusCode.UnsupportedMediaType, "got no Content-Type", () => Raw(AgentJson(), null)),
        new("a charset .NET does not know", HttpStatusCode.UnsupportedMediaType, "charset 'x-nope'", () => Raw(AgentJson(), "application/json; charset=x-nope")),
        new("malformed JSON", HttpStatusCode.BadRequest, "line 3, byte 12", () => Json("{\n  \"name\": \"Al\",\n  \"phone\": ,\n  \"queues\": [\"support\"]\n}")),
        new("JSON cut off", HttpStatusCode.BadRequest, "not valid JSON", () => Json("{\"name\": \"Al\", \"phone\": \"+14155550972\"")),
        new("a JSON array, not an object", HttpStatusCode.BadRequest, "not valid JSON", () => Json("[1, 2, 3]")),
        new("a wrong type for a field", HttpStatusCode.BadRequest, "$.queues", () => Json("{\"name\": \"Al\", \"phone\": \"+14155550972\", \"queues\": 7}")),
        new("invalid UTF-8", HttpStatusCode.BadRequest, "not valid JSON", () => new ByteArrayContent([.. "{\"name\":\""u8, 0xff, 0xfe, .. "\"}"u8])
        {
            Headers = { ContentType = new("application/json") },
        }),
        new("JSON null", HttpStatusCode.BadRequest, "a JSON body is required", () => Json("null")),
        new("3,000 unknown JSON keys and none of the agent's", HttpStatusCode.BadRequest, "name",
            () => Json("{" + string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"k{i}\":1")) + "}")),
    ];

    [Fact]
    public async Task ManagementRoute_BadBodies_GetAProblemSayingWhat_NeverA5xx_AndStoreNothing()
    {
        foreach (var bad in BadBodies())
        {
            using var response = await SendRefusableAsync(Stack.Api, HttpMethod.Put, "/api/agents/limit-test", bad.Content());
            if (response is null)
            {
                // A body without a length, refused as it was read: only an oversized one may end like this.
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bad.Status);
                continue;
            }

            Assert.True(bad.Status == response.StatusCode, $"{bad.Name}: {(int)response.StatusCode}, not {(int)bad.Status}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal((int)bad.Status, problem.RootElement.GetProperty("status").GetInt32());
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString()! : problem.RootElement.ToString();
            Assert.True(detail.Contains(bad.DetailSays, StringComparison.Ordinal), $"{bad.Name}: '{detail}' does not say '{bad.DetailSays}'");
        }

        Assert.Empty((await Stack.Api.GetFromJsonAsync<List<CallbackFunctions.Agents.AgentView>>("/api/agents"))!);
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task ManagementRoute_MalformedJson_NamesTheLineAndByte()
    {
        using var response = await Stack.Api.PutAsync("/api/agents/limit-test", Json("{\n  \"name\": \"Al\",\n  \"phone\": ,\n}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, problem.RootElement.GetProperty("line").GetInt64());
        Assert.Equal(12, problem.RootElement.GetProperty("bytePositionInLine").GetInt64());
        Assert.Equal("$.phone", problem.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public async Task ManagementRoute_JsonFaults_AreSaidForTheSender_WithoutTheSerializersAdvice()
    {
        foreach (var (json, says) in new[]
        {
            ("{\"name\": \"Al\", \"phone\": \"+14155550972\", \"queues\": [\"support\"],}", "at line 1, byte 63: a comma is followed by no value"),
            ("{\"name\": \"Al\", /* the agent */ \"phone\": \"+14155550972\", \"queues\": [\"support\"]}", "JSON takes no comments"),
            ("{\"name\": 7, \"phone\": \"+14155550972\", \"queues\": [\"support\"]}", "($.name): $.name must be a string"),
            ("{\"name\": \"Al\", \"phone\": \"+14155550972\", \"queues\": \"support\"}", "$.queues must be an array"),
        })
        {
            using var response = await Stack.Api.PutAsync("/api/agents/limit-test", Json(json));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var detail = problem.RootElement.GetProperty("detail").GetString()!;
            Assert.True(detail.Contains(says, StringComparison.Ordinal), $"'{detail}' does not say '{says}'");
            Assert.DoesNotContain(JsonProblemsTests.ProgrammersWords, word => detail.Contains(word, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("PATCH", "/api/agents/limit-test")]
    [InlineData("POST", "/api/rules/scenario")]
    [InlineData("DELETE", "/api/account")]
    [InlineData("PUT", "/api/callbacks/manual-dial")]
    public async Task ManagementRoute_WithAMethodItDoesNotTake_Answers405Problem(string method, string path)
    {
        using var response = await Stack.Api.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TwilioRoute_WithAMethodOtherThanPost_Answers405()
    {
        using var response = await Stack.Api.GetAsync(Route);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(await CallbacksAsync());
    }

    [Fact]
    public async Task ManagementRoute_AValidBody_IsStillTakenAsBefore()
    {
        using var response = await Stack.Api.PutAsync("/api/agents/limit-test", Json(AgentJson()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("+14155550972", (await response.Content.ReadFromJsonAsync<CallbackFunctions.Agents.AgentView>())!.Phone);
    }

    private async Task<HealthReport> HealthAsync() => (await Stack.Api.GetFromJsonAsync<HealthReport>("/api/health"))!;

    private List<LogCapture.Entry> Refusals() =>
        [.. _logs.Entries.Where(e => e.EventId.Id == 3004 && e.Category == typeof(TwilioWebhook).FullName)];

    internal static Dictionary<string, string> Known() => SignedWebhooks.InboundCall(Caller, "CA" + new string('7', 32), ("QueueResult", "hangup"));

    internal static string AgentJson(string name = "Al") => JsonSerializer.Serialize(new { name, phone = "+14155550972", queues = new[] { "support" } });

    private static string FormText(params (string Name, string Value)[] extra) =>
        string.Join("&", Known().Select(kv => (kv.Key, kv.Value)).Concat(extra).Select(kv => Uri.EscapeDataString(kv.Item1) + "=" + Uri.EscapeDataString(kv.Item2)));

    internal static HttpContent Form(params (string Name, string Value)[] extra) => Raw(FormText(extra), "application/x-www-form-urlencoded");

    internal static HttpContent Json(string json) => Raw(json, "application/json");

    internal static HttpContent Raw(string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>A body of no declared length: HttpClient sends it chunked.</summary>
    /// <summary>
    /// Sends a request whose body the server may refuse unread. A body with a length waits for the server's go-ahead
    /// (<c>Expect: 100-continue</c>, as a careful client sends a large upload), so the refusal always arrives. A body
    /// without one (chunked) is read up to the limit, refused, and the connection closed: the sender may then see the
    /// connection closed while it still writes the rest, which is that refusal (null).
    /// </summary>
    internal static async Task<HttpResponseMessage?> SendRefusableAsync(HttpClient client, HttpMethod method, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.ExpectContinue = true;
        return await SendRefusableAsync(client, request);
    }

    internal static async Task<HttpResponseMessage?> SendRefusableAsync(HttpClient client, HttpRequestMessage request)
    {
        request.Headers.ExpectContinue = true;
        try
        {
            return await client.SendAsync(request);
        }
        catch (HttpRequestException) when (request.Content?.Headers.ContentLength is null)
        {
            return null;
        }
    }

    internal static HttpContent Chunked(byte[] body, string contentType)
    {
        var content = new StreamContent(new UnknownLengthStream(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private sealed class UnknownLengthStream(byte[] body) : MemoryStream(body)
    {
        public override bool CanSeek => false;
    }
}

/// <summary>
/// The same refusals under <c>ASPNETCORE_ENVIRONMENT=Development</c> (the developer exception page is on): still client
/// errors, never a 500 and never an exception page.
/// </summary>
public sealed class RequestLimitDevelopmentTests : StackTestBase
{
    private const string Route = "api/twilio/missed-call?queue=support";

    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { StartApp = false, Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    [Fact]
    public async Task BadBodies_InDevelopment_AreClientErrorsToo()
    {
        var settings = new Dictionary<string, string?>(Stack.AppSettings) { ["ASPNETCORE_ENVIRONMENT"] = "Development" };
        await using var app = await AppProcess.StartAsync(settings, Stack.AppUrl);
        HttpContent[] webhooks =
        [
            RequestLimitTests.Form(("Junk", new string('x', 5 * 1024 * 1024))),
            RequestLimitTests.Chunked(new byte[1024 * 1024], "application/x-www-form-urlencoded"),
            RequestLimitTests.Form([.. Enumerable.Range(0, 3000).Select(i => ($"k{i}", "v"))]),
            RequestLimitTests.Raw("--x\r\nname", "multipart/form-data; boundary=x"),
            RequestLimitTests.Json("{}"),
        ];
        HttpStatusCode[] heard = [HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest,
            HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType];
        for (var i = 0; i < webhooks.Length; i++)
        {
            using var response = await RequestLimitTests.SendRefusableAsync(Stack.Api, HttpMethod.Post, Route, webhooks[i]);
            // A body sent without a length (the second) is refused by whichever limit its reading reaches first, and
            // its sender may see only the connection closed.
            if (response is null && i == 1) continue;
            Assert.True(response!.StatusCode == heard[i] || (i == 1 && response.StatusCode == HttpStatusCode.BadRequest), $"webhook {i}: {(int)response.StatusCode}");
        }
        var bodies = new (HttpContent Content, HttpStatusCode Status)[]
        {
            (RequestLimitTests.Json(RequestLimitTests.AgentJson(name: new string('x', 5 * 1024 * 1024))), HttpStatusCode.RequestEntityTooLarge),
            (RequestLimitTests.Chunked(Encoding.UTF8.GetBytes(RequestLimitTests.AgentJson(name: new string('x', 1024 * 1024))), "application/json"), HttpStatusCode.RequestEntityTooLarge),
            (RequestLimitTests.Json("{\"name\": "), HttpStatusCode.BadRequest),
            (RequestLimitTests.Raw(RequestLimitTests.AgentJson(), "text/plain"), HttpStatusCode.UnsupportedMediaType),
            (RequestLimitTests.Raw(RequestLimitTests.AgentJson(), "application/json; charset=x-nope"), HttpStatusCode.UnsupportedMediaType),
        };
        foreach (var (content, status) in bodies)
        {
            using var response = await RequestLimitTests.SendRefusableAsync(Stack.Api, HttpMethod.Put, "/api/agents/limit-test", content);
            if (response is null && status == HttpStatusCode.RequestEntityTooLarge) continue;
            Assert.Equal(status, response!.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var health = (await Stack.Api.GetFromJsonAsync<HealthReport>("/api/health"))!;
        Assert.Equal(webhooks.Length, health.RejectedWebhooks);
        Assert.Empty((await Stack.Api.GetFromJsonAsync<List<CallbackFunctions.Agents.AgentView>>("/api/agents"))!);
        Assert.Empty(await CallbacksAsync());
    }
}
