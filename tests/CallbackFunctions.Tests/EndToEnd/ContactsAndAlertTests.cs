using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallbackFunctions.CallbackAlert;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// Issue 16 end to end (the simulator, Azurite, the local host): a private contact's lost call rings only its owner's
/// agent, the alert and the whisper say who and why, a reject hands the callback to the next agent and starts a
/// cooldown that ends, a console accept racing a key press makes one customer call, and an unknown caller becomes a
/// contact that, never reached, is saved for an automatic redial.
/// </summary>
public sealed class ContactsAndAlertTests : StackTestBase
{
    private const string AgentOther = "+14155550401";
    private const string AgentOwner = "+14155550402";
    private const string Ana = "+14155550411";
    private const string Rejected = "+14155550412";
    private const string During = "+14155550413";
    private const string Racer = "+14155550414";
    private const string Stranger = "+14155550415";
    private const string Forgotten = "+14155550416";
    private const string Torn = "+14155550417";
    private const string Late = "+14155550418";

    /// <summary>The app's warnings and errors: shown when an alert never rings.</summary>
    private readonly LogCapture _logs = new();

    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { Intervals = "00:00:01,00:00:02", Expiry = TimeSpan.FromMinutes(5), NoAgentRetry = TimeSpan.FromSeconds(20), AgentRingTimeout = TimeSpan.FromSeconds(8), LogCapture = _logs };

    private async Task PutAsync(string path, object body)
    {
        var response = await Stack.Api.PutAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task PatchQueueAsync(string json) =>
        (await Stack.Api.PatchAsync("/api/queues/support", new StringContent(json, System.Text.Encoding.UTF8, "application/merge-patch+json"))).EnsureSuccessStatusCode();

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Stack.Api.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<CallbackAlertView?> AlertAsync(string agentId)
    {
        var response = await Stack.Api.GetAsync($"/api/agents/{agentId}/alert");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<CallbackAlertView>(TimelinePrinter.Json);
    }

    /// <summary>
    /// The alert once it rings <paramref name="agentId"/> for <paramref name="caller"/>'s callback; if it never does, the
    /// failure shows that caller's callbacks' timelines (where the offers went instead) and the app's last warnings.
    /// </summary>
    private async Task<CallbackAlertView> RingingAlertAsync(string agentId, string caller)
    {
        try
        {
            return (await Eventually.GetAsync(() => AlertAsync(agentId), a => a is not null, TimeSpan.FromSeconds(20), $"{agentId}'s alert"))!;
        }
        catch (Xunit.Sdk.XunitException e)
        {
            var timelines = new List<string>();
            foreach (var c in await CallbacksAsync(caller))
                timelines.Add(string.Join(Environment.NewLine, (await DetailAsync(c.Id)).Timeline.Select(t => $"  {t.At:HH:mm:ss.fff} {t.To}: {t.Reason}")));
            var warnings = _logs.Entries.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).TakeLast(20).Select(l => $"  {l}");
            throw new Xunit.Sdk.XunitException($"{e.Message}{Environment.NewLine}{caller}'s callbacks ({timelines.Count}):{Environment.NewLine}"
                + string.Join(Environment.NewLine, timelines) + $"{Environment.NewLine}the app's last warnings:{Environment.NewLine}{string.Join(Environment.NewLine, warnings)}");
        }
    }

