using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// What the Azure Functions host posts to a custom handler for the queue trigger, byte for byte in shape (DESIGN §2),
/// and what it needs back: 2xx with Outputs/Logs/ReturnValue only once the step is committed.
/// </summary>
public sealed class CustomHandlerContractTests : StackTestBase
{
    private const string Caller = "+14155550511";

    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        // The host, not our poller, delivers the messages here.
        o with { ExtraSettings = new Dictionary<string, string?> { ["Hosting:Standalone"] = "false" }, Intervals = "00:00:01" };

    [Fact]
    public async Task GetRoot_Answers200_ForTheHostsReadinessProbe()
    {
        Assert.Equal(HttpStatusCode.OK, (await Stack.Api.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("json-encoded-twice")]
    [InlineData("base64")]
    public async Task TimerQueueInvocation_InEveryEncodingTheHostUses_HandlesTheWakeUp(string encoding)
    {
        var callback = await CreateQueuedCallbackAsync();
        var text = new WakeUpMessage(callback.Id, callback.Generation, callback.WakeAt!.Value).ToJson();
        var data = encoding switch
        {
            "plain" => JsonSerializer.Serialize(text),
            "json-encoded-twice" => JsonSerializer.Serialize(JsonSerializer.Serialize(text)),
            _ => JsonSerializer.Serialize(Convert.ToBase64String(Encoding.UTF8.GetBytes(text))),
        };
        var response = await InvokeAsync(data);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.TryGetProperty("Outputs", out _));
        Assert.True(body.RootElement.TryGetProperty("Logs", out _));
        Assert.True(body.RootElement.TryGetProperty("ReturnValue", out _));
        // Committed before the 200: with no agent, the callback now waits for one.
        var after = (await Stack.Service<CallbackRepository>().GetAsync(callback.Id, default))!.Value;
        Assert.True(after.WaitingForAgent, string.Join("\n", after.Timeline.Select(e => e.Reason)) + $" gen {after.Generation} status {after.Status}");
        Assert.True(after.Generation > callback.Generation);
    }

    [Fact]
    public async Task TimerQueueInvocation_WithAStaleGeneration_Answers200AndChangesNothing()
    {
        var callback = await CreateQueuedCallbackAsync();
        var text = new WakeUpMessage(callback.Id, callback.Generation - 1, callback.WakeAt!.Value).ToJson();
        var response = await InvokeAsync(JsonSerializer.Serialize(text));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = (await Stack.Service<CallbackRepository>().GetAsync(callback.Id, default))!.Value;
        Assert.Equal(callback.Generation, after.Generation);
    }

    [Fact]
    public async Task TimerQueueInvocation_WithAnUnreadablePayload_FailsTheInvocation()
    {
        var response = await Stack.Api.PostAsync("/TimerQueue", new StringContent("{\"Data\":{\"wakeUp\":\"not json\"},\"Metadata\":{}}", Encoding.UTF8, "application/json"));
        Assert.False(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task SweeperInvocation_Answers200()
    {
        var response = await Stack.Api.PostAsync("/Sweeper", new StringContent("{\"Data\":{\"timer\":{}},\"Metadata\":{}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void FunctionFolders_ShipNextToTheAssembly_WithTheBindingsTheHandlerExpects()
    {
        var dir = AppContext.BaseDirectory;
        using var queue = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "TimerQueue", "function.json")));
        var binding = queue.RootElement.GetProperty("bindings")[0];
        Assert.Equal("queueTrigger", binding.GetProperty("type").GetString());
        Assert.Equal(CallbackFunctions.Hosting.FunctionInvocationEndpoints.WakeUpBinding, binding.GetProperty("name").GetString());
        Assert.Equal("callback-timers", binding.GetProperty("queueName").GetString());
        using var twilio = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "TwilioWebhooks", "function.json")));
        Assert.Equal("anonymous", twilio.RootElement.GetProperty("bindings")[0].GetProperty("authLevel").GetString());
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "host.json")));
        Assert.True(host.RootElement.GetProperty("customHandler").GetProperty("enableForwardingHttpRequest").GetBoolean());
    }

    private async Task<HttpResponseMessage> InvokeAsync(string dataJson)
    {
        // Shape of the host's request (custom handler docs): the binding name under Data, queue metadata under Metadata.
        var payload = "{\"Data\":{\"wakeUp\":" + dataJson + "},\"Metadata\":{\"DequeueCount\":1,\"ExpirationTime\":\"9999-12-31T23:59:59+00:00\"," +
            $"\"Id\":\"{Guid.NewGuid()}\",\"InsertionTime\":\"2026-11-23T10:00:00+00:00\",\"NextVisibleTime\":\"2026-11-23T10:10:00+00:00\"," +
            $"\"PopReceipt\":\"AgAAAAMAAAAAAAAA\",\"sys\":{{\"MethodName\":\"TimerQueue\",\"UtcNow\":\"2026-11-23T10:00:00Z\",\"RandGuid\":\"{Guid.NewGuid()}\"}}}}}}";
        return await Stack.Api.PostAsync("/TimerQueue", new StringContent(payload, Encoding.UTF8, "application/json"));
    }

    private async Task<Callback> CreateQueuedCallbackAsync()
    {
        await CallInAsync(Caller);
        var summary = (await CallbacksAsync(Caller)).Single();
        var callback = (await Stack.Service<CallbackRepository>().GetAsync(summary.Id, default))!.Value;
        // Wait until it is due, so the wake-up acts at once.
        await Eventually.GetAsync(() => Task.FromResult(DateTimeOffset.UtcNow >= callback.WakeAt), due => due, TimeSpan.FromSeconds(5), "the callback to be due");
        return callback;
    }
}
