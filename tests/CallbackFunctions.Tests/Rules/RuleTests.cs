using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Rules;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.Rules;

/// <summary>seed 001: the automatic callback rules through /api/rules and /api/account, and what they do to missed calls.</summary>
public sealed class RuleTests : StackTestBase
{
    private const string Caller = "+14155551011";   // San Francisco: libphonenumber maps it to America/Los_Angeles only
    private const string TollFree = "+18005550199"; // spans every US zone: no single time zone

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with
    {
        Intervals = "00:05:00",
        Expiry = TimeSpan.FromMinutes(30),
        OwnedNumbers = [LocalStack.SupportNumber, "+14155550999"],
        CustomerRingTimeout = TimeSpan.FromSeconds(7), // not the 30 s a PUT once hard-coded
        ExtraSettings = new Dictionary<string, string?> { ["Twilio:OwnedNumbers"] = $"{LocalStack.SupportNumber},+14155550999" },
    };

    private Task<HttpResponseMessage> LoseInQueueAsync(string from, string queue = "support", string to = LocalStack.SupportNumber)
    {
        var form = SignedWebhooks.InboundCall(from, SignedWebhooks.NewCallSid(), ("QueueResult", "hangup"));
        form["To"] = to;
        return SignedWebhooks.PostAsync(Stack, $"api/twilio/missed-call?queue={queue}", form);
    }

    private Task<HttpResponseMessage> LoseInIvrAsync(string from, string queue = "support") =>
        SignedWebhooks.PostAsync(Stack, $"api/twilio/missed-call?queue={queue}",
            SignedWebhooks.InboundCall(from, SignedWebhooks.NewCallSid(), ("CallStatus", "no-answer")));

