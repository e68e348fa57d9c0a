using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Queues;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// Issue 15 §5 and §6 end to end: a queued callback's position and estimate, the promise it was made and the queue's
/// stats that hold it to it; a queue at its maxPending offers no callback and takes none; a number over its daily cap
/// hears why.
/// </summary>
public sealed class PromiseAndCapacityTests : StackTestBase
{
    private const string AgentOne = "+14155550401";
    private const string First = "+14155550411";
    private const string Second = "+14155550412";
    private const string Third = "+14155550413";

    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with
        {
            Intervals = "00:00:01,00:00:02", Expiry = TimeSpan.FromMinutes(5), NoAgentRetry = TimeSpan.FromMinutes(2),
            ExtraSettings = new Dictionary<string, string?> { ["Callbacks:MaxRequestsPerNumberPerDay"] = "3" },
        };

    private Task<HttpResponseMessage> IvrAsync(string from, int delayMinutes, string queue = "support") =>
        SignedWebhooks.PostAsync(Stack, $"api/twilio/ivr-callback?queue={queue}&delayMinutes={delayMinutes}", SignedWebhooks.InboundCall(from, SignedWebhooks.NewCallSid()));

    private async Task<QueueStatsView> StatsAsync(string queue = "support") =>
        (await Stack.Api.GetFromJsonAsync<QueueStatsView>($"/api/queues/{queue}/stats", TimelinePrinter.Json))!;

    [Fact]
    public async Task AQueuedCallback_ShowsItsPositionAndEstimate_NullWhileNoAgentServesTheQueue()
    {
        (await IvrAsync(First, 10)).EnsureSuccessStatusCode();
        (await IvrAsync(Second, 20)).EnsureSuccessStatusCode();
        var first = Assert.Single(await CallbacksAsync(First));
        var second = Assert.Single(await CallbacksAsync(Second));

        var unserved = await DetailAsync(second.Id);
        Assert.Equal(2, unserved.Position);
        Assert.Null(unserved.EstimatedAt);

        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        var head = await DetailAsync(first.Id);
        var behind = await DetailAsync(second.Id);
        Assert.Equal(1, head.Position);
        Assert.Equal(2, behind.Position);
        // Called when due at the earliest: the one agent has time for the head before the second is due.
        Assert.Equal(head.DueAt, head.EstimatedAt);
        Assert.Equal(behind.DueAt, behind.EstimatedAt);
        Assert.Equal(head.DueAt, head.PromisedAt); // what the caller was told: "in about 10 minutes"
    }

    [Fact]
    public async Task AKeptPromise_ShowsInTheQueuesStats()
    {
        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        Agent(AgentOne, digits: "1");
        Customer(First, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });
        var at = DateTimeOffset.UtcNow.AddSeconds(3);
        (await Stack.Api.PostAsJsonAsync("/api/callbacks", new { phone = First, queue = "support", at = at.ToString("O"), agentId = "a1" })).EnsureSuccessStatusCode();

        var done = await WaitForStatusAsync(First, CallbackStatus.Completed, TimeSpan.FromSeconds(40));
        Assert.Equal(at.ToUnixTimeMilliseconds(), done.PromisedAt!.Value.ToUnixTimeMilliseconds());
        Assert.NotNull(done.CustomerCalledAt);
        Assert.NotNull(done.ConnectedAt);