    [Fact]
    public async Task APrivateContactsLostCall_RingsOnlyItsOwner_AndTheAlertAndWhisperSayWhoAndWhy()
    {
        // The other agent has waited longer; only the owner's agent may call Ana back.
        await PutAsync("/api/agents/other", new { name = "Other", phone = AgentOther, queues = new[] { "support" } });
        await Task.Delay(50);
        await PutAsync("/api/agents/owner", new { name = "Owner", phone = AgentOwner, queues = new[] { "support" }, ownershipCodes = new[] { "team-7" } });
        await PutAsync($"/api/numbers/{Uri.EscapeDataString(LocalStack.SupportNumber)}", new { location = "Dallas store", adSource = "Spring flyer" });
        await PutAsync("/api/contacts/ana", new { name = "Ana Lima", numbers = new[] { Ana }, types = new[] { "customer", "lead" }, ownershipCode = "TEAM-7" });
        Agent(AgentOther);
        Agent(AgentOwner, ring: 3);
        Customer(Ana, Answers());

        await CallInAsync(Ana);
        // While the owner's phone rings, the alert shows every field.
        var alert = await RingingAlertAsync("owner", Ana);
        Assert.Equal("Ana Lima", alert.Name);
        Assert.Equal(Ana, alert.Number);
        Assert.Equal(["lead", "customer"], alert.Types);
        Assert.Equal("Dallas store", alert.Location);
        Assert.Equal("Spring flyer", alert.AdSource);
        Assert.Equal(LocalStack.SupportNumber, alert.DialledNumber);
        Assert.Equal("support", alert.Queue);
        Assert.Equal(1, alert.Offer);
        Assert.True(alert.ExpiresAt > alert.OfferedAt);
        Assert.Null(await AlertAsync("other"));
        // The contact shows a dial-back pending.
        Assert.Equal("DialbackQueued", (await GetJsonAsync("/api/contacts/ana")).GetProperty("status").GetString());

        var done = await WaitForStatusAsync(Ana, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Empty(CallsTo(AgentOther));
        Assert.Equal("ana", done.Contact!.Id);
        var whisper = Assert.Single(CallsTo(AgentOwner)).Heard.Single(h => h.StartsWith("Automatic callback", StringComparison.Ordinal));
        foreach (var part in new[] { "Ana Lima, lead and customer,", "in the support queue", "the Dallas store line, from Spring flyer" })
            Assert.Contains(part, whisper, StringComparison.Ordinal);
        // Left the line: the contact has the status it had before.
        await Eventually.GetAsync(() => GetJsonAsync("/api/contacts/ana"), c => c.GetProperty("status").GetString() == "None", TimeSpan.FromSeconds(10), "Ana's status back");
    }

    [Fact]
    public async Task ARejectByKeypress_GoesToTheNextAgentAtOnce_AndTheRejectingAgentsCooldownIsShownThenEnds()
    {
        await PatchQueueAsync("""{"rejectCooldown":"00:00:08"}""");
        await PutAsync("/api/agents/first", new { name = "First", phone = AgentOther, queues = new[] { "support" } });
        await Task.Delay(50);
        await PutAsync("/api/agents/second", new { name = "Second", phone = AgentOwner, queues = new[] { "support" } });
        Agent(AgentOther, digits: "2");
        Agent(AgentOwner, digits: "1", talk: 0.5);
        Customer(Rejected, Answers());
        Customer(During, Answers());

        await CallInAsync(Rejected);
        var done = await WaitForStatusAsync(Rejected, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        var passed = done.Timeline.Single(e => e.Reason.StartsWith("agent First passed", StringComparison.Ordinal));
        var next = done.Timeline.Single(e => e.Reason.Contains("offered to agent Second", StringComparison.Ordinal));
        // At once (the contract: within 2 s): the release, then the next offer, whose call waits for the account's
        // pacing (1 call a second, from the first agent's call): about 0.6 s here on a quiet machine. A next look: 20 s.
        Assert.True(next.At - passed.At < TimeSpan.FromSeconds(2), $"the next agent was offered it {(next.At - passed.At).TotalMilliseconds:0} ms after the reject");
        Assert.Equal(["first"], done.RejectedBy);
        Assert.Single(CallsTo(AgentOther));

        // First cools down: shown by the API. A callback made meanwhile, with Second away, waits and rings First the
        // moment the cooldown ends.
        var first = await GetJsonAsync("/api/agents/first");
        var until = first.GetProperty("cooldownUntil").GetDateTimeOffset();
        Assert.InRange(until - passed.At, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(10));
        await SetAvailableAsync("second", false);
        Agent(AgentOther, digits: "1", talk: 0.5);
        await CallInAsync(During);
        var during = await WaitForStatusAsync(During, CallbackStatus.Completed, TimeSpan.FromSeconds(40));
        var offered = during.Timeline.First(e => e.Reason.Contains("offered to agent First", StringComparison.Ordinal)).At;
        Assert.True(offered >= until, $"offered at {offered:O}, before the cooldown's end {until:O}");
        Assert.True(offered - until < TimeSpan.FromSeconds(5), $"offered {(offered - until).TotalMilliseconds:0} ms after the cooldown ended (a next look: 20 s)");
        Assert.Equal(JsonValueKind.Null, (await GetJsonAsync("/api/agents/first")).GetProperty("cooldownUntil").ValueKind);
    }

    [Fact]
    public async Task AConsoleAccept_RacingTheKeypress_MakesOneCustomerCall()
    {
        await PutAsync("/api/agents/racer", new { name = "Racer", phone = AgentOwner, queues = new[] { "support" } });
        // The agent answers at once and presses 1 at the first choice, while the console accepts as soon as the alert shows.
        Agent(AgentOwner, digits: "1", ring: 0.2, talk: 0.5);
        Customer(Racer, Answers());

        await CallInAsync(Racer);
        var alert = await RingingAlertAsync("racer", Racer);
        var accepts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Stack.Api.PostAsJsonAsync("/api/agents/racer/alert/accept", new { offer = alert.Offer })));
        Assert.All(accepts, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));

