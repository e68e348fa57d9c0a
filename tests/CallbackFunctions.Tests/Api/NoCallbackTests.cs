using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.LocalRun;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.Tests.Api;

/// <summary>
/// Issue 14 item 5: why a lost call made no callback (or why the callback it made waits) is kept where the webhook
/// decided it and read through <c>GET /api/no-callbacks</c>, as <c>./run.sh</c> prints it; a webhook Twilio repeats
/// leaves one entry, and a note that cannot be written changes nothing the caller hears.
/// </summary>
public sealed class NoCallbackTests : StackTestBase
{
    private const string Chicago = "+13125550112"; // libphonenumber maps 312 to America/Chicago only
    private readonly LogCapture _logs = new();

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with
    {
        Intervals = "00:05:00",
        Expiry = TimeSpan.FromMinutes(30),
        LogCapture = _logs,
        ConsoleLogs = false,
        MinimumLogLevel = LogLevel.Debug, // the note's own event (2009) says when each delivery's note was written
    };

    private async Task<NoCallbackList> ListAsync(string query = "") =>
        (await Stack.Api.GetFromJsonAsync<NoCallbackList>("/api/no-callbacks" + query, TimelinePrinter.Json))!;

    private List<LogCapture.Entry> Noted() => [.. _logs.Entries.Where(e => e.EventId.Id == 2009)];

    /// <summary>
    /// Posts a lost call's webhook as Twilio would, then again as Twilio repeats it (the same CallSid), and waits until
    /// both deliveries have written their note (each after its answer): the answers, and the entries of that call.
    /// </summary>
    private async Task<(string First, string Repeat, List<NoCallbackView> Entries)> LoseTwiceAsync(string pathAndQuery, string from,
        params (string Name, string Value)[] extra)
    {
        var callSid = SignedWebhooks.NewCallSid();
        var form = SignedWebhooks.InboundCall(from, callSid, extra.Length == 0 ? [("QueueResult", "hangup")] : extra);
        var before = Noted().Count;
        var first = await SignedWebhooks.PostAsync(Stack, pathAndQuery, form);
        var repeat = await SignedWebhooks.PostAsync(Stack, pathAndQuery, form);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        var noted = await Eventually.GetAsync(() => Task.FromResult(Noted()), n => n.Count >= before + 2, TimeSpan.FromSeconds(10), "both deliveries' notes");
        Assert.Single(noted.Skip(before), e => e.Message.Contains("earlier delivery: True", StringComparison.Ordinal));
        var entries = (await ListAsync()).Items.Where(n => n.CallSid == callSid).ToList();
        return (await first.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync(), entries);
    }

    private async Task PutRuleAsync(object body) =>
        (await Stack.Api.PutAsJsonAsync("/api/rules/contact-center", body)).EnsureSuccessStatusCode();

    [Fact]
    public async Task LostOutsideOpeningHours_IsListedOnce_WithTheRuleItsVersionAndTheCallersZone()
    {
        await PutRuleAsync(new { intervals = new[] { "00:05:00" }, schedule = new { weekdays = (object?)null, weekend = (object?)null } }); // closed all week

        var (first, repeat, entries) = await LoseTwiceAsync("api/twilio/missed-call?queue=support", Chicago);

        Assert.Contains("Goodbye", first, StringComparison.Ordinal);
        Assert.Equal(first, repeat);
        var entry = Assert.Single(entries);
        Assert.Equal(("outside-hours", "missed outside opening hours, contact-center rule v1, America/Chicago"), (entry.Code, entry.Reason));
        Assert.Equal((Chicago, "support", "missed-call", (string?)null), (entry.Caller, entry.Queue, entry.Route, entry.CallbackId));
        Assert.Empty(await CallbacksAsync());
    }

    [Fact]
    public async Task LostInAQueueNobodyServes_MakesItsCallback_AndIsListedOnceAsWaiting()
    {
        var (first, _, entries) = await LoseTwiceAsync("api/twilio/missed-call?queue=sales", Chicago);

        Assert.Contains("call you back", first, StringComparison.Ordinal);
        var callback = Assert.Single(await CallbacksAsync(Chicago));
        var entry = Assert.Single(entries);
        Assert.Equal(("queue-unserved", "no agent serves queue 'sales'", callback.Id), (entry.Code, entry.Reason, entry.CallbackId));
        Assert.Equal("sales", entry.Queue);
    }

    [Fact]
    public async Task LostWithoutAQueueInTheUrl_IsListedOnce()
    {
        var (first, _, entries) = await LoseTwiceAsync("api/twilio/missed-call", Chicago);

        Assert.Contains("Goodbye", first, StringComparison.Ordinal);
        var entry = Assert.Single(entries);
        Assert.Equal(("no-queue", "no ?queue= in the webhook URL and no Callbacks__DefaultQueue", (string?)null), (entry.Code, entry.Reason, entry.Queue));
    }

