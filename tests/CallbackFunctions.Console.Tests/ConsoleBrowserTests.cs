using System.Net.Http.Json;
using CallbackFunctions.Agents;
using CallbackFunctions.WebConsole.Tests.Support;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Rules;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.WebConsole.Tests;

/// <summary>
/// The console in a real browser (issue 17): the whole local stack (Azurite, the Twilio simulator, the app) per test,
/// driven from here through the simulator and the API; one Node scenario per test drives Debian's Chromium through
/// playwright-core (browser/*.mjs), and the outcome is checked again through the API.
/// </summary>
public sealed class ConsoleBrowserTests : StackTestBase
{
    // Nothing is dialled while a scenario runs: the first attempt is 5 minutes after the lost call.
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    [Fact]
    public async Task Supervisor_FindsACallbackByNumber_OpensItsTimeline_AndCancelsIt()
    {
        await Stack.PutAgentAsync("alice", "Alice", "+14155550101", "support");
        await CallInAsync("+14155550177");
        var callback = await WaitForStatusAsync("+14155550177", CallbackStatus.Queued);

        // The local host checks no key; the scenario plays Azure's check with this one (and asks for it once).
        await BrowserScenario.RunAsync("supervisor-cancel", Stack.AppUrl,
            new Dictionary<string, string> { ["CONSOLE_CALLER"] = "+14155550177", ["CONSOLE_CALLBACK_ID"] = callback.Id },
            functionKey: "key-" + Guid.NewGuid().ToString("N"));

        var after = await DetailAsync(callback.Id);
        Assert.Equal(CallbackStatus.Cancelled, after.Status);
        Assert.Contains(after.Timeline, e => e is { From: CallbackStatus.Queued, To: CallbackStatus.Cancelled });
    }

    [Fact]
    public async Task RulesEditor_SwitchesAWhisperPartOff_AndTheRuleIsSavedSo()
    {
        var before = await RuleAsync();
        Assert.True(before.Whisper.Comment);

        await BrowserScenario.RunAsync("rules-whisper", Stack.AppUrl);

        var after = await RuleAsync();
        Assert.Equal(before.Version + 1, after.Version);
        Assert.False(after.Whisper.Comment);
        Assert.True(after.Whisper.Name && after.Whisper.Type && after.Whisper.Location && after.Whisper.Queue);
        Assert.Equal(before.Intervals, after.Intervals);
    }

    [Fact]
    public async Task RulesEditor_GivenAnIntervalOf0_ShowsTheApisMessage_AndSavesNothing()
    {
        // One saved version, so the editor's list of saved versions has a row to keep.
        var put = await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", new { intervals = new[] { "00:02:00", "00:05:00" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var before = await RuleAsync();

        await BrowserScenario.RunAsync("rules-invalid", Stack.AppUrl);

        var after = await RuleAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Intervals, after.Intervals);
    }

    [Fact]
    public async Task Agent_SchedulesACallbackIn2Minutes_AndSeesItInTheirListWithItsEstimate()
    {
        await Stack.PutAgentAsync("alice", "Alice", "+14155550101", "support");

        await BrowserScenario.RunAsync("agent-schedule", Stack.AppUrl,
            new Dictionary<string, string> { ["CONSOLE_AGENT"] = "alice", ["CONSOLE_CUSTOMER"] = "+14155550188" });

        var mine = (await Stack.Api.GetFromJsonAsync<AgentCallbackList>("/api/agents/alice/callbacks", TimelinePrinter.Json))!.Items;
        var scheduled = Assert.Single(mine, c => c.Caller == "+14155550188");
        Assert.Equal("alice", scheduled.BoundAgent);
        Assert.Equal("Renewal questions", scheduled.Comment);
        Assert.Equal(CallbackOrigin.Scheduled, scheduled.Origin);
        Assert.InRange(scheduled.DueAt!.Value - scheduled.CreatedAt, TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.NotNull((await DetailAsync(scheduled.Id)).EstimatedAt);
    }

    [Fact]
    public async Task EveryView_At1280AndAt375Px_HasNoSeriousOrCriticalAxeViolation()
    {
        await Stack.PutAgentAsync("alice", "Alice", "+14155550101", "support");
        await CallInAsync("+14155550166");
        var lost = await WaitForStatusAsync("+14155550166", CallbackStatus.Queued);
        await ScheduleAsync(new { phone = "+14155550167", queue = "support", @in = new { minutes = 20 }, agentId = "alice", comment = "Wants a quote" });
        (await Stack.Api.PutAsJsonAsync("/api/contacts/dana", new { name = "Dana Whitfield", numbers = new[] { "+14155550142" }, types = new[] { "lead" } }))
            .EnsureSuccessStatusCode();

        var output = await BrowserScenario.RunAsync("axe-views", Stack.AppUrl,
            new Dictionary<string, string> { ["CONSOLE_CALLBACK_ID"] = lost.Id, ["CONSOLE_AGENT"] = "alice" });

        Assert.Contains("PASSED:", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The alert panel with the alert API's answers played by the scenario (its contract: 404 while nothing rings, the
    /// alert, 200 or 409 to a choice), for what the real API cannot show on cue: a countdown read at a known start, a
    /// keyboard accept checked for the body it posts, and a 409. <see cref="ConsoleAlertTests"/> drives the real one.
    /// </summary>
    [Fact]
    public async Task AgentAlert_PlayedFromItsContract_ShowsTheOffer_AcceptPostsIt_AndA409SaysItNoLongerRings()
    {
        await Stack.PutAgentAsync("alice", "Alice", "+14155550101", "support");

        var output = await BrowserScenario.RunAsync("alert-panel", Stack.AppUrl,
            new Dictionary<string, string> { ["CONSOLE_AGENT"] = "alice" }, functionKey: "key-" + Guid.NewGuid().ToString("N"));

        Assert.Contains("PASSED:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveViews_PollAtMostEvery2s_WithIfNoneMatch_AndNotWhileHidden()
    {
        await Stack.PutAgentAsync("alice", "Alice", "+14155550101", "support");

        var output = await BrowserScenario.RunAsync("polling", Stack.AppUrl);

        Assert.Contains("PASSED:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supervisor_AddsAContact_SeesTheApisMessageForABadNumber_ThenSavesIt()
    {
        await BrowserScenario.RunAsync("contact-edit", Stack.AppUrl);

        var saved = (await Stack.Api.GetFromJsonAsync<CallbackFunctions.Contacts.ContactView>("/api/contacts/jo-lee", TimelinePrinter.Json))!;
        Assert.Equal("Jo Lee", saved.Name);
        Assert.Equal(["+14155550152"], saved.Numbers);
        Assert.Equal(["lead", "customer"], saved.Types);
        Assert.Equal("spring", saved.Campaign);
    }

    private async Task<RuleView> RuleAsync() =>
        (await Stack.Api.GetFromJsonAsync<RuleView>("/api/rules/contact-center", TimelinePrinter.Json))!;
}