        // The stats read the table, written once the agent's call has ended.
        var stats = await Eventually.GetAsync(() => StatsAsync(), s => s.Completed == 1, TimeSpan.FromSeconds(20), "the completed callback in the stats");
        Assert.Equal((1, 1, 0), (stats.Created, stats.Completed, stats.Live));
        Assert.Equal(1, stats.Promised);
        Assert.Equal(1.0, stats.WithinPromiseShare);
        Assert.InRange(stats.MedianPromiseError!.Value.TotalSeconds, 0, 60);
        // One completed callback: its own time from request to connected (about the 3 s it was scheduled ahead).
        Assert.Equal(done.ConnectedAt - done.CreatedAt, stats.MedianTimeToConnect);
        Assert.Equal(TimeSpan.FromHours(24), stats.Window);
    }

    [Fact]
    public async Task AtMaxPending_TheQueueWaitOffersNoCallback_AndPressingOneMakesNone()
    {
        (await Stack.Api.PatchAsync("/api/queues/support", new StringContent("""{"maxPending":1}""", System.Text.Encoding.UTF8, "application/merge-patch+json"))).EnsureSuccessStatusCode();
        var waitForm = SignedWebhooks.InboundCall(Second, SignedWebhooks.NewCallSid(), ("QueuePosition", "1"), ("QueueTime", "30"), ("AvgQueueTime", "30"));
        var before = XDocument.Parse(await (await SignedWebhooks.PostAsync(Stack, "api/twilio/queue-wait?queue=support", waitForm)).Content.ReadAsStringAsync()).Root!;
        Assert.NotNull(before.Element("Gather"));

        (await IvrAsync(First, 10)).EnsureSuccessStatusCode(); // the one live callback the queue takes
        var full = XDocument.Parse(await (await SignedWebhooks.PostAsync(Stack, "api/twilio/queue-wait?queue=support", waitForm)).Content.ReadAsStringAsync()).Root!;
        Assert.Null(full.Element("Gather"));
        Assert.Contains(full.Elements("Say"), s => s.Value.Contains("Callbacks are not available right now", StringComparison.Ordinal));

        var entered = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeSeconds();
        var pressed = await SignedWebhooks.PostAsync(Stack, $"api/twilio/queue-wait-choice?queue=support&entered={entered}",
            SignedWebhooks.InboundCall(Second, SignedWebhooks.NewCallSid(), ("Digits", "1")));
        var answer = XDocument.Parse(await pressed.Content.ReadAsStringAsync()).Root!;
        Assert.Null(answer.Element("Leave"));
        Assert.Contains("cannot take more callback requests", answer.Element("Say")!.Value, StringComparison.Ordinal);
        var ivr = XDocument.Parse(await (await IvrAsync(Third, 0)).Content.ReadAsStringAsync()).Root!;
        Assert.Contains("cannot take more callback requests", ivr.Element("Say")!.Value, StringComparison.Ordinal);
        Assert.Empty(await CallbacksAsync(Second));
        Assert.Empty(await CallbacksAsync(Third));

        var stats = await Eventually.GetAsync(() => StatsAsync(), s => s.RefusedQueueFull == 2, TimeSpan.FromSeconds(10), "both refusals to be counted");
        Assert.Equal((1, 1), (stats.MaxPending, stats.Pending));
    }

    [Fact]
    public async Task OverTheDailyCap_ARequestIsRefusedAndTheCallerHearsWhy()
    {
        // Three a day (this test's setting); each in its own queue, so none merges into another.
        foreach (var queue in new[] { "support", "sales", "billing" })
            Assert.DoesNotContain("too many", await (await IvrAsync(First, 10, queue)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var refused = XDocument.Parse(await (await IvrAsync(First, 10, "returns")).Content.ReadAsStringAsync()).Root!;

        Assert.Contains("asked to be called back too many times today", refused.Element("Say")!.Value, StringComparison.Ordinal);
        Assert.Equal(3, (await CallbacksAsync(First)).Count);
        var stats = await Eventually.GetAsync(() => StatsAsync("returns"), s => s.RefusedDailyCap == 1, TimeSpan.FromSeconds(10), "the refusal to be counted");
        Assert.Equal(3, stats.MaxRequestsPerNumberPerDay);
        // A repeated webhook of a request already counted is not refused.
        var sid = SignedWebhooks.NewCallSid();
        Assert.Equal(HttpStatusCode.OK, (await SignedWebhooks.PostAsync(Stack, "api/twilio/ivr-callback?queue=support&delayMinutes=10", SignedWebhooks.InboundCall(Second, sid))).StatusCode);
        var again = await (await SignedWebhooks.PostAsync(Stack, "api/twilio/ivr-callback?queue=support&delayMinutes=10", SignedWebhooks.InboundCall(Second, sid))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("too many", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_RefuseABadWindow()
    {
        var response = await Stack.Api.GetAsync("/api/queues/support/stats?window=forever");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("window", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