    [Fact]
    public async Task LostWhileTheRuleIsSwitchedOff_IsListedOnce_WithTheRulesVersion()
    {
        await PutRuleAsync(new { enabled = false, intervals = new[] { "00:05:00" } });

        var (_, _, entries) = await LoseTwiceAsync("api/twilio/missed-call?queue=support", Chicago);

        var entry = Assert.Single(entries);
        Assert.Equal(("rule-disabled", "the contact-center rule v1 is disabled"), (entry.Code, entry.Reason));
    }

    [Fact]
    public async Task LostOrAskedForInTheIvr_WhileTheAccountIsFrozen_IsListedOnceForEachRoute()
    {
        (await Stack.Api.PostAsync("/api/account/freeze", null)).EnsureSuccessStatusCode();

        var (_, _, lost) = await LoseTwiceAsync("api/twilio/missed-call?queue=support", Chicago);
        var (heard, _, asked) = await LoseTwiceAsync("api/twilio/ivr-callback?queue=support&delayMinutes=0", "+13125550113", ("CallStatus", "in-progress"));

        Assert.Equal(("account-frozen", "the account is frozen", "missed-call"), (Assert.Single(lost).Code, lost[0].Reason, lost[0].Route));
        Assert.Equal(("account-frozen", "ivr-callback"), (Assert.Single(asked).Code, asked[0].Route));
        Assert.Contains("cannot arrange a callback", heard, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("anonymous", "no number to call back: withheld caller ID")]
    [InlineData("12", "no number to call back: invalid phone number")]
    public async Task LostFromANumberWeCannotCall_IsListedOnce_WithWhatTwilioSent(string from, string reason)
    {
        var (first, _, entries) = await LoseTwiceAsync("api/twilio/missed-call?queue=support", from);

        Assert.Contains("could not take your call", first, StringComparison.Ordinal);
        var entry = Assert.Single(entries);
        Assert.Equal(("invalid-number", reason, from), (entry.Code, entry.Reason, entry.Caller));
    }

    [Fact]
    public async Task LostWithABadParameterInTheUrl_IsListedOnce_SayingWhich()
    {
        var (_, _, entries) = await LoseTwiceAsync("api/twilio/missed-call?queue=bad/queue", Chicago);

        var entry = Assert.Single(entries);
        Assert.Equal(("bad-url", "the webhook URL is wrong: queue 'bad/queue' is not a valid queue name", (string?)null), (entry.Code, entry.Reason, entry.Queue));
    }

    [Fact]
    public async Task LostAfterTheNotesTableWasDeleted_HearsTheSameAnswer_AndTheNoteIsWrittenToTheTableCreatedAgain()
    {
        await Stack.Service<CallbackFunctions.Storage.StorageAccount>().NoCallbacks.DeleteAsync();
        var callSid = SignedWebhooks.NewCallSid();

        var response = await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call",
            SignedWebhooks.InboundCall(Chicago, callSid, ("QueueResult", "hangup")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Sorry we missed your call. Goodbye.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var listed = await Eventually.GetAsync(async () => (await ListAsync()).Items, items => items.Any(n => n.CallSid == callSid),
            TimeSpan.FromSeconds(10), "the note, in the table created again");
        Assert.Equal("no-queue", Assert.Single(listed).Code);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 8004); // the table was said to be gone and created again
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Id == 2008);
    }

    [Fact]
    public async Task List_ReadsFromSince_OldestFirst_ByDefaultTheLastDay_AndNoFurtherBackThanTwoDays()
    {
        await LoseTwiceAsync("api/twilio/missed-call", Chicago);
        await LoseTwiceAsync("api/twilio/missed-call", "+13125550114");
        var all = await ListAsync();
        Assert.Equal(new[] { Chicago, "+13125550114" }, all.Items.Select(n => n.Caller));
        Assert.False(all.More);
        var (newer, older) = (all.Items[1], all.Items[0]);

        string Since(DateTimeOffset at) => "?since=" + Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(new[] { newer.Id }, (await ListAsync(Since(newer.At))).Items.Select(n => n.Id));          // inclusive
        Assert.Empty((await ListAsync(Since(newer.At.AddMilliseconds(1)))).Items);
        // An offset's '+' sent unescaped arrives as a space: still read as the offset.
        var plusOne = older.At.ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);
        Assert.Equal(2, (await ListAsync("?since=" + plusOne)).Items.Count);
        var longAgo = await ListAsync("?since=2020-01-01T00:00:00Z");
        Assert.Equal(2, longAgo.Items.Count);
        Assert.InRange(DateTimeOffset.UtcNow - longAgo.From, TimeSpan.FromHours(47.9), TimeSpan.FromHours(48.1));
        Assert.InRange(DateTimeOffset.UtcNow - all.From, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("1700000000")]
    public async Task List_WithASinceThatIsNoInstant_Answers400ProblemNamingIt(string since)
    {
        var response = await Stack.Api.GetAsync("/api/no-callbacks?since=" + Uri.EscapeDataString(since));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'since'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
