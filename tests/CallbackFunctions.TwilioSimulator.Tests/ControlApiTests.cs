using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.TwilioSimulator.Tests;

public sealed class ControlApiTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task HttpControlApi_ScriptsPeople_PlacesInboundCalls_AndReportsCalls()
    {
        await using var kit = await TestKit.StartAsync();
        using var control = new HttpClient { BaseAddress = kit.Simulator.BaseUrl };
        kit.App.Twiml("/ivr", $"""<Response><Dial action="/dial-result" timeout="5">{TestKit.Agent}</Dial></Response>""");
        kit.App.Twiml("/dial-result", "<Response/>");

        using var person = await control.PutAsync(
            "/sim/people/+15550002000", Json("""{"responses":[{"answer":"no-answer"},{"answer":"answer","ringSeconds":0,"digits":"1","talkSeconds":1}]}"""));
        Assert.Equal(HttpStatusCode.NoContent, person.StatusCode);

        using var placed = await control.PostAsync(
            "/sim/inbound-calls",
            Json($$"""{"from":"{{TestKit.Customer}}","to":"{{TestKit.Ours}}","url":"{{kit.App.Url("/ivr")}}","queueOutcome":"hangup","waitSeconds":1}"""));
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var sid = (await TestKit.JsonAsync(placed)).GetProperty("sid").GetString()!;

        Assert.Equal("no-answer", (await kit.App.WaitForAsync("/dial-result"))["DialCallStatus"]);
        await kit.WaitForEndAsync(sid);

        var calls = await control.GetFromJsonAsync<JsonElement>("/sim/calls");
        var inbound = calls.EnumerateArray().Single(c => c.GetProperty("sid").GetString() == sid);
        foreach (var name in new[] { "sid", "parentCallSid", "accountSid", "from", "to", "direction", "status", "answeredBy", "startTime", "endTime", "duration", "events", "heard", "digitsPressed", "bridgedWith" })
        {
            Assert.True(inbound.TryGetProperty(name, out _), $"missing {name}");
        }

        Assert.Equal("inbound", inbound.GetProperty("direction").GetString());
        Assert.Equal("completed", inbound.GetProperty("status").GetString());
        Assert.Equal("ringing", inbound.GetProperty("events")[0].GetProperty("status").GetString());

        var stats = await control.GetFromJsonAsync<JsonElement>("/sim/stats");
        Assert.Equal(2, stats.GetProperty("totalCalls").GetInt32());
        Assert.Equal(0, stats.GetProperty("maxConcurrentCalls").GetInt32());
        Assert.Equal(1, stats.GetProperty("maxConcurrentPerNumber").GetInt32());
        Assert.True(stats.GetProperty("webhookRequests").GetInt32() >= 2);

        Assert.Equal(0, (await control.GetFromJsonAsync<JsonElement>("/sim/errors")).GetArrayLength());
        using var reset = await control.PostAsync("/sim/reset", null);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(0, (await control.GetFromJsonAsync<JsonElement>("/sim/calls")).GetArrayLength());
    }

    [Fact]
    public async Task HttpControlApi_SetsFaults()
    {
        await using var kit = await TestKit.StartAsync();
        using var control = new HttpClient { BaseAddress = kit.Simulator.BaseUrl };

        using var faults = await control.PutAsync(
            "/sim/faults", Json("""{"duplicateStatusCallbacks":true,"statusCallbackDelayMs":10,"failCreates":[{"kind":"status429","count":1}]}"""));
        Assert.Equal(HttpStatusCode.NoContent, faults.StatusCode);

        using var rejected = await kit.PostFormAsync(kit.CallsPath, ("To", TestKit.Agent), ("From", TestKit.Ours), ("Twiml", "<Response/>"));
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        await kit.CreateCallAsync(("Twiml", "<Response/>"), ("StatusCallback", kit.App.Url("/status")));
        var callbacks = await kit.App.WaitForCountAsync("/status", 2);
        Assert.Equal(callbacks[0].Form, callbacks[1].Form);
    }

    [Theory]
    [InlineData("/sim/people/+15550002000", """{"responses":[{"answer":"maybe"}]}""")]
    [InlineData("/sim/people/+15550002000", """{"responses":[{"ringSecond":2}]}""")]
    [InlineData("/sim/people/15550002000", """{"responses":[]}""")]
    [InlineData("/sim/faults", """{"failCreates":[{"kind":"status503"}]}""")]
    [InlineData("/sim/faults", """{"failCreates":[{"kind":0}]}""")]
    public async Task HttpControlApi_RejectsInvalidBodies(string path, string body)
    {
        await using var kit = await TestKit.StartAsync();
        using var control = new HttpClient { BaseAddress = kit.Simulator.BaseUrl };

        using var response = await control.PutAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task HttpControlApi_RejectsInvalidInboundCalls()
    {
        await using var kit = await TestKit.StartAsync();
        using var control = new HttpClient { BaseAddress = kit.Simulator.BaseUrl };

        using var notOurs = await control.PostAsync("/sim/inbound-calls", Json($$"""{"from":"{{TestKit.Customer}}","to":"+15559999999","twiml":"<Response/>"}"""));
        using var noSource = await control.PostAsync("/sim/inbound-calls", Json($$"""{"from":"{{TestKit.Customer}}","to":"{{TestKit.Ours}}"}"""));
        using var missingFrom = await control.PostAsync("/sim/inbound-calls", Json($$"""{"to":"{{TestKit.Ours}}","twiml":"<Response/>"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, notOurs.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noSource.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missingFrom.StatusCode);
        Assert.Empty(kit.Simulator.Calls);
    }

    [Theory]
    [InlineData("Hello from the simulator", "not well-formed XML")]
    [InlineData("<Response><Say>Hello from the simulator</Say>", "not well-formed XML")]
    [InlineData("<Response><Say voise=\\\"woman\\\">Hi</Say></Response>", "voise")]
    [InlineData("<Response><Gather action=\\\"/next\\\"><Say>Hi</Say></Gather></Response>", "absolute")]
    public async Task HttpControlApi_InboundCallWithTwimlThatCannotRun_Is400WithTheParsersMessage_AndPlacesNoCall(string twiml, string says)
    {
        await using var kit = await TestKit.StartAsync();
        using var control = new HttpClient { BaseAddress = kit.Simulator.BaseUrl };

        using var response = await control.PostAsync("/sim/inbound-calls", Json($$"""{"from":"{{TestKit.Customer}}","to":"{{TestKit.Ours}}","twiml":"{{twiml}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await TestKit.JsonAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains("not valid TwiML", detail, StringComparison.Ordinal);
        Assert.Contains(says, detail, StringComparison.Ordinal);
        Assert.Empty(kit.Simulator.Calls);
        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task HttpControlApi_TheDocumentedInboundCallExample_RunsWithoutAnError()
    {
        await using var kit = await TestKit.StartAsync();
        using var control = new HttpClient { BaseAddress = kit.Simulator.BaseUrl };

        using var placed = await control.PostAsync("/sim/inbound-calls",
            Json($$"""{"from":"+14155550111","to":"{{TestKit.Ours}}","twiml":"<Response><Say>Hello from the simulator</Say></Response>"}"""));

        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var ended = await kit.WaitForEndAsync((await TestKit.JsonAsync(placed)).GetProperty("sid").GetString()!);
        Assert.Equal(["Hello from the simulator"], ended.Heard);
        Assert.Empty(kit.Simulator.Errors);
    }

    [Fact]
    public async Task Logs_MaskPhoneNumbers()
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new ListProvider(lines)));
        var options = new SimulatorOptions { CallsPerSecond = 0, TimeScale = 0.05 };
        await using (var simulator = await TwilioSimulator.StartAsync(options, factory))
        {
            var call = await simulator.PlaceInboundCallAsync(new InboundCallRequest
            {
                From = "+15551234567",
                To = "+15557654321",
                Twiml = "<Response><Dial timeout=\"5\">+15550009876</Dial></Response>",
            });
            await simulator.WaitForCallAsync(c => c.Sid == call.Sid && c.IsEnded, TimeSpan.FromSeconds(10));
        }

        Assert.Contains(lines, l => l.Contains("+1555***4567", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("+1555***9876", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("5551234567", StringComparison.Ordinal) || l.Contains("5550009876", StringComparison.Ordinal));
    }

    private sealed class ListProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
