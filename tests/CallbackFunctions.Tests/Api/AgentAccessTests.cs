using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CallbackFunctions.Agents;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Api;

/// <summary>issue 16 §2 and §3: an agent's campaigns and ownership codes, and their cooldown, through /api/agents and storage.</summary>
public sealed class AgentAccessTests : StackTestBase
{
    private Task<HttpResponseMessage> PutAsync(string id, string json) =>
        Stack.Api.PutAsync($"/api/agents/{id}", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<AgentView> ViewAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<AgentView>(TimelinePrinter.Json))!;
    }

    private async Task<AgentView> GetAsync(string id) => await ViewAsync(await Stack.Api.GetAsync($"/api/agents/{id}"));

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
    }

    /// <summary>Sets the agent's cooldown as a reject or a completed callback would (the engine's part), over its ETag.</summary>
    private async Task CoolDownAsync(string id, DateTimeOffset until)
    {
        var repository = Stack.Service<AgentRepository>();
        var stored = (await repository.GetAsync(id, default))!;
        Assert.NotNull(await repository.TryReplaceAsync(stored.Value with { CooldownUntil = until }, stored.ETag, default));
    }

    [Fact]
    public async Task Put_WithCampaignsAndOwnershipCodes_ShowsThemBack_InGetAndTheList()
    {
        var saved = await ViewAsync(await PutAsync("ann", """
            {"name": "Ann", "phone": "+14155550101", "queues": ["support"], "campaigns": ["spring-sale", "Renewals"], "ownershipCodes": ["owner.ann"]}
            """));

        Assert.Equal(["spring-sale", "Renewals"], saved.Campaigns);
        Assert.Equal(["owner.ann"], saved.OwnershipCodes);
        Assert.Null(saved.CooldownUntil);
        Assert.Equivalent(saved, await GetAsync("ann"));
        Assert.Equivalent(saved, Assert.Single((await Stack.Api.GetFromJsonAsync<List<AgentView>>("/api/agents", TimelinePrinter.Json))!));
    }

    [Fact]
    public async Task Put_LeavingCampaignsAndCodesOut_GivesNone_AndReplacesEarlierOnes()
    {
        await ViewAsync(await PutAsync("ann", """{"name": "Ann", "phone": "+14155550101", "queues": ["support"], "campaigns": ["a"], "ownershipCodes": ["b"]}"""));

        var view = await ViewAsync(await PutAsync("ann", """{"name": "Ann", "phone": "+14155550101", "queues": ["support"]}"""));

        Assert.Empty(view.Campaigns);
        Assert.Empty(view.OwnershipCodes);
        Assert.Equivalent(view, await GetAsync("ann"));
    }

    [Fact]
    public async Task Put_WithBadCampaignsOrCodes_NamesEveryField_WithTheOtherFieldsErrors_AndSavesNothing()
    {
        var tooMany = string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"c{i}\""));
        var errors = await ErrorsAsync(await PutAsync("ann", $$"""
            {"name": "", "phone": "+14155550101", "queues": ["support"], "campaigns": [{{tooMany}}],
             "ownershipCodes": ["ok", "-dash", "OK", "a/b", "{{new string('o', 65)}}", null]}
            """));

        Assert.Equal(["campaigns", "name", "ownershipCodes[1]", "ownershipCodes[2]", "ownershipCodes[3]", "ownershipCodes[4]", "ownershipCodes[5]"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains("at most 20", errors.GetProperty("campaigns")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("the same as ownershipCodes[0]", errors.GetProperty("ownershipCodes[2]")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("letters, digits", errors.GetProperty("ownershipCodes[1]")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.Api.GetAsync("/api/agents/ann")).StatusCode);

        // Twenty is the bound, not over it.
        var twenty = Enumerable.Range(0, 20).Select(i => $"c{i}").ToList();
        var saved = await ViewAsync(await Stack.Api.PutAsJsonAsync("/api/agents/ann",
            new { name = "Ann", phone = "+14155550101", queues = new[] { "support" }, campaigns = twenty, ownershipCodes = twenty }));
        Assert.Equal(twenty, saved.Campaigns);
        Assert.Equal(twenty, saved.OwnershipCodes);
    }

    [Fact]
    public async Task Put_WithCampaignsOfTheWrongType_IsRefusedNamingTheField()
    {
        var response = await PutAsync("ann", """{"name": "Ann", "phone": "+14155550101", "queues": ["support"], "campaigns": "spring-sale"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("campaigns", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CooldownUntil_IsShownWhileItRuns_KeptByPutAndAvailability_AndNullOncePast()
    {
        await Stack.PutAgentAsync("ann", "Ann", "+14155550101", "support");
        var now = Stack.Service<TimeProvider>().GetUtcNow();
        var until = now.AddHours(1);
        until = until.AddTicks(-(until.Ticks % TimeSpan.TicksPerMillisecond)); // a table stores it to the millisecond
        await CoolDownAsync("ann", until);

        Assert.Equal(until, (await GetAsync("ann")).CooldownUntil);
        var put = await ViewAsync(await PutAsync("ann", """{"name": "Ann B.", "phone": "+14155550101", "queues": ["support", "sales"], "campaigns": ["x"]}"""));
        Assert.Equal(until, put.CooldownUntil);
        await SetAvailableAsync("ann", false);
        Assert.Equal(until, (await GetAsync("ann")).CooldownUntil);
        Assert.Equal(until, (await Stack.Service<AgentRepository>().GetAsync("ann", default))!.Value.CooldownUntil);

        await CoolDownAsync("ann", Stack.Service<TimeProvider>().GetUtcNow().AddSeconds(-1));
        Assert.Null((await GetAsync("ann")).CooldownUntil);
        Assert.Null(Assert.Single((await Stack.Api.GetFromJsonAsync<List<AgentView>>("/api/agents", TimelinePrinter.Json))!).CooldownUntil);
    }

    [Fact]
    public async Task Repository_StoresAndReadsCampaignsCodesAndCooldown_ThroughAddAndReplace()
    {
        var repository = Stack.Service<AgentRepository>();
        var until = new DateTimeOffset(2026, 12, 6, 10, 0, 30, TimeSpan.Zero);
        var agent = new Agent
        {
            Id = "stored", Name = "S", Phone = "+14155550102", Queues = ["support"], Available = true,
            Campaigns = ["spring-sale", "renewals"], OwnershipCodes = ["owner.1"], CooldownUntil = until,
        };

        Assert.NotNull(await repository.TryAddAsync(agent, default));
        var read = (await repository.GetAsync("stored", default))!;
        Assert.Equal<string>(["spring-sale", "renewals"], read.Value.Campaigns);
        Assert.Equal<string>(["owner.1"], read.Value.OwnershipCodes);
        Assert.Equal(until, read.Value.CooldownUntil);

        // A hold and a release write the agent again: what they do not change stays.
        Assert.NotNull(await repository.TryReplaceAsync(read.Value.Hold("cb-1/1"), read.ETag, default));
        var held = (await repository.GetAsync("stored", default))!.Value;
        Assert.Equal((until, "cb-1/1"), (held.CooldownUntil, held.HeldBy));
        Assert.Equal<string>(["spring-sale", "renewals"], held.Campaigns);

        var cleared = (await repository.GetAsync("stored", default))!;
        Assert.NotNull(await repository.TryReplaceAsync(cleared.Value with { Campaigns = [], OwnershipCodes = [], CooldownUntil = null }, cleared.ETag, default));
        var none = (await repository.GetAsync("stored", default))!.Value;
        Assert.Empty(none.Campaigns);
        Assert.Empty(none.OwnershipCodes);
        Assert.Null(none.CooldownUntil);
    }
}
