using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Queues;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Queues;

/// <summary>issue 15 "Contract and documentation": a queue's settings through GET, PUT and PATCH /api/queues/{name}.</summary>
public sealed class QueueSettingsTests : StackTestBase
{
    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string json, string contentType = "application/json") =>
        Stack.Api.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, contentType) });

    private static async Task<QueueSettingsView> ViewAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<QueueSettingsView>(TimelinePrinter.Json))!;
    }

    private async Task<QueueSettingsView> GetAsync(string queue) => await ViewAsync(await Stack.Api.GetAsync($"/api/queues/{queue}"));

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static void AssertDefaults(QueueSettingsView view)
    {
        Assert.Empty(view.Slots);
        Assert.Null(view.HoldMessage);
        Assert.Equal("00:02:00", view.PreferredAgentWait);
        Assert.Equal("00:10:00", view.RetryAfter);
        Assert.Null(view.MaxPending);
        Assert.Null(view.TimeZone);
        Assert.Equal("00:00:00", view.RejectCooldown);
        Assert.Equal("00:00:00", view.CompleteCooldown);
    }

    private const string Full = """
        {"slots": [{"at": "15:00", "capacity": 2}, {"at": "09:30", "capacity": 3}],
         "holdMessage": {"text": "Thanks for waiting.", "voice": "woman"},
         "preferredAgentWait": "00:05:00", "retryAfter": "00:30:00", "maxPending": 40, "timeZone": "America/Chicago",
         "rejectCooldown": "00:00:45", "completeCooldown": "01:00:00"}
        """;

    [Fact]
    public async Task Get_OfAQueueNeverConfigured_ShowsTheDefaults_AndItsAgents()
    {
        await Stack.PutAgentAsync("ann", "Ann", "+14155550101", "Support");

        var view = await GetAsync("support");

        Assert.Equal("support", view.Name);
        Assert.Equal(["ann"], view.Agents);
        Assert.False(view.Configured);
        AssertDefaults(view);
        AssertDefaults(await GetAsync("nobody-serves-this"));
    }

    [Fact]
    public async Task Put_ThenGet_ShowsWhatWasSaved_SlotsInTheOrderOfTheDay()
    {
        var saved = await ViewAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", Full));
        var view = await GetAsync("SUPPORT"); // one queue whatever the case

        Assert.Equivalent(saved, view);
        Assert.True(view.Configured);
        Assert.Equal(["09:30", "15:00"], view.Slots.Select(s => s.At));
        Assert.Equal([3, 2], view.Slots.Select(s => s.Capacity!.Value));
        Assert.Equal("Thanks for waiting.", view.HoldMessage!.Text);
        Assert.Equal("woman", view.HoldMessage.Voice);
        Assert.Equal("00:05:00", view.PreferredAgentWait);
        Assert.Equal("00:30:00", view.RetryAfter);
        Assert.Equal(40, view.MaxPending);
        Assert.Equal("America/Chicago", view.TimeZone);
        Assert.Equal("00:00:45", view.RejectCooldown);
        Assert.Equal("01:00:00", view.CompleteCooldown);
    }

    [Fact]
    public async Task Put_LeavingFieldsOut_ResetsThemToTheirDefaults()
    {
        await ViewAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", Full));

        var view = await ViewAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", """{"maxPending": 5}"""));

        Assert.Equal(5, view.MaxPending);
        Assert.True(view.Configured);
        AssertDefaults(view with { MaxPending = null });
        Assert.Equivalent(view, await GetAsync("support"));
    }

    [Fact]
    public async Task Patch_ChangesOnlyTheFieldsItNames_AndNullResetsOneToItsDefault()
    {
        await ViewAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", Full));

        var view = await ViewAsync(await SendAsync(HttpMethod.Patch, "/api/queues/support",
            """{"retryAfter": "00:15:00", "maxPending": null, "holdMessage": {"voice": "man"}}""", "application/merge-patch+json"));

        Assert.Equal("00:15:00", view.RetryAfter);
        Assert.Null(view.MaxPending);                                    // null: back to the default, no limit
        Assert.Equal("man", view.HoldMessage!.Voice);                    // an object is merged field by field
        Assert.Equal("Thanks for waiting.", view.HoldMessage.Text);
        Assert.Equal("00:05:00", view.PreferredAgentWait);               // not named: kept
        Assert.Equal("America/Chicago", view.TimeZone);
        Assert.Equal(["09:30", "15:00"], view.Slots.Select(s => s.At));
        Assert.Equal("00:00:45", view.RejectCooldown);
        Assert.Equivalent(view, await GetAsync("support"));

        // application/json is taken too; an unconfigured queue is patched from its defaults.
        var other = await ViewAsync(await SendAsync(HttpMethod.Patch, "/api/queues/sales", """{"slots": [{"at": "14:30", "capacity": 3}]}"""));
        Assert.Equal("14:30", Assert.Single(other.Slots).At);
        AssertDefaults(other with { Slots = [] });
    }

    [Fact]
    public async Task PutOrPatch_WithBadValues_AnswerEveryFieldsErrorAtOnce_AndChangeNothing()
    {
        var before = await ViewAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", Full));
        const string bad = """
            {"slots": [{"at": "25:00", "capacity": 1}, {"at": "10:00", "capacity": 0}, {"at": "10:00"}],
             "holdMessage": {"audioUrl": "hold.mp3"}, "preferredAgentWait": "02:00:00", "retryAfter": "soon",
             "maxPending": 0, "timeZone": "Mars/Olympus_Mons", "rejectCooldown": "01:00:01", "completeCooldown": "a while"}
            """;

        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch })
        {
            var errors = (await ProblemAsync(await SendAsync(method, "/api/queues/support", bad))).GetProperty("errors");
            // The third slot is both at 10:00 again and without its capacity.
            Assert.Equal(
                ["completeCooldown", "holdMessage", "maxPending", "preferredAgentWait", "rejectCooldown", "retryAfter", "slots[0].at", "slots[1].capacity",
                    "slots[2].at", "slots[2].capacity", "timeZone"],
                errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        }
        Assert.Equivalent(before, await GetAsync("support"));
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("01:00:01")]
    [InlineData("1.00:00:00")]
    [InlineData("soon")]
    [InlineData("")]
    public async Task Cooldowns_OutOfBoundsOrNotADuration_AreRefusedNamingTheField(string value)
    {
        foreach (var field in new[] { "rejectCooldown", "completeCooldown" })
        {
            var errors = (await ProblemAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", $$"""{"{{field}}": "{{value}}"}"""))).GetProperty("errors");
            var message = Assert.Single(errors.EnumerateObject(), e => e.Name == field).Value[0].GetString()!;
            Assert.True(message.Contains("01:00:00", StringComparison.Ordinal) || message.Contains("not a duration", StringComparison.Ordinal), message);
        }
        Assert.False((await GetAsync("support")).Configured);
    }

    [Fact]
    public async Task Cooldowns_PatchedAlone_KeepTheOtherSettings_AndNullResetsToNone()
    {
        await ViewAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", Full));

        var view = await ViewAsync(await SendAsync(HttpMethod.Patch, "/api/queues/support", """{"rejectCooldown": "00:02:00", "completeCooldown": null}""",
            "application/merge-patch+json"));

        Assert.Equal(("00:02:00", "00:00:00"), (view.RejectCooldown, view.CompleteCooldown));
        Assert.Equal("00:05:00", view.PreferredAgentWait);
        var stored = (await Stack.Service<CallbackFunctions.Storage.QueueSettingsRepository>().GetAsync("support", default))!.Value;
        Assert.Equal(new CallbackFunctions.Domain.Agents.CooldownSettings(TimeSpan.FromMinutes(2), TimeSpan.Zero), stored.Cooldowns);
    }

    [Fact]
    public async Task PutOrPatch_WithAnUnknownField_IsRefusedNamingIt_AndChangesNothing()
    {
        var before = await ViewAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", Full));

        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch })
        {
            var problem = await ProblemAsync(await SendAsync(method, "/api/queues/support", """{"maxPendng": 3, "slots": [{"at": "09:00", "capacity": 1, "days": "mon"}]}"""));
            Assert.Equal(["$.maxPendng", "$.slots[0].days"], problem.GetProperty("unknownFields").EnumerateArray().Select(e => e.GetString()));
        }
        Assert.Equivalent(before, await GetAsync("support"));
    }

    [Fact]
    public async Task Patch_NamingAFieldTwice_OrNotAnObject_IsRefused_AndChangesNothing()
    {
        var before = await ViewAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", Full));

        foreach (var patch in new[] { """{"maxPending": 1, "maxPending": 2}""", """{"holdMessage": {"text": "a", "text": "b"}}""", "[]", "null", "3" })
        {
            var response = await SendAsync(HttpMethod.Patch, "/api/queues/support", patch, "application/merge-patch+json");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{patch}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equivalent(before, await GetAsync("support"));
    }

    [Fact]
    public async Task EveryRoute_WithABadQueueName_Is400()
    {
        const string name = "not%20a%20queue";
        foreach (var response in new[]
        {
            await Stack.Api.GetAsync($"/api/queues/{name}"),
            await SendAsync(HttpMethod.Put, $"/api/queues/{name}", "{}"),
            await SendAsync(HttpMethod.Patch, $"/api/queues/{name}", "{}", "application/merge-patch+json"),
            await Stack.Api.DeleteAsync($"/api/queues/{name}"),
        })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("not a valid queue name", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Delete_ForgetsTheQueuesSettings()
    {
        await ViewAsync(await SendAsync(HttpMethod.Put, "/api/queues/support", Full));

        var deleted = await Stack.Api.DeleteAsync("/api/queues/support");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.True((await deleted.Content.ReadFromJsonAsync<QueueDeleted>(TimelinePrinter.Json))!.SettingsDeleted);

        var view = await GetAsync("support");
        Assert.False(view.Configured);
        AssertDefaults(view);
        // Deleted again: it had no settings left to delete.
        var again = await Stack.Api.DeleteAsync("/api/queues/support");
        Assert.False((await again.Content.ReadFromJsonAsync<QueueDeleted>(TimelinePrinter.Json))!.SettingsDeleted);
    }

    [Fact]
    public async Task DeletingAnAgentThatDoesNotExist_Answers404()
    {
        await Stack.PutAgentAsync("short-lived", "Short", "+14155550981", "support");
        Assert.Equal(HttpStatusCode.NoContent, (await Stack.Api.DeleteAsync("/api/agents/short-lived")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.Api.DeleteAsync("/api/agents/short-lived")).StatusCode);
    }
}