    private async Task<RuleView> PutRuleAsync(string kind, object body)
    {
        var response = await Stack.Api.PutAsJsonAsync($"/api/rules/{kind}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RuleView>(TimelinePrinter.Json))!;
    }

    [Fact]
    public async Task Rules_BeforeAnyIsSaved_AreTheEnabledDefaults()
    {
        var rules = await Stack.Api.GetFromJsonAsync<List<RuleView>>("/api/rules", TimelinePrinter.Json);
        Assert.Equal(["scenario", "contact-center"], rules!.Select(r => r.Kind));
        Assert.All(rules!, r => { Assert.True(r.Enabled); Assert.Equal(0, r.Version); Assert.Equal(["00:05:00"], r.Intervals); });
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.Api.GetAsync("/api/rules/elsewhere")).StatusCode);
    }

    [Fact]
    public async Task PutRule_WithoutIntervalsOrRingTimeout_TakesTheAppSettings_AsDocumented()
    {
        var rule = await PutRuleAsync("contact-center", new { enabled = true });

        Assert.Equal(["00:05:00"], rule.Intervals);               // Callbacks__Intervals of this stack
        Assert.Equal("00:00:07", rule.CustomerRingTimeout);       // Callbacks__CustomerRingTimeout of this stack
        var explicitly = await PutRuleAsync("contact-center", new { intervals = new[] { "00:02:00" }, customerRingTimeout = "00:00:20" });
        Assert.Equal(["00:02:00"], explicitly.Intervals);
        Assert.Equal("00:00:20", explicitly.CustomerRingTimeout);
    }

    [Fact]
    public async Task PutRule_WithMisspeltFields_IsRefusedNamingEveryOne_AndTheRuleStaysAsItWas()
    {
        var before = await PutRuleAsync("contact-center", new { enabled = false });

        var response = await Stack.Api.PutAsync("/api/rules/contact-center", new StringContent(
            """{"enabeld": true, "intervals": ["00:02:00"], "schedule": {"weekdayz": "08:00-18:00"}, "recording": {"enabled": true, "storagePeriodd": "30"}}""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("$.enabeld", problem, StringComparison.Ordinal);
        Assert.Contains("$.schedule.weekdayz", problem, StringComparison.Ordinal);
        Assert.Contains("$.recording.storagePeriodd", problem, StringComparison.Ordinal);
        Assert.Contains("enabled", problem, StringComparison.Ordinal); // what the route does take
        var after = await Stack.Api.GetFromJsonAsync<RuleView>("/api/rules/contact-center", TimelinePrinter.Json);
        Assert.Equal(before.Version, after!.Version);
        Assert.False(after.Enabled);
    }

    [Fact]
    public async Task PutRule_WithBadSettings_Answers400NamingEachField()
    {
        var response = await Stack.Api.PutAsJsonAsync("/api/rules/scenario", new
        {
            intervals = new[] { "00:00:00.5", "banana" },
            callerId = "12",
            timeZone = "Mars/Olympus",
            customerRingTimeout = "00:00:02",
            schedule = new { weekdays = new { open = "8 o'clock", close = "18:00" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        foreach (var field in new[] { "intervals", "callerId", "timeZone", "schedule.weekdays" }) Assert.Contains(field, problem, StringComparison.Ordinal);
        // Every error at once: the rule's own checks (a 2 s ring, a scenario rule without its queue) come with the others.
        Assert.Contains("customerRingTimeout", problem, StringComparison.Ordinal);
        Assert.Contains("\"queue\"", problem, StringComparison.Ordinal);

        var semantic = await Stack.Api.PutAsJsonAsync("/api/rules/scenario", new { intervals = new[] { "02:00:00" }, customerRingTimeout = "00:00:02" });
        var text = await semantic.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, semantic.StatusCode);
        Assert.Contains("queue", text, StringComparison.Ordinal);               // a scenario rule needs its queue
        Assert.Contains("between", text, StringComparison.Ordinal);             // interval out of bounds
        Assert.Contains("customerRingTimeout", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRule_SavesANewVersionEachTime()
    {
        var v1 = await PutRuleAsync("contact-center", new { intervals = new[] { "00:02:00", "00:10:00" } });
        var v2 = await PutRuleAsync("contact-center", new { intervals = new[] { "00:03:00" }, customerRingTimeout = "00:00:20" });
        Assert.Equal(1, v1.Version);
        Assert.Equal(2, v2.Version);
        Assert.Equal("00:00:20", (await Stack.Api.GetFromJsonAsync<RuleView>("/api/rules/contact-center", TimelinePrinter.Json))!.CustomerRingTimeout);
    }

    [Fact]
    public async Task PutRule_ThatCanNeverCall_OrIsClosedNow_IsSaved_AndAnswersWarnings_WhichGetShowsToo()
    {
        var plain = await PutRuleAsync("contact-center", new { intervals = new[] { "00:05:00" } });
        Assert.Empty(plain.Warnings);

        // This stack's expiry is 30 minutes: a first interval of 30 minutes never gets an attempt.
        var late = await PutRuleAsync("contact-center", new { intervals = new[] { "00:30:00", "00:05:00" } });
        Assert.Contains("00:30:00", Assert.Single(late.Warnings), StringComparison.Ordinal);
        Assert.Equal(plain.Version + 1, late.Version); // a warning does not stop the save

        // "schedule": {} is closed every day (both days null), not "always open".
        var never = await PutRuleAsync("contact-center", new { intervals = new[] { "00:05:00" }, schedule = new { } });
        Assert.Contains("closed every day", Assert.Single(never.Warnings), StringComparison.Ordinal);

        // Open for one hour starting two hours from now, every day, in the rule's zone: closed now.
        var opens = DateTimeOffset.UtcNow.AddHours(2);
        var window = new { open = opens.ToString("HH:mm", CultureInfo.InvariantCulture), close = opens.AddHours(1).ToString("HH:mm", CultureInfo.InvariantCulture) };
        var response = await Stack.Api.PutAsJsonAsync("/api/rules/contact-center",
            new { intervals = new[] { "00:05:00" }, timeZone = "Etc/UTC", schedule = new { weekdays = window, weekend = window } });
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, json);
        using (var answer = System.Text.Json.JsonDocument.Parse(json))
        {
            var closed = Assert.Single(answer.RootElement.GetProperty("warnings").EnumerateArray()).GetString()!;
            Assert.StartsWith("Closed now", closed, StringComparison.Ordinal);
            Assert.Contains($"{window.open} (Etc/UTC)", closed, StringComparison.Ordinal);
        }
        var shown = await Stack.Api.GetFromJsonAsync<RuleView>("/api/rules/contact-center", TimelinePrinter.Json);
        Assert.StartsWith("Closed now", Assert.Single(shown!.Warnings), StringComparison.Ordinal);
        Assert.Empty((await Stack.Api.GetFromJsonAsync<RuleView>("/api/rules/scenario", TimelinePrinter.Json))!.Warnings);

        using var openApi = System.Text.Json.JsonDocument.Parse(await Stack.Api.GetStringAsync("/api/openapi.json"));
        var schema = openApi.RootElement.GetProperty("paths").GetProperty("/api/rules/{kind}").GetProperty("put").GetProperty("responses")
            .GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
            schema = openApi.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        Assert.True(schema.GetProperty("properties").TryGetProperty("warnings", out _), "the OpenAPI answer of PUT names warnings");
    }

    [Fact]
    public async Task MissedInScenario_GoesToTheScenarioRulesQueue_WithItsIntervals()
    {
        await PutRuleAsync("scenario", new { intervals = new[] { "00:07:00" }, queue = "ivr-callbacks" });
        await LoseInIvrAsync(Caller);

        var callback = Assert.Single(await CallbacksAsync(Caller));
        Assert.Equal("ivr-callbacks", callback.Queue);
        Assert.InRange((callback.DueAt!.Value - callback.CreatedAt).TotalMinutes, 6.99, 7.01);
    }

    [Fact]
    public async Task MissedInContactCenter_GoesBackToItsQueue_OrToTheForwardQueue()
    {
        await LoseInQueueAsync(Caller, queue: "sales");
        Assert.Equal("sales", Assert.Single(await CallbacksAsync(Caller)).Queue);

        await PutRuleAsync("contact-center", new { intervals = new[] { "00:05:00" }, forwardToQueue = true, queue = "callbacks" });
        await LoseInQueueAsync("+14155551012", queue: "sales");
        Assert.Equal("callbacks", Assert.Single(await CallbacksAsync("+14155551012")).Queue);
    }

    [Fact]
    public async Task CallerId_IsTheDialledNumber_UnlessItIsNotOurs_ThenTheRules()
    {
        await PutRuleAsync("contact-center", new { intervals = new[] { "00:05:00" }, callerId = "+14155550999" });
        await LoseInQueueAsync(Caller);
        await LoseInQueueAsync("+14155551012", to: "+14155557777"); // reached us through a number that is not ours

        Assert.Equal(LocalStack.SupportNumber, Assert.Single(await CallbacksAsync(Caller)).CallerId);
        Assert.Equal("+14155550999", Assert.Single(await CallbacksAsync("+14155551012")).CallerId);
    }

    [Fact]
    public async Task TimeZone_FromTheNumber_ElseTheRules_ElseTheCallbackFailsAtOnce()
    {
        await LoseInQueueAsync(TollFree);
        var failed = Assert.Single(await CallbacksAsync(TollFree));
        Assert.Equal(CallbackStatus.Failed, failed.Status);
        Assert.Contains("no time zone", (await DetailAsync(failed.Id)).Timeline[^1].Reason, StringComparison.Ordinal);

        await PutRuleAsync("contact-center", new { intervals = new[] { "00:05:00" }, timeZone = "America/Chicago" });
        await LoseInQueueAsync(TollFree);
        Assert.Single(await CallbacksAsync(TollFree), c => c.Status == CallbackStatus.Queued);
    }

    [Fact]
    public async Task MissedOutsideOpeningHours_MakesNoCallback()
    {
        // Open for one hour starting two hours from now, in the caller's zone, every day: closed now.
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles"));
        var window = new { open = local.AddHours(2).ToString("HH:mm", CultureInfo.InvariantCulture), close = local.AddHours(3).ToString("HH:mm", CultureInfo.InvariantCulture) };
        await PutRuleAsync("contact-center", new { intervals = new[] { "00:05:00" }, schedule = new { weekdays = window, weekend = window } });

        var response = await LoseInQueueAsync(Caller);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Goodbye", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await CallbacksAsync(Caller));
    }

    [Fact]
    public async Task DisablingARule_CancelsItsPendingCallbacks_AndStopsNewOnes()
    {
        await LoseInQueueAsync(Caller);
        await LoseInIvrAsync("+14155551012");

        await PutRuleAsync("contact-center", new { enabled = false, intervals = new[] { "00:05:00" } });

        var cancelled = Assert.Single(await CallbacksAsync(Caller));
        Assert.Equal(CallbackStatus.Cancelled, cancelled.Status);
        Assert.Contains("rule was disabled", (await DetailAsync(cancelled.Id)).Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(CallbackStatus.Queued, Assert.Single(await CallbacksAsync("+14155551012")).Status); // the scenario rule's stays
        await LoseInQueueAsync("+14155551013");
        Assert.Empty(await CallbacksAsync("+14155551013"));
    }

    [Fact]
    public async Task FreezingTheAccount_DisablesEveryRuleAndCancelsEverything_UnfreezingLeavesRulesOff()
    {
        await LoseInQueueAsync(Caller);
        await LoseInIvrAsync("+14155551012");

        var frozen = await (await Stack.Api.PostAsync("/api/account/freeze", null)).Content.ReadFromJsonAsync<AccountView>(TimelinePrinter.Json);
        Assert.True(frozen!.Frozen);
        Assert.All(await CallbacksAsync(), c => Assert.Equal(CallbackStatus.Cancelled, c.Status));
        Assert.All((await Stack.Api.GetFromJsonAsync<List<RuleView>>("/api/rules", TimelinePrinter.Json))!, r => Assert.False(r.Enabled));
        await LoseInQueueAsync("+14155551013");
        var ivr = await SignedWebhooks.PostAsync(Stack, "api/twilio/ivr-callback?queue=support", SignedWebhooks.InboundCall("+14155551014", SignedWebhooks.NewCallSid()));
        Assert.Contains("cannot arrange", await ivr.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await CallbacksAsync("+14155551013"));
        var refused = await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", new { enabled = true, intervals = new[] { "00:05:00" } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var thawed = await (await Stack.Api.PostAsync("/api/account/unfreeze", null)).Content.ReadFromJsonAsync<AccountView>(TimelinePrinter.Json);
        Assert.False(thawed!.Frozen);
        Assert.Contains("enable each", thawed.Note, StringComparison.Ordinal);
        Assert.All((await Stack.Api.GetFromJsonAsync<List<RuleView>>("/api/rules", TimelinePrinter.Json))!, r => Assert.False(r.Enabled));
        await LoseInQueueAsync("+14155551015");
        Assert.Empty(await CallbacksAsync("+14155551015"));
        await PutRuleAsync("contact-center", new { enabled = true, intervals = new[] { "00:05:00" } });
        await LoseInQueueAsync("+14155551015");
        Assert.Single(await CallbacksAsync("+14155551015"));
    }

    [Fact]
    public async Task EverySavedVersion_IsKept_NewestFirst_AndARefusedSaveAddsNone()
    {
        Assert.Empty((await Stack.Api.GetFromJsonAsync<RuleVersionList>("/api/rules/scenario/versions", TimelinePrinter.Json))!.Items);
        var first = await PutRuleAsync("scenario", new { intervals = new[] { "00:05:00" }, queue = "support" });
        var second = await PutRuleAsync("scenario", new { intervals = new[] { "00:07:00", "00:09:00" }, queue = "support" });
        Assert.Equal(HttpStatusCode.BadRequest, (await Stack.Api.PutAsJsonAsync("/api/rules/scenario", new { intervals = new[] { "00:00:00" }, queue = "support" })).StatusCode);

        var versions = (await Stack.Api.GetFromJsonAsync<RuleVersionList>("/api/rules/scenario/versions", TimelinePrinter.Json))!.Items;
        Assert.Equal([second.Version, first.Version], versions.Select(v => v.Version));
        Assert.Equal(["00:07:00", "00:09:00"], versions[0].Rule.Intervals);
        Assert.Equal(["00:05:00"], versions[1].Rule.Intervals);
        Assert.True(versions[0].SavedAt >= versions[1].SavedAt);
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.Api.GetAsync("/api/rules/nope/versions")).StatusCode);
    }
}

/// <summary>seed 001: an attempt uses the rule as it is when the attempt starts, and says which version.</summary>
public sealed class RuleEditTests : StackTestBase
{
    private const string AgentPhone = "+14155551101";
    private const string Caller = "+14155551111";

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:00:03", Expiry = TimeSpan.FromMinutes(5) };

    [Fact]
    public async Task RuleEditedBeforeTheAttempt_TheAttemptUsesTheNewVersion()
    {
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        Agent(AgentPhone, digits: "1");
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.3 });
        await CallInAsync(Caller);
        var created = Assert.Single(await CallbacksAsync(Caller));

        var response = await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", new { intervals = new[] { "00:00:03", "00:00:03" }, customerRingTimeout = "00:00:09" });
        response.EnsureSuccessStatusCode();
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(30));

        Assert.Contains(done.Timeline, e => e.Reason.Contains("contact-center rule v1", StringComparison.Ordinal));
        Assert.Equal(1, created.Attempt + 1);
        Assert.Equal(2, done.MaxAttempts); // the new intervals apply to the attempts not yet started
    }
}
