using System.Net.Http.Json;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// Issue 15 §3 on the real clock: an agent schedules a callback "in 2 minutes" for themselves and their phone rings
/// then; a scheduled callback whose customer does not answer rings the same agent again the queue's retryAfter (its
/// least, one minute) later. These wait out those minutes (about three in all), in a class of their own so the other
/// classes run beside them.
/// </summary>
public sealed class ScheduledTimingTests : StackTestBase
{
    private const string AgentOne = "+14155550601";
    private const string AgentTwo = "+14155550602";
    private const string Customer1 = "+14155550611";

    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { Intervals = "00:00:01", Expiry = TimeSpan.FromMinutes(5), NoAgentRetry = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task InTwoMinutes_ForThemselves_TheAgentsPhoneRingsThen()
    {
        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        await Stack.PutAgentAsync("a2", "Two", AgentTwo, "support"); // free too: only a1 is to ring
        Agent(AgentOne, digits: "1");
        Agent(AgentTwo, digits: "1");
        Customer(Customer1, Answers());

        var made = await ScheduleAsync(new { phone = Customer1, queue = "support", @in = new { minutes = 2 }, agentId = "a1" });
        var done = await WaitForStatusAsync(Customer1, CallbackStatus.Completed, TimeSpan.FromMinutes(3));

        var rang = Assert.Single(CallsTo(AgentOne)).DateCreated;
        Assert.InRange(rang, made.DueAt!.Value.AddSeconds(-1.5), made.DueAt.Value.AddSeconds(10)); // Twilio's dates have whole seconds
        Assert.InRange((made.DueAt.Value - made.CreatedAt).TotalSeconds, 119.9, 120.1);
        Assert.Empty(CallsTo(AgentTwo));
        Assert.Equal(made.Id, done.Id);
    }

    [Fact]
    public async Task NotAnswered_RingsTheSameAgentAgain_RetryAfterLater()
    {
        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        await Stack.PutAgentAsync("a2", "Two", AgentTwo, "support");
        (await Stack.Api.PatchAsync("/api/queues/support", new StringContent("""{"retryAfter":"00:01:00"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"))).EnsureSuccessStatusCode();
        Agent(AgentOne, digits: "1");
        Agent(AgentTwo, digits: "1");
        Customer(Customer1, new PersonResponse { Answer = PersonAnswer.NoAnswer, RingSeconds = 30 }, Answers());

        await ScheduleAsync(new { phone = Customer1, queue = "support", at = DateTimeOffset.UtcNow.AddSeconds(2).ToString("O"), agentId = "a1", retries = 1 });
        var done = await WaitForStatusAsync(Customer1, CallbackStatus.Completed, TimeSpan.FromMinutes(3));

        var calls = CallsTo(AgentOne).OrderBy(c => c.DateCreated).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Empty(CallsTo(AgentTwo));
        var notReached = done.Timeline.Single(e => e.Reason.Contains("left, next at", StringComparison.Ordinal));
        Assert.Contains("0 retries left", notReached.Reason, StringComparison.Ordinal);
        Assert.InRange(calls[1].DateCreated - notReached.At, TimeSpan.FromSeconds(58.5), TimeSpan.FromSeconds(70));
        Assert.Equal(0, done.RetriesLeft);
    }
}
