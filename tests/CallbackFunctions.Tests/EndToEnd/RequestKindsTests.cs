using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// Issue 15 end to end (the simulator, Azurite, the local host): a caller who presses 1 in the queue keeps their place
/// ahead of a newer lost call; agent-scheduled callbacks ring their agent at their time, fall back to the queue when that
/// agent stays busy, and retry with the same agent; an IVR request and a lost call from one number make one callback
/// with two triggers, which a served call cancels.
/// </summary>
public sealed class RequestKindsTests : StackTestBase
{
    private const string AgentOne = "+14155550301";
    private const string AgentTwo = "+14155550302";
    private const string Presser = "+14155550311";
    private const string Newer = "+14155550312";
    private const string Customer1 = "+14155550313";
    private const string Busy = "+14155550314";

    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        // A short look-again: the line's order must hold even when waiting callbacks look again on their own timers.
        o with { Intervals = "00:00:01,00:00:02", Expiry = TimeSpan.FromMinutes(5), NoAgentRetry = TimeSpan.FromSeconds(3) };

    /// <summary>A caller enters the support queue, whose waitUrl is the app's queue-wait; they press <paramref name="digits"/> at its offer.</summary>
    private Task<SimulatedCall> EnterQueueAsync(string from, string? digits, QueueOutcome outcome, double waitSeconds) =>
        Stack.Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = from,
            To = LocalStack.SupportNumber,
            Twiml = $"<Response><Enqueue action=\"{Stack.AppUrl}api/twilio/missed-call?queue=support\" waitUrl=\"{Stack.AppUrl}api/twilio/queue-wait?queue=support\">support</Enqueue></Response>",
            QueueOutcome = outcome,
            WaitSeconds = waitSeconds,
            Digits = digits,
        });

    [Fact]
    public async Task PressingOne_WhileThirdInTheQueue_IsCalledBackBeforeANewerLostCall_AndItsLeaveMakesNoSecondCallback()
    {
        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        await SetAvailableAsync("a1", false);
        // A short hold message: the queue's offer comes round every few seconds.
        (await Stack.Api.PatchAsync("/api/queues/support", new StringContent("""{"holdMessage":{"text":"Please hold."}}""", System.Text.Encoding.UTF8, "application/merge-patch+json"))).EnsureSuccessStatusCode();
        Agent(AgentOne, digits: "1", talk: 1);
        Customer(Presser, Answers());
        Customer(Newer, Answers());
        // Two callers wait ahead (they are served in the end, so they make no callback).
        await EnterQueueAsync("+14155550321", null, QueueOutcome.Bridged, 30);
        await EnterQueueAsync("+14155550322", null, QueueOutcome.Bridged, 30);
        await Eventually.GetAsync(() => Task.FromResult(Stack.Simulator.Queue("support").CurrentSize), n => n == 2, TimeSpan.FromSeconds(10), "two callers in the queue");

        // The presser is third, and presses 1 at the third offer (ten seconds or so in); meanwhile a newer caller enters
        // behind them and hangs up: a lost call due before the press-1 request, but behind it in line.
        var pressed = await EnterQueueAsync(Presser, ",,1", QueueOutcome.Hangup, 60);
        await Eventually.GetAsync(() => Task.FromResult(Stack.Simulator.Queue("support").CurrentSize), n => n == 3, TimeSpan.FromSeconds(10), "the presser in the queue");
        // A place comes from Twilio's QueueTime, whole seconds: a caller two seconds behind is behind for certain.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await CallInAsync(Newer);
        var presserCallback = await Eventually.GetAsync(async () => (await CallbacksAsync(Presser)).SingleOrDefault(), c => c is not null,
            TimeSpan.FromSeconds(30), "the press-1 callback");
        await Stack.Simulator.WaitForCallAsync(c => c.Sid == pressed.Sid && c.EndTime is not null, TimeSpan.FromSeconds(20));
        Assert.Contains(Stack.Simulator.Calls.Single(c => c.Sid == pressed.Sid).Heard, h => h.Contains("number 3 in the queue", StringComparison.Ordinal));
        var newer = Assert.Single(await CallbacksAsync(Newer));
        Assert.True(newer.DueAt < presserCallback!.DueAt, "the lost call is due first (so only the place puts the presser ahead)");
        // Both wait in the queue's line for an agent, then one comes back.
        foreach (var caller in new[] { Presser, Newer })
            await Eventually.GetAsync(async () => (await CallbacksAsync(caller)).Single(), c => c.WaitingForAgent, TimeSpan.FromSeconds(20), $"{caller} to wait for an agent");

        await SetAvailableAsync("a1", true);
        var first = await WaitForStatusAsync(Presser, CallbackStatus.Completed, TimeSpan.FromSeconds(40));
        var second = await WaitForStatusAsync(Newer, CallbackStatus.Completed, TimeSpan.FromSeconds(40));

        Assert.Equal(CallbackOrigin.QueueRequest, first.Origin);
        Assert.True(first.Place < second.Place, $"the presser's place {first.Place:O} is ahead of the newer lost call's {second.Place:O}");
        var offeredFirst = first.Timeline.First(e => e.Reason.Contains("offered to agent", StringComparison.Ordinal)).At;
        var offeredSecond = second.Timeline.First(e => e.Reason.Contains("offered to agent", StringComparison.Ordinal)).At;
        Assert.True(offeredFirst < offeredSecond, "the caller who pressed 1 is called back first");
        // Their <Enqueue action> said "leave": no second callback.
        Assert.Equal(presserCallback!.Id, Assert.Single(await CallbacksAsync(Presser)).Id);
    }

    [Fact]
    public async Task QueueWait_TellsThePosition_AndItsOfferCarriesTheMomentTheCallerEnteredTheQueue()
    {
        var response = await SignedWebhooks.PostAsync(Stack, "api/twilio/queue-wait?queue=support",
            SignedWebhooks.InboundCall(Presser, SignedWebhooks.NewCallSid(), ("QueuePosition", "4"), ("QueueTime", "90"), ("AvgQueueTime", "150"),
                ("QueueSid", "QU" + new string('b', 32)), ("CurrentQueueSize", "4"), ("MaxQueueSize", "1000")));

        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Contains(twiml.Elements("Say"), s => s.Value == "You are number 4 in the queue.");
        Assert.Contains(twiml.Elements("Say"), s => s.Value.Contains("about 3 minutes", StringComparison.Ordinal));
        var action = new Uri(twiml.Element("Gather")!.Attribute("action")!.Value);
        var entered = long.Parse(System.Web.HttpUtility.ParseQueryString(action.Query)["entered"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - entered, 89, 100);
    }

    [Fact]
    public async Task AnAgentSchedulesForThemselves_TheirPhoneRingsAtThatTime_WithTheCommentInTheWhisper()
    {
        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        Agent(AgentOne, digits: "1");
        Customer(Customer1, Answers());

        // "in" two minutes is due then; "at" a moment from now rings then (a test cannot wait two minutes).
        var later = await ScheduleAsync(new { phone = "+1 415 555 0399", queue = "support", @in = new { minutes = 2 }, agentId = "a1" });
        Assert.InRange((later.DueAt!.Value - later.CreatedAt).TotalSeconds, 119, 121);
        var at = DateTimeOffset.UtcNow.AddSeconds(4);
        var made = await ScheduleAsync(new { phone = Customer1, queue = "support", at = at.ToString("O"), agentId = "a1", comment = "Renewal questions", retries = 1 });
        Assert.Equal("a1", made.BoundAgent);
        Assert.True(made.PreferredAgent);
        Assert.Equal("Renewal questions", made.Comment);
        Assert.Equal(1, made.RetriesLeft);
        Assert.Equal(CallbackOrigin.Scheduled, made.Origin);

        var done = await WaitForStatusAsync(Customer1, CallbackStatus.Completed, TimeSpan.FromSeconds(40));
        var agentCall = Assert.Single(CallsTo(AgentOne));
        Assert.True(agentCall.DateCreated >= at.AddSeconds(-1.5), $"the agent's phone rang at {agentCall.DateCreated:O}, not before the time {at:O}");
        Assert.Contains(agentCall.Heard, h => h.Contains("Note: Renewal questions.", StringComparison.Ordinal));
        Assert.Contains(done.Timeline, e => e.Reason.Contains("their preferred agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThePreferredAgentBusyPastTheWait_AnotherAgentOfTheQueueGetsIt()
    {
        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        await Stack.PutAgentAsync("a2", "Two", AgentTwo, "support");
        (await Stack.Api.PatchAsync("/api/queues/support", new StringContent("""{"preferredAgentWait":"00:00:03"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"))).EnsureSuccessStatusCode();
        await SetAvailableAsync("a2", false);
        Agent(AgentOne, digits: "1", talk: 25);
        Agent(AgentTwo, digits: "1");
        Customer(Busy, Answers(talk: 25));
        Customer(Customer1, Answers());
        // a1 takes a lost call and stays on it.
        await CallInAsync(Busy);
        await WaitForStatusAsync(Busy, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        await SetAvailableAsync("a2", true);

        await ScheduleAsync(new { phone = Customer1, queue = "support", @in = new { minutes = 1 }, agentId = "a1" });
        var id = Assert.Single(await CallbacksAsync(Customer1)).Id;
        (await Stack.Api.PostAsync($"/api/callbacks/{id}/call-now", null)).EnsureSuccessStatusCode();

        var done = await WaitForStatusAsync(Customer1, CallbackStatus.Completed, TimeSpan.FromSeconds(40));
        Assert.Contains(done.Timeline, e => e.Reason.Contains("preferred agent One busy: waiting", StringComparison.Ordinal));
        Assert.Contains(done.Timeline, e => e.Reason.Contains("preferred agent One busy for", StringComparison.Ordinal));
        Assert.Contains(done.Timeline, e => e.Reason.Contains("offered to agent Two", StringComparison.Ordinal));
        Assert.Single(CallsTo(AgentTwo));
    }

    [Fact]
    public async Task AScheduledCallbackNotAnswered_IsDueAgainRetryAfterLater_WithTheSameAgent()
    {
        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        Agent(AgentOne, digits: "1");
        Customer(Customer1, new PersonResponse { Answer = PersonAnswer.NoAnswer, RingSeconds = 30 }, Answers());

        var made = await ScheduleAsync(new { phone = Customer1, queue = "support", at = DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"), agentId = "a1", retries = 2 });
        var waiting = await Eventually.GetAsync(() => DetailAsync(made.Id), c => c.Attempt == 1 && c.Status == CallbackStatus.Queued,
            TimeSpan.FromSeconds(60), "the first attempt not to reach the customer");

        var notReached = waiting.Timeline[^1];
        Assert.Contains("1 retry left", notReached.Reason, StringComparison.Ordinal);
        Assert.InRange((waiting.DueAt!.Value - notReached.At).TotalMinutes, 9.99, 10.01); // the queue's retryAfter (default 10 minutes)
        Assert.Equal("a1", waiting.BoundAgent);
        Assert.Equal(1, waiting.RetriesLeft);

        // Called now rather than in ten minutes: the same agent rings, and the call that succeeds ends the pending entry.
        (await Stack.Api.PostAsync($"/api/callbacks/{made.Id}/call-now", null)).EnsureSuccessStatusCode();
        var done = await WaitForStatusAsync(Customer1, CallbackStatus.Completed, TimeSpan.FromSeconds(40));
        Assert.Equal(2, done.Attempt);
        Assert.Equal(2, CallsTo(AgentOne).Count);
        Assert.Null(done.DueAt);
    }

    [Fact]
    public async Task AnIvrRequestThenALostCall_FromOneNumber_MakeOneCallbackWithTwoTriggers_WhichAServedCallCancels()
    {
        var ivrSid = SignedWebhooks.NewCallSid();
        (await SignedWebhooks.PostAsync(Stack, "api/twilio/ivr-callback?queue=support&delayMinutes=10", SignedWebhooks.InboundCall(Customer1, ivrSid))).EnsureSuccessStatusCode();
        var ivr = Assert.Single(await CallbacksAsync(Customer1));

        await CallInAsync(Customer1);

        var merged = await Eventually.GetAsync(() => DetailAsync(ivr.Id), c => c.Triggers.Count == 2, TimeSpan.FromSeconds(15), "the lost call to merge");
        Assert.Single(await CallbacksAsync(Customer1));
        Assert.Equal([TriggerKind.IvrRequest, TriggerKind.LostCall], merged.Triggers.Select(t => t.Kind));
        Assert.Equal(ivrSid, merged.Triggers[0].CallSid);
        Assert.True(merged.DueAt < ivr.DueAt, "the lost call's earlier due time is kept");
        Assert.Contains(merged.Timeline, e => e.Reason.Contains("merged", StringComparison.Ordinal));

        await CallInAsync(Customer1, QueueOutcome.Bridged);
        var cancelled = await WaitForStatusAsync(Customer1, CallbackStatus.Cancelled, TimeSpan.FromSeconds(15));
        Assert.Equal(ivr.Id, cancelled.Id);
    }

    [Fact]
    public async Task Scheduling_RefusesWhatCannotBeHonoured_With422_AndBadBodiesWith400()
    {
        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        await Stack.PutAgentAsync("s1", "Sales", AgentTwo, "sales");
        var withheld = SignedWebhooks.NewCallSid();
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support", SignedWebhooks.InboundCall("anonymous", withheld, ("QueueResult", "hangup"), ("QueueTime", "5")));

        async Task<string> Refused(object body, HttpStatusCode status)
        {
            var response = await Stack.Api.PostAsJsonAsync("/api/callbacks", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
            return text;
        }

        await Eventually.GetAsync(async () => await Refused(new { fromCallSid = withheld, @in = new { minutes = 5 } }, HttpStatusCode.UnprocessableEntity),
            t => t.Contains("no number to call back", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the withheld call to be refused");
        Assert.Contains("was seen", await Refused(new { fromCallSid = SignedWebhooks.NewCallSid(), queue = "support", @in = new { minutes = 5 } }, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.Contains("does not serve queue", await Refused(new { phone = Customer1, queue = "support", @in = new { minutes = 5 }, agentId = "s1" }, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.Contains("no agent", await Refused(new { phone = Customer1, queue = "support", @in = new { minutes = 5 }, agentId = "nobody" }, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        var bad = await Refused(new { queue = "support", comment = new string('x', 301), retries = 11 }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "phone", "at", "comment", "retries" }) Assert.Contains($"\"{field}\"", bad, StringComparison.Ordinal);
        Assert.Empty(await CallbacksAsync(Customer1));
    }

    [Fact]
    public async Task FromCallSid_TakesTheCallersNumberAndQueue()
    {
        await Stack.PutAgentAsync("a1", "One", AgentOne, "support");
        var sid = SignedWebhooks.NewCallSid();
        (await SignedWebhooks.PostAsync(Stack, "api/twilio/ivr-callback?queue=support&delayMinutes=10", SignedWebhooks.InboundCall(Customer1, sid))).EnsureSuccessStatusCode();
        var ivr = Assert.Single(await CallbacksAsync(Customer1));

        var response = await Eventually.GetAsync(async () => await Stack.Api.PostAsJsonAsync("/api/callbacks", new { fromCallSid = sid, @in = new { hours = 2 } }),
            r => r.StatusCode != HttpStatusCode.UnprocessableEntity, TimeSpan.FromSeconds(10), "the call to be remembered");

        // The caller has a live callback in support: the agent's request merges into it, and the agent's time wins.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var merged = (await response.Content.ReadFromJsonAsync<CallbackDetail>(TimelinePrinter.Json))!;
        Assert.Equal(ivr.Id, merged.Id);
        Assert.Equal("support", merged.Queue);
        Assert.InRange((merged.DueAt!.Value - DateTimeOffset.UtcNow).TotalMinutes, 110, 121);
        Assert.Equal([TriggerKind.IvrRequest, TriggerKind.AgentScheduled], merged.Triggers.Select(t => t.Kind));
    }
}
