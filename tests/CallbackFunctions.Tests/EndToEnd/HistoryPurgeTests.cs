using System.Net.Http.Json;
using System.Text.Json;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>A finished callback's Durable history (it holds phone numbers) is purged after the retention; its projection stays.</summary>
public sealed class HistoryPurgeTests : StackTestBase
{
    private const string Caller = "+14155550611";
    private const string OtherCaller = "+14155550612";

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with
    {
        Intervals = "00:01:00",
        ExtraSettings = new Dictionary<string, string?>
        {
            ["Callbacks:MinInterval"] = "00:00:01",
            ["Callbacks:HistoryRetention"] = "00:00:00",
            ["LocalHost:Timers:PurgeHistories"] = "00:00:01",
        },
    };

    [Fact]
    public async Task FinishedCallback_HistoryIsPurged_ALiveOneIsNot_AndTheCallbackStaysListed()
    {
        await CallInAsync(Caller);
        await CallInAsync(OtherCaller);
        var finished = Assert.Single(await CallbacksAsync(Caller)).Id;
        var live = Assert.Single(await CallbacksAsync(OtherCaller)).Id;
        var client = Stack.Service<DurableTaskClient>();
        // The webhook stores the callback, then starts its orchestration.
        foreach (var id in new[] { finished, live })
            await Eventually.GetAsync(() => client.GetInstanceAsync(id), i => i?.RuntimeStatus == OrchestrationRuntimeStatus.Running,
                TimeSpan.FromSeconds(10), $"{id}'s orchestration to run");

        (await Stack.Api.PostAsync($"/api/callbacks/{finished}/cancel", null)).EnsureSuccessStatusCode();

        await Eventually.GetAsync(() => client.GetInstanceAsync(finished), i => i is null, TimeSpan.FromSeconds(30), "the finished orchestration's history to be purged");
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(live))?.RuntimeStatus);
        Assert.Equal(CallbackStatus.Cancelled, (await DetailAsync(finished)).Status);
    }

    [Fact]
    public async Task CallbackDetail_HasTheListFieldsAtTheTopLevel_PlusItsTimeline()
    {
        await CallInAsync(Caller);
        var listed = (await Stack.Api.GetFromJsonAsync<JsonElement>("/api/callbacks?caller=" + Uri.EscapeDataString(Caller))).GetProperty("items")[0];

        var detail = await Stack.Api.GetFromJsonAsync<JsonElement>($"/api/callbacks/{listed.GetProperty("id").GetString()}");

        foreach (var field in listed.EnumerateObject())
            Assert.Equal(field.Value.ToString(), detail.GetProperty(field.Name).ToString());
        Assert.Equal(JsonValueKind.Array, detail.GetProperty("timeline").ValueKind);
        Assert.False(detail.TryGetProperty("callback", out _), "nothing is nested under 'callback'");
    }
}
