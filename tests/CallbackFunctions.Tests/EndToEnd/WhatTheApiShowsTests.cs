using CallbackFunctions.Domain.Agents;
using System.Net.Http.Json;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// What the API shows after each step of a callback matches what its orchestration decided, whether it reads the
/// orchestration's custom status (a change made while the agent is on the line) or the table (written with that call's end).
/// </summary>
public sealed class WhatTheApiShowsTests : StackTestBase
{
    private const string AgentPhone = "+14155550821";
    private const string Caller = "+14155550822";

    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:00:01", Expiry = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task AfterEachStep_TheApiShowsTheOrchestrationsState_AndTheTableHasItOnceTheAgentsCallEnds()
    {
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        // Each step lasts long enough to be seen: the agent's phone rings 2 s, the customer's 2 s, they talk 4 s.
        Stack.Simulator.SetPerson(AgentPhone, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 2, Digits = "1", TalkSeconds = 4 }));
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 2, TalkSeconds = 4 });
        await CallInAsync(Caller);
        var id = (await Eventually.GetAsync(() => CallbacksAsync(Caller), c => c.Count == 1, TimeSpan.FromSeconds(10), "the callback")).Single().Id;
        var client = Stack.Service<DurableTaskClient>();
        var table = Stack.Service<CallbackRepository>();

        var seen = new List<CallbackStatus>();
        var sawCompletedBeforeTheTable = false;
        CallbackDetail detail;
        do
        {
            detail = await DetailAsync(id);
            if (seen.Count == 0 || seen[^1] != detail.Status) seen.Add(detail.Status);
            // The API's answer is the orchestration's own state, and the list with a status filter agrees with it.
            var shown = await CallbackReader.SnapshotAsync(client, id, default);
            if (shown is not null && shown.State.Timeline.Length == detail.Timeline.Count)
                Assert.Equal(shown.State.Status, detail.Status);
            var listed = (await Stack.Api.GetFromJsonAsync<CallbackPage>($"/api/callbacks?status={detail.Status}&caller={Uri.EscapeDataString(Caller)}", TimelinePrinter.Json))!;
            var stored = (await table.GetAsync(id, default))!.Value;
            if (detail.Status == CallbackStatus.Completed && stored.Status != CallbackStatus.Completed)
            {
                // Answered while the agent is still on the line: shown at once, written with the end of the agent's call.
                sawCompletedBeforeTheTable = true;
                Assert.Contains(listed.Items, i => i.Id == id && i.Status == CallbackStatus.Completed);
            }
            await Task.Delay(100);
        } while (!(detail.Status == CallbackStatus.Completed && (await table.GetAsync(id, default))!.Value.Status == CallbackStatus.Completed));

        Assert.Equal([CallbackStatus.Queued, CallbackStatus.DialingAgent, CallbackStatus.DialingCustomer, CallbackStatus.Completed], seen);
        Assert.True(sawCompletedBeforeTheTable, "the answer showed before the agent's call ended");
        // Once written, the table holds the same callback the API showed.
        var written = (await table.GetAsync(id, default))!.Value;
        Assert.Equal(detail.Timeline.Select(e => (e.To, e.Reason)), written.Timeline.Select(e => (e.To, e.Reason)));
    }

    [Fact]
    public async Task TheEndOfAnAgentsCall_HandledTwice_FreesNothingElse_AndRecordsTheOutcomeOnce()
    {
        await Stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
        Agent(AgentPhone);
        Customer(Caller, new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0.3, TalkSeconds = 0.5 });
        await CallInAsync(Caller);
        var done = await WaitForStatusAsync(Caller, CallbackStatus.Completed, TimeSpan.FromSeconds(30));
        var client = Stack.Service<DurableTaskClient>();
        var table = Stack.Service<CallbackRepository>();
        await Eventually.GetAsync(() => client.GetInstanceAsync(done.Id, false, default), i => i?.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            TimeSpan.FromSeconds(20), "the process to end");
        var before = (await table.GetRunAsync(done.Id, default))!;

        // The agent is offered another callback meanwhile (held by it), then the first call's end is handled again, as by
        // a second instance that never saw the first report.
        var agents = Stack.Service<Agents.AgentDirectory>();
        Assert.NotNull(await agents.TryHoldFreeAgentAsync("support", ContactAccess.Anyone, [], "cb-other/1", default));
        var again = await Stack.Service<CallbackSteps>().EndAgentCallAsync(client, new AgentCallEnded(1), done.Id, default);

        Assert.True(again.Ended.Released);
        Assert.False(again.Ended.FinalSaved);            // recorded already: not written again
        Assert.Equal(before.Version, (await table.GetRunAsync(done.Id, default))!.Version);
        Assert.Equal("cb-other/1", (await Stack.Service<AgentRepository>().GetAsync("agent", default))!.Value.HeldBy);
    }
}