        await WaitForStatusAsync(Racer, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Single(CallsTo(Racer));
    }

    [Fact]
    public async Task AConsoleAccept_WhileThePhoneRings_ConnectsTheCustomerWhenItIsAnswered_WithoutAKey()
    {
        await PatchQueueAsync("""{"completeCooldown":"00:00:30"}""");
        await PutAsync("/api/agents/ringing", new { name = "Ringing", phone = AgentOther, queues = new[] { "support" } });
        Agent(AgentOther, digits: "", ring: 3, talk: 0.5);
        Customer(During, Answers());

        await CallInAsync(During);
        var alert = await RingingAlertAsync("ringing", During);
        var accepted = await Stack.Api.PostAsJsonAsync("/api/agents/ringing/alert/accept", new { offer = alert.Offer });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        // A second choice on the offer: an accept again is the same answer; a reject now is refused.
        Assert.Equal(HttpStatusCode.OK, (await Stack.Api.PostAsJsonAsync("/api/agents/ringing/alert/accept", new { offer = alert.Offer })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Stack.Api.PostAsJsonAsync("/api/agents/ringing/alert/reject", new { offer = alert.Offer })).StatusCode);

        var done = await WaitForStatusAsync(During, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Single(CallsTo(During));
        Assert.Equal("", Assert.Single(CallsTo(AgentOther)).DigitsPressed);
        // Completed: once the agent's call ends, their complete cooldown runs from it (seed 004).
        var agent = await Eventually.GetAsync(() => GetJsonAsync("/api/agents/ringing"), a => a.GetProperty("cooldownUntil").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(15), "the complete cooldown");
        Assert.InRange(agent.GetProperty("cooldownUntil").GetDateTimeOffset() - done.ConnectedAt!.Value, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task ARejectInTheConsole_HangsUpTheAgent_AndTheNextAgentTakesIt()
    {
        await PutAsync("/api/agents/first", new { name = "First", phone = AgentOther, queues = new[] { "support" } });
        await Task.Delay(50);
        await PutAsync("/api/agents/second", new { name = "Second", phone = AgentOwner, queues = new[] { "support" } });
        Agent(AgentOther, digits: "", ring: 3);
        Agent(AgentOwner, digits: "1", talk: 0.5);
        Customer(Rejected, Answers());

        await CallInAsync(Rejected);
        var alert = await RingingAlertAsync("first", Rejected);
        Assert.Equal(HttpStatusCode.OK, (await Stack.Api.PostAsJsonAsync("/api/agents/first/alert/reject", new { offer = alert.Offer })).StatusCode);

        var done = await WaitForStatusAsync(Rejected, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Equal(["first"], done.RejectedBy);
        Assert.Contains(done.Timeline, e => e.Reason.Contains("offered to agent Second", StringComparison.Ordinal));
        await Stack.Simulator.WaitForCallAsync(c => c.To == AgentOther && c.EndTime is not null, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AnAcceptAndARejectAtOnce_OneIsTaken_AndEachAnswerSaysWhatTheCallbackDid()
    {
        await PutAsync("/api/agents/torn", new { name = "Torn", phone = AgentOther, queues = new[] { "support" } });
        await Task.Delay(50);
        await PutAsync("/api/agents/backup", new { name = "Backup", phone = AgentOwner, queues = new[] { "support" } });
        Agent(AgentOther, digits: "", ring: 3, talk: 0.5);
        Agent(AgentOwner, digits: "1", talk: 0.5);
        Customer(Torn, Answers());

        await CallInAsync(Torn);
        var alert = await RingingAlertAsync("torn", Torn);
        var choices = await Task.WhenAll(
            Stack.Api.PostAsJsonAsync("/api/agents/torn/alert/accept", new { offer = alert.Offer }),
            Stack.Api.PostAsJsonAsync("/api/agents/torn/alert/reject", new { offer = alert.Offer }));
        var (accepted, rejected) = (choices[0].StatusCode, choices[1].StatusCode);
        // Exactly one is taken, whichever the orchestration saw first; the other answer says it was refused.
        Assert.True((accepted, rejected) is (HttpStatusCode.OK, HttpStatusCode.Conflict) or (HttpStatusCode.Conflict, HttpStatusCode.OK), $"accept {accepted}, reject {rejected}");

        var done = await WaitForStatusAsync(Torn, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Single(CallsTo(Torn));
        if (accepted == HttpStatusCode.OK)
        {
            Assert.Empty(done.RejectedBy);
            Assert.Contains(done.Timeline, e => e.Reason.Contains("agent Torn accepted", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal(["torn"], done.RejectedBy);
            Assert.Contains(done.Timeline, e => e.Reason.Contains("offered to agent Backup", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AContactSaved_WhileItsNumbersCallbackWaits_IsTakenAtOnce_AndOnlyItsOwnersAgentCallsBack()
    {
        await PutAsync("/api/agents/anyone", new { name = "Anyone", phone = AgentOther, queues = new[] { "support" } });
        await SetAvailableAsync("anyone", false);
        Agent(AgentOther, digits: "1", talk: 0.5);
        Agent(AgentOwner, digits: "1", talk: 0.5);
        Customer(Late, Answers());

        await CallInAsync(Late);
        var waiting = await Eventually.GetAsync(async () => (await CallbacksAsync(Late)).SingleOrDefault(), c => c is { WaitingForAgent: true },
            TimeSpan.FromSeconds(20), "the callback to wait");
        Assert.Null(waiting!.Contact);

        // Imported while it waits, private to team-7: the callback has it when the PUT answers, and the contact shows it.
        await PutAsync("/api/contacts/late", new { name = "Lea Late", numbers = new[] { Late }, types = new[] { "customer" }, ownershipCode = "team-7" });
        var taken = await DetailAsync(waiting.Id);
        Assert.Equal("Lea Late", taken.Contact?.Name);
        Assert.Contains(taken.Timeline, e => e.Reason == "contact late saved for this number");
        var contact = await GetJsonAsync("/api/contacts/late");
        Assert.Equal("DialbackQueued", contact.GetProperty("status").GetString());
        Assert.Equal([waiting.Id], contact.GetProperty("liveCallbacks").EnumerateArray().Select(c => c.GetString()));

        // The agent who waited is not the owner's: only the owner's agent, made later, calls back.
        await SetAvailableAsync("anyone", true);
        await PutAsync("/api/agents/owner", new { name = "Owner", phone = AgentOwner, queues = new[] { "support" }, ownershipCodes = new[] { "team-7" } });
        var done = await WaitForStatusAsync(Late, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Contains(done.Timeline, e => e.Reason.Contains("offered to agent Owner", StringComparison.Ordinal));
        Assert.Empty(CallsTo(AgentOther));
        await Eventually.GetAsync(() => GetJsonAsync("/api/contacts/late"), c => c.GetProperty("status").GetString() == "None",
            TimeSpan.FromSeconds(10), "the contact's status back to None");
    }

    [Fact]
    public async Task AnUnknownCaller_UnderCreateContact_BecomesAContact_ThatNeverReachedIsSavedForAnAutomaticRedial()
    {
        await PutAsync("/api/account/unknown-callers", new { unknownCallers = "createContact" });
        await PutAsync("/api/agents/solo", new { name = "Solo", phone = AgentOther, queues = new[] { "support" } });
        Agent(AgentOther, digits: "1", talk: 0.5);
        Customer(Stranger, new PersonResponse { Answer = PersonAnswer.NoAnswer, RingSeconds = 30 });

        await CallInAsync(Stranger);
        var made = await Eventually.GetAsync(() => GetJsonAsync("/api/contacts?number=" + Uri.EscapeDataString(Stranger)),
            c => c.GetProperty("items").GetArrayLength() == 1, TimeSpan.FromSeconds(15), "the stranger's contact");
        var contact = made.GetProperty("items")[0];
        Assert.Equal(["unknown"], contact.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(JsonValueKind.Null, contact.GetProperty("name").ValueKind);

        await WaitForStatusAsync(Stranger, CallbackStatus.Failed, TimeSpan.FromSeconds(60));
        await Eventually.GetAsync(() => GetJsonAsync("/api/contacts/" + contact.GetProperty("id").GetString()),
            c => c.GetProperty("status").GetString() == "AutomaticRedial", TimeSpan.FromSeconds(10), "the contact saved for an automatic redial");
        Assert.Contains("An unknown caller", Assert.Single(CallsTo(AgentOther).Take(1)).Heard.Single(h => h.StartsWith("Automatic callback", StringComparison.Ordinal)),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingAContact_LeavesItsLiveCallbackTheNumberOnly()
    {
        await PutAsync("/api/agents/away", new { name = "Away", phone = AgentOther, queues = new[] { "support" } });
        await SetAvailableAsync("away", false);
        await PutAsync("/api/contacts/gone", new { name = "Gone Soon", numbers = new[] { Forgotten }, types = new[] { "lead" }, campaign = "spring" });
        Agent(AgentOther, digits: "1", talk: 0.5);
        Customer(Forgotten, Answers());

        await CallInAsync(Forgotten);
        var waiting = await Eventually.GetAsync(async () => (await CallbacksAsync(Forgotten)).SingleOrDefault(), c => c is { WaitingForAgent: true },
            TimeSpan.FromSeconds(20), "the callback to wait");
        Assert.Equal("Gone Soon", waiting!.Contact!.Name);
        Assert.Contains("no eligible agent (campaign spring)", (await DetailAsync(waiting.Id)).Timeline[^1].Reason, StringComparison.Ordinal);

        // A change reaches the live callback at once.
        await PutAsync("/api/contacts/gone", new { name = "Gone Later", numbers = new[] { Forgotten }, types = new[] { "lead", "customer" }, campaign = "spring" });
        await Eventually.GetAsync(() => DetailAsync(waiting.Id), c => c.Contact?.Name == "Gone Later" && c.Contact.Types.Count == 2, TimeSpan.FromSeconds(10), "the change on the callback");

        Assert.Equal(HttpStatusCode.NoContent, (await Stack.Api.DeleteAsync("/api/contacts/gone")).StatusCode);
        var forgotten = await Eventually.GetAsync(() => DetailAsync(waiting.Id), c => c.Contact is null, TimeSpan.FromSeconds(10), "the contact gone from the callback");
        Assert.DoesNotContain("Gone ", JsonSerializer.Serialize(forgotten, TimelinePrinter.Json), StringComparison.Ordinal);
        // Anyone of the queue may take it now.
        await SetAvailableAsync("away", true);
        await WaitForStatusAsync(Forgotten, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
    }
}
