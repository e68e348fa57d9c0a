using System.Net;
using System.Net.Http.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Rules;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.Tests.Rules;

/// <summary>seed 001 lines, carrier pacing, and never two live calls to one number, end to end.</summary>
public sealed class LineTests : StackTestBase
{
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:00:02", Expiry = TimeSpan.FromMinutes(3) };

    private async Task SetLinesAsync(int maxLines, double callsPerSecond)
    {
        var response = await Stack.Api.PutAsJsonAsync("/api/account/lines", new { maxLines, callsPerSecond });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AgentsAsync(int count, string queue = "support")
    {
        for (var i = 0; i < count; i++)
        {
            var phone = $"+1415555{2000 + i:D4}";
            Agent(phone, digits: "1", ring: 0.2);
            await Stack.PutAgentAsync($"a{i:D2}", $"A{i:D2}", phone, queue);
        }
    }

    [Fact]
    public async Task TwentyCallbacksDueAtOnce_NeverUseMoreThanTheLineLimit_AndAllComplete()
    {
        await SetLinesAsync(maxLines: 5, callsPerSecond: 50);
        await AgentsAsync(20);
        var callers = Enumerable.Range(0, 20).Select(i => $"+1415555{3000 + i:D4}").ToList();
        foreach (var caller in callers) Customer(caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.2, TalkSeconds = 1 });

        await Task.WhenAll(callers.Select(c => CallInAsync(c)));
        foreach (var caller in callers) await WaitForStatusAsync(caller, CallbackStatus.Completed, TimeSpan.FromSeconds(90));

        Assert.InRange(Stack.Simulator.Stats.MaxConcurrentCalls, 1, 5);   // agent legs (each carries its customer leg)
        Assert.Equal(1, Stack.Simulator.Stats.MaxConcurrentPerNumber);
        var waited = 0;
        foreach (var c in await CallbacksAsync())
            if ((await DetailAsync(c.Id)).Timeline.Any(e => e.Reason.StartsWith("all 5 lines busy", StringComparison.Ordinal))) waited++;
        Assert.True(waited >= 10, $"only {waited} callbacks show a wait for a line");
        Assert.Empty(Stack.Simulator.Errors);
    }

    [Fact]
    public async Task CallsPerSecond_PacesNewCallsAcrossCallbacks()
    {
        await SetLinesAsync(maxLines: 15, callsPerSecond: 2);
        await AgentsAsync(6);
        var callers = Enumerable.Range(0, 6).Select(i => $"+1415555{4000 + i:D4}").ToList();
        foreach (var caller in callers) Customer(caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.2, TalkSeconds = 0.5 });

        await Task.WhenAll(callers.Select(c => CallInAsync(c)));
        foreach (var caller in callers) await WaitForStatusAsync(caller, CallbackStatus.Completed, TimeSpan.FromSeconds(60));

        var created = Stack.Simulator.Calls.Where(c => c.Direction == "outbound-api").Select(c => c.DateCreated).Order().ToList();
        Assert.Equal(6, created.Count);
        // 2 a second: six calls take five slots, 2.5 s. The first call's own save and REST latency can eat into that
        // span under load, never add to the rate, so allow it half a second.
        var span = created[^1] - created[0];
        Assert.True(span >= TimeSpan.FromSeconds(2.0), $"6 calls within {span.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task SameNumberInTwoQueues_IsNeverCalledTwiceAtOnce()
    {
        const string caller = "+14155555001";
        await AgentsAsync(1, "support");
        Agent("+14155552901", digits: "1", ring: 0.2);
        await Stack.PutAgentAsync("sales1", "Sales", "+14155552901", "sales");
        Customer(caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 2 });

        await Task.WhenAll(CallInAsync(caller, queue: "support"), CallInAsync(caller, queue: "sales"));
        await Eventually.GetAsync(async () => await CallbacksAsync(caller), all => all.Count == 2 && all.All(c => c.Status == CallbackStatus.Completed),
            TimeSpan.FromSeconds(60), "both callbacks to complete");

        Assert.Equal(1, Stack.Simulator.Stats.MaxConcurrentPerNumber);
        Assert.Equal(2, CallsTo(caller).Count);
    }

    private Task<HttpResponseMessage> PutUnknownCallersAsync(string json) =>
        Stack.Api.PutAsync("/api/account/unknown-callers", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    private static async Task<AccountView> AccountAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AccountView>(TimelinePrinter.Json))!;
    }

    private async Task<AccountView> AccountAsync() => (await Stack.Api.GetFromJsonAsync<AccountView>("/api/account", TimelinePrinter.Json))!;

    [Fact]
    public async Task UnknownCallers_IsIgnoreByDefault_TakesCreateContact_AndIsKeptByTheLinesAndAFreeze()
    {
        Assert.Equal("ignore", (await AccountAsync()).UnknownCallers);

        var saved = await AccountAsync(await PutUnknownCallersAsync("""{"unknownCallers": "createContact"}"""));
        Assert.Equal(("createContact", 15, 1.0), (saved.UnknownCallers, saved.MaxLines, saved.CallsPerSecond)); // the others kept

        await SetLinesAsync(maxLines: 4, callsPerSecond: 2);
        var frozen = await AccountAsync(await Stack.Api.PostAsync("/api/account/freeze", null));
        Assert.Equal(("createContact", 4, true), (frozen.UnknownCallers, frozen.MaxLines, frozen.Frozen));
        Assert.Equal(UnknownCallerPolicy.CreateContact, (await Stack.Service<RuleRepository>().ReadAsync(default)).Account!.Value.UnknownCallers);

        var back = await AccountAsync(await PutUnknownCallersAsync("""{"unknownCallers": "ignore"}"""));
        Assert.Equal(("ignore", 4, true), (back.UnknownCallers, back.MaxLines, back.Frozen)); // the lines and the freeze kept
        Assert.Equal(UnknownCallerPolicy.Ignore, (await Stack.Service<RuleRepository>().ReadAsync(default)).Account!.Value.UnknownCallers);
    }

    [Theory]
    [InlineData("""{"unknownCallers": "create"}""")]
    [InlineData("""{"unknownCallers": ""}""")]
    [InlineData("""{"unknownCallers": "CreateContacts"}""")]
    [InlineData("""{"unknownCallers": null}""")]
    [InlineData("""{}""")]
    [InlineData("""{"unknownCallers": true}""")]
    public async Task UnknownCallers_OtherThanTheTwoValues_Is400NamingTheField_AndChangesNothing(string body)
    {
        await PutUnknownCallersAsync("""{"unknownCallers": "createContact"}""");

        var response = await PutUnknownCallersAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unknownCallers", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("createContact", (await AccountAsync()).UnknownCallers);
    }

    [Fact]
    public async Task UnknownCallers_WithABadValue_NamesBothValues()
    {
        var response = await PutUnknownCallersAsync("""{"unknownCallers": "create"}""");

        var errors = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        var message = Assert.Single(errors.EnumerateObject(), e => e.Name == "unknownCallers").Value[0].GetString()!;
        Assert.Contains("ignore", message, StringComparison.Ordinal);
        Assert.Contains("createContact", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_OutOfBounds_Answer400()
    {
        var response = await Stack.Api.PutAsJsonAsync("/api/account/lines", new { maxLines = 16 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("maxLines", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var account = await Stack.Api.GetFromJsonAsync<AccountView>("/api/account", TimelinePrinter.Json);
        Assert.Equal(15, account!.MaxLines); // the default and the maximum (seed 001)
    }
}
