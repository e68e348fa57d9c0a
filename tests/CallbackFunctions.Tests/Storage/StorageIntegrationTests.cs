using System.Net.Http.Json;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Health;
using CallbackFunctions.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Tests.Storage;

/// <summary>The storage adapters against Azurite: projection steps, optimistic concurrency, holds, the failed-orchestration path.</summary>
public sealed class StorageIntegrationTests : StackTestBase
{
    // The watchdog frees holds whose callback does not exist: these tests hold agents for callbacks that never existed.
    protected override LocalStackOptions Configure(LocalStackOptions o) =>
        o with { ExtraSettings = new Dictionary<string, string?> { ["LocalHost:Timers:Watchdog"] = "01:00:00" } };

    private static Callback NewCallback(string id, DateTimeOffset now) => Callback.Create(
        new NewCallback(id, "support", "+14155550611", "+14155550100", CallbackOrigin.MissedCall, "CA" + new string('0', 32), "test"),
        new CallbackPolicy { Intervals = [TimeSpan.FromMinutes(5)] }, now).Callback;

    [Fact]
    public async Task AHoldFreedOverItsRememberedETag_AfterAnotherInstanceMovedIt_IsReadAgain_AndAnotherHoldersHoldStays()
    {
        var here = Stack.Service<HoldRepository>();
        var there = new HoldRepository(Stack.Service<StorageAccount>()); // another app instance on the same tables
        var key = "+1415555" + Random.Shared.Next(1000, 9999);

        Assert.True(await here.TryHoldAsync("number", key, "cb-a/1", default));
        await there.ReleaseAsync("number", key, "cb-a/1", default);        // freed elsewhere (the watchdog, say)
        Assert.True(await there.TryHoldAsync("number", key, "cb-b/1", default));
        await here.ReleaseAsync("number", key, "cb-a/1", default);         // a late, repeated release of the first hold

        Assert.Equal([(key, "cb-b/1")], await here.ListAsync("number", default));
        await here.ReleaseAsync("number", key, "cb-b/1", default);         // not taken here: read, then freed
        Assert.Empty(await here.ListAsync("number", default));
    }

    [Fact]
    public async Task ALiveRowRemovedOverItsRememberedETag_AfterANewerCallbackTookIt_StaysTheNewerOnes()
    {
        var here = Stack.Service<LiveCallbackIndex>();
        var there = new LiveCallbackIndex(Stack.Service<StorageAccount>());
        var caller = "+1415555" + Random.Shared.Next(1000, 9999);

        Assert.True(await here.TrySetAsync(caller, "support", "cb-old", null, default));
        var row = await there.GetAsync(caller, "support", default);
        Assert.True(await there.TrySetAsync(caller, "support", "cb-new", row!.ETag, default));
        await here.RemoveAsync(caller, "support", "cb-old", default);

        Assert.Equal("cb-new", (await here.GetAsync(caller, "support", default))!.Value);
        await here.RemoveAsync(caller, "support", "cb-new", default);
        Assert.Null(await here.GetAsync(caller, "support", default));
    }

    [Fact]
    public async Task APacer_SharedByTwoInstances_GivesEveryReservationItsOwnSlot()
    {
        var here = Stack.Service<HoldRepository>();
        var there = new HoldRepository(Stack.Service<StorageAccount>());
        var pacer = "test-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;

        // Alternating instances, each trying its own last reservation first: 1 per second means slots 0, 1, 2, ... s.
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++) waits.Add(await (i % 2 == 0 ? here : there).ReserveSlotAsync(pacer, 1, now, default));

        Assert.Equal(Enumerable.Range(0, 6).Select(i => TimeSpan.FromSeconds(i)), waits);
    }

    [Fact]
    public async Task CallbackProjection_StepsWrittenAgain_AreNotOverwritten_AndAnOlderStepNeverLands()
    {
        var repository = Stack.Service<CallbackRepository>();
        var id = "cb-steps-" + Guid.NewGuid().ToString("N")[..6];
        var created = NewCallback(id, DateTimeOffset.UtcNow);
        var etag0 = await repository.TryCreateAsync(created, default);
        Assert.NotNull(etag0);
        Assert.Null(await repository.TryCreateAsync(created, default)); // 409 is "exists" (a repeated webhook), not an error

        var step1 = created.CallNow(DateTimeOffset.UtcNow).Callback;
        var first = await repository.SaveStepAsync(step1, 1, etag0!.Value, default);
        Assert.True(first.Written);

        // The same step again (an activity run twice): the stored step stands, with its ETag.
        var again = await repository.SaveStepAsync(step1 with { Attempt = 9 }, 1, etag0.Value, default);
        Assert.False(again.Written);
        Assert.Equal(first.ETag, again.ETag);
        Assert.Equal(0, again.Stored.Attempt);

        // The next step lands on the ETag the first returned; a step older than what is stored is a bug, said loudly.
        Assert.True((await repository.SaveStepAsync(step1 with { Attempt = 1 }, 2, first.ETag, default)).Written);
        var stale = await Assert.ThrowsAsync<InvalidOperationException>(() => repository.SaveStepAsync(step1, 3, first.ETag, default));
        Assert.Contains("one writer", stale.Message);
        var run = await repository.GetRunAsync(id, default);
        Assert.Equal(2, run!.Version);
        Assert.Equal(1, run.State.Attempt);
    }

    [Fact]
    public async Task AgentDirectory_WithConcurrentOffers_HoldsEachAgentForOneOfferOnly()
    {
        // Many rounds: the double booking this guards against (an offer holding from a snapshot another offer here
        // had just moved) needs two offers to interleave at one spot, which a single round rarely hits.
        var repository = Stack.Service<AgentRepository>();
        var directory = Stack.Service<CallbackFunctions.Agents.AgentDirectory>();
        for (var round = 0; round < 12; round++)
        {
            var queue = $"dir{round}-" + Guid.NewGuid().ToString("N")[..6];
            for (var i = 0; i < 3; i++)
                await repository.TryAddAsync(new Agent { Id = $"{queue}-ag{i}", Name = $"A{i}", Phone = $"+1415555070{i}", Queues = [queue], Available = true }, default);
            directory.Invalidate();

            var held = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], $"{queue}/cb{i}/1", default))));

            var agents = held.Where(a => a is not null).Select(a => a!.Id).ToList();
            Assert.Equal(3, agents.Distinct().Count());
            Assert.Equal(3, agents.Count);
            var stored = (await repository.ListAsync(default)).Where(a => a.Value.Queues.Contains(queue)).ToList();
            Assert.All(stored, a => Assert.NotNull(a.Value.HeldBy));
            // Each winner's hold is the one stored: nobody's hold was written over.
            Assert.Equal(held.Where(a => a is not null).Select(a => (a!.Id, a.HeldBy)).Order(), stored.Select(a => (a.Value.Id, a.Value.HeldBy)).Order());
        }
    }

    /// <summary>
    /// Available agents <c>{queue}-{suffix}</c> serving <paramref name="queue"/> alone, stored, and the directory told to
    /// read the agents again.
    /// </summary>
    private async Task<(AgentRepository Repository, CallbackFunctions.Agents.AgentDirectory Directory)> AgentsOfAsync(string queue,
        params (string Suffix, DateTimeOffset IdleSince, string? HeldBy)[] agents)
    {
        var repository = Stack.Service<AgentRepository>();
        foreach (var (suffix, idleSince, heldBy) in agents)
            await repository.TryAddAsync(new Agent { Id = $"{queue}-{suffix}", Name = suffix, Phone = "+14155550711", Queues = [queue], Available = true,
                IdleSince = idleSince, HeldBy = heldBy }, default);
        var directory = Stack.Service<CallbackFunctions.Agents.AgentDirectory>();
        directory.Invalidate();
        return (repository, directory);
    }

    [Fact]
    public async Task AgentDirectory_AnOfferRunAgain_GetsTheAgentItsEarlierRunHeld_NotTheNextOne()
    {
        // Activities run at least once: the offer step retried after a fault that followed its hold looks for an agent
        // again. It must get the agent it holds (who waited longest), not hold the next one and leave the first held.
        var queue = "again-" + Guid.NewGuid().ToString("N")[..6];
        var now = DateTimeOffset.UtcNow;
        var (repository, directory) = await AgentsOfAsync(queue, ("longest", now.AddMinutes(-5), null), ("next", now, null));
        var holder = $"{queue}/cb/1";

        Assert.Equal($"{queue}-longest", (await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], holder, default))?.Id);
        Assert.Equal($"{queue}-longest", (await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], holder, default))?.Id);
        directory.Invalidate(); // and as the table has it (another instance's run, or a snapshot read since)
        Assert.Equal($"{queue}-longest", (await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], holder, default))?.Id);

        Assert.Null((await repository.GetAsync($"{queue}-next", default))!.Value.HeldBy);
        Assert.Equal(holder, (await repository.GetAsync($"{queue}-longest", default))!.Value.HeldBy);
        Assert.Equal($"{queue}-next", (await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], $"{queue}/other/1", default))?.Id);
    }

    [Fact]
    public async Task AgentDirectory_AnOfferRunAgain_AfterItsHoldWasFreedElsewhere_HoldsForReal_NotFromTheSnapshot()
    {
        var queue = "freed-" + Guid.NewGuid().ToString("N")[..6];
        var (repository, directory) = await AgentsOfAsync(queue, ("a", default, null));
        var holder = $"{queue}/cb/1";
        Assert.NotNull(await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], holder, default));

        // Another instance frees that hold (its watchdog, say); this instance's snapshot still shows it held.
        var stored = (await repository.GetAsync($"{queue}-a", default))!;
        Assert.NotNull(await repository.TryReplaceAsync(stored.Value with { HeldBy = null }, stored.ETag, default));

        Assert.Equal($"{queue}-a", (await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], holder, default))?.Id);
        Assert.Equal(holder, (await repository.GetAsync($"{queue}-a", default))!.Value.HeldBy);
    }

    [Fact]
    public async Task AgentDirectory_AnyFreeSince_ReadsTheStoreFromThatInstant_AndTheNextOfferUsesThatRead()
    {
        var queue = "since-" + Guid.NewGuid().ToString("N")[..6];
        var beforeRead = DateTimeOffset.UtcNow;
        var (repository, directory) = await AgentsOfAsync(queue, ("a", default, "elsewhere/1"));
        Assert.Null(await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], $"{queue}/cb/1", default)); // read: A is busy

        // Another instance frees A in the store; this instance's read still says busy.
        var stored = (await repository.GetAsync($"{queue}-a", default))!;
        Assert.NotNull(await repository.TryReplaceAsync(stored.Value.Release(DateTimeOffset.UtcNow), stored.ETag, default));

        Assert.False(await directory.AnyFreeSinceAsync(beforeRead, queue, ContactAccess.Anyone, [], default)); // that read will do
        Assert.False(await directory.AnyFreeSinceAsync(DateTimeOffset.UtcNow, queue, ContactAccess.Anyone, [$"{queue}-a"], default)); // A tried already
        Assert.True(await directory.AnyFreeSinceAsync(DateTimeOffset.UtcNow, queue, ContactAccess.Anyone, [], default));
        Assert.Equal($"{queue}-a", (await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], $"{queue}/cb/1", default))?.Id);
    }

    [Fact]
    public async Task AgentDirectory_AnAgentHeldButNotCalled_KeepsTheirPlace_OneReleasedAfterACallDoesNot()
    {
        var queue = "place-" + Guid.NewGuid().ToString("N")[..6];
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()); // as the table keeps it
        var (repository, directory) = await AgentsOfAsync(queue, ("longest", now.AddMinutes(-5), null), ("next", now, null));

        // An offer that held the longest idle agent, then was not made (it was not due yet, or another run's offer stood).
        Assert.Equal($"{queue}-longest", (await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], $"{queue}/cb/1", default))?.Id);
        Assert.Equal(now.AddMinutes(-5), (await directory.UnholdAsync($"{queue}-longest", $"{queue}/cb/1", default))?.IdleSince);
        Assert.Null(await directory.UnholdAsync($"{queue}-longest", $"{queue}/cb/1", default)); // again: nothing held, nothing changed
        Assert.Equal($"{queue}-longest", (await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], $"{queue}/cb/2", default))?.Id);

        // Called, the agent is free again from the end of the call: the other one has waited longer now.
        Assert.NotNull(await directory.ReleaseAsync($"{queue}-longest", $"{queue}/cb/2", default));
        Assert.Equal($"{queue}-next", (await directory.TryHoldFreeAgentAsync(queue, ContactAccess.Anyone, [], $"{queue}/cb/3", default))?.Id);
    }

    [Fact]
    public async Task AStepThatFails_SaysSoInAWarning_AndStillFails_SoDurableRunsItAgain()
    {
        // A callback the table does not have: its save step cannot write over it.
        var logs = new LogCapture();
        using var factory = new Microsoft.Extensions.Logging.LoggerFactory([logs]);
        var activities = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<CallbackActivities>(Stack.App.Services,
            new Microsoft.Extensions.Logging.Logger<CallbackActivities>(factory));
        var id = "cb-nowhere-" + Guid.NewGuid().ToString("N")[..6];
        var callback = NewCallback(id, DateTimeOffset.UtcNow);
        var run = new CallbackRun(callback, "W/\"datetime'2026-01-01T00%3A00%3A00Z'\"", 0);

        await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() => activities.Save(new SaveStep(run, callback.Cancel(CancelReason.Served, DateTimeOffset.UtcNow)), default));

        var warning = Assert.Single(logs.Entries, e => e.EventId.Id == 1026);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains($"Callback {id}: step {CallbackActivities.SaveCallback} failed (RequestFailedException: ", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoldRepository_ConcurrentHoldersOfOneKey_ExactlyOneWinsEachRound_AndAHoldIsReentrant()
    {
        var holds = Stack.Service<HoldRepository>();
        var key = "+1415555" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Never held before: the insert-first path.
        var first = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => holds.TryHoldAsync("number", key, $"cb{i}/1", default)));
        Assert.Single(first, won => won);
        var winner = $"cb{Array.IndexOf(first, true)}/1";
        Assert.True(await holds.TryHoldAsync("number", key, winner, default)); // re-entrant for the same offer
        Assert.False(await holds.TryHoldAsync("number", key, "someone-else/1", default));

        // Released: the row exists and is free, so the read-then-If-Match path.
        await holds.ReleaseAsync("number", key, winner, default);
        var second = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => holds.TryHoldAsync("number", key, $"cb{i}/2", default)));
        Assert.Single(second, won => won);

        // A row listed free is taken with its ETag in one request; whoever listed it too, and comes second, loses.
        await holds.ReleaseAsync("number", key, $"cb{Array.IndexOf(second, true)}/2", default);
        var free = (await holds.ListRowsAsync("number", default)).Single(r => r.Key == key);
        Assert.Equal("", free.Holder);
        Assert.True(await holds.TryHoldListedAsync("number", key, free.ETag, "listed/1", default));
        Assert.False(await holds.TryHoldListedAsync("number", key, free.ETag, "stale/1", default));
    }

    [Fact]
    public async Task Watchdog_LeavesTheHoldsOfAnOfferBeingMade_AndFreesThemOnceTheyOutliveIt()
    {
        // An offer holds its agent and the customer's number before it saves itself (under load, seconds before):
        // the watchdog must not take that for a leaked hold, or the agent is offered to someone else meanwhile.
        var repository = Stack.Service<CallbackRepository>();
        var agentRepository = Stack.Service<AgentRepository>();
        var directory = Stack.Service<CallbackFunctions.Agents.AgentDirectory>();
        var lines = Stack.Service<CallLines>();
        var client = Stack.Service<DurableTaskClient>();
        var id = "cb-making-" + Guid.NewGuid().ToString("N")[..6];
        var queued = NewCallback(id, DateTimeOffset.UtcNow);
        Assert.NotNull(await repository.TryCreateAsync(queued, default));
        await agentRepository.TryAddAsync(new Agent { Id = "ag-making", Name = "M", Phone = "+14155550799", Queues = ["support"], Available = true }, default);
        directory.Invalidate();
        var holder = CallbackFunctions.Domain.Agents.Agent.Holder(id, queued.Offer + 1);
        Assert.NotNull(await directory.TryHoldFreeAgentAsync("support", ContactAccess.Anyone, [], holder, default));
        Assert.True(await lines.TryHoldNumberAsync(queued.Caller, holder, default));

        var now = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<Watchdog>(Stack.App.Services);
        Assert.Equal(0, (await now.SweepAsync(client, default)).Released);
        Assert.Equal(holder, (await agentRepository.GetAsync("ag-making", default))!.Value.HeldBy);

        // The same holds, never followed by their offer, after the grace: leaked, freed.
        var later = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<Watchdog>(Stack.App.Services,
            new ShiftedTime(Watchdog.OfferBeingMade + TimeSpan.FromSeconds(5)));
        Assert.Equal(2, (await later.SweepAsync(client, default)).Released);
        Assert.Null((await agentRepository.GetAsync("ag-making", default))!.Value.HeldBy);
        Assert.Empty(await lines.AllHoldsAsync(default));
    }

    [Fact]
    public async Task ACallbackStoredButNeverStarted_IsStartedByTheWatchdog_AsTheCallersLiveOne()
    {
        // A missed-call webhook answers Twilio once the callback is stored and starts it after: a crash in between
        // leaves a stored callback with no orchestration and no live slot. The watchdog starts it as the caller's live
        // one (started without the slot, its first offer would take it for superseded and cancel it).
        const string caller = "+14155550977";
        var service = Stack.Service<CallbackFunctions.MissedCalls.MissedCallService>();
        var recorded = await service.RecordAsync(new CallbackFunctions.MissedCalls.CallbackRequest(caller, LocalStack.SupportNumber, "support",
            "CA" + Guid.NewGuid().ToString("N"), CallbackOrigin.IvrRequest, "callback requested in the IVR", TimeSpan.Zero, DateTimeOffset.UtcNow), default);
        var id = recorded.Callback!.Id;
        Assert.NotNull(recorded.ToStart);
        var client = Stack.Service<DurableTaskClient>();
        Assert.Null(await client.GetInstanceAsync(id));

        var watchdog = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<Watchdog>(Stack.App.Services, new ShiftedTime(TimeSpan.FromMinutes(5)));
        Assert.Equal(1, (await watchdog.SweepAsync(client, default)).Nudged);

        Assert.NotNull(await client.GetInstanceAsync(id));
        var (live, _, _) = await Stack.Service<LiveCallbackIndex>().ReadAsync(caller, "support", default);
        Assert.Equal(id, live);
        // No agent exists: its offer finds none and it waits for one, live, rather than ending superseded.
        var callbacks = Stack.Service<CallbackRepository>();
        var waiting = await Eventually.GetAsync(async () => (await callbacks.GetAsync(id, default))?.Value,
            c => c?.WaitingForAgent == true || c?.IsLive == false, TimeSpan.FromSeconds(30), "the callback's first offer");
        Assert.True(waiting!.IsLive, $"the callback ended {waiting.Status}: {waiting.Timeline[^1].Reason}");
    }

    [Fact]
    public async Task ALegEndReportedTwice_IsToldOnce_UnlessTellingTheFirstFailed()
    {
        var runs = Stack.Service<CallbackRuns>();
        var id = "cb-twice-" + Guid.NewGuid().ToString("N")[..6];
        var told = new List<object?>();
        var fail = true;
        var client = new Moq.Mock<DurableTaskClient>("counting");
        client.Setup(c => c.RaiseEventAsync(id, CallbackOrchestration.EventName, Moq.It.IsAny<object?>(), Moq.It.IsAny<CancellationToken>()))
            .Returns((string _, string _, object? payload, CancellationToken _) =>
            {
                if (fail) { fail = false; return Task.FromException(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "down"))); }
                told.Add(payload);
                return Task.CompletedTask;
            });

        // The first telling fails: the repeat (the leg's status callback after the Dial action) is told, then no more.
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => runs.SendAsync(client.Object, id, new CustomerLegEnded(1, TimeSpan.FromSeconds(30), "CA1"), default));
        await runs.SendAsync(client.Object, id, new CustomerLegEnded(1, TimeSpan.FromSeconds(30), "CA1"), default);
        await runs.SendAsync(client.Object, id, new CustomerLegEnded(1, TimeSpan.FromSeconds(30), "CA1"), default);
        await runs.SendAsync(client.Object, id, new CustomerNotReached(1, CustomerOutcome.NoAnswer, "CA1"), default);
        // A later attempt's leg, and events that are no leg outcome, are always told.
        await runs.SendAsync(client.Object, id, new CustomerLegEnded(2, TimeSpan.FromSeconds(30), "CA2"), default);
        await runs.SendAsync(client.Object, id, new AgentFreed(), default);
        await runs.SendAsync(client.Object, id, new AgentFreed(), default);

        Assert.Equal(4, told.Count);
        Assert.Equal(new CustomerLegEnded(1, TimeSpan.FromSeconds(30), "CA1"), told[0]);
        Assert.Equal(new CustomerLegEnded(2, TimeSpan.FromSeconds(30), "CA2"), told[1]);
    }

    [Fact]
    public async Task LegNewsForAFinalCallback_IsNotTold_ButAnAgentCallsEndAndLiveCallbacksNewsAre()
    {
        var runs = Stack.Service<CallbackRuns>();
        var repository = Stack.Service<CallbackRepository>();
        var now = DateTimeOffset.UtcNow;
        var final = "cb-final-" + Guid.NewGuid().ToString("N")[..6];
        var live = "cb-live-" + Guid.NewGuid().ToString("N")[..6];
        await repository.TryCreateAsync(NewCallback(final, now).Cancel(CancelReason.Served, now).Callback, default);
        await repository.TryCreateAsync(NewCallback(live, now), default);
        var told = new List<(string Id, object? Event)>();
        var client = new Moq.Mock<DurableTaskClient>("counting");
        client.Setup(c => c.RaiseEventAsync(Moq.It.IsAny<string>(), CallbackOrchestration.EventName, Moq.It.IsAny<object?>(), Moq.It.IsAny<CancellationToken>()))
            .Returns((string id, string _, object? payload, CancellationToken _) => { told.Add((id, payload)); return Task.CompletedTask; });

        // A final callback ignores a leg's news: a status callback's and a Dial action's are not told (nor spooled).
        await runs.SendOrSpoolAsync(client.Object, final, new CustomerLegEnded(1, TimeSpan.FromMinutes(3), SignedWebhooks.NewCallSid()));
        var preview = await runs.TellAsync(client.Object, final, new AgentAccepted(1), default);
        Assert.Equal(CallbackStatus.Cancelled, preview!.Callback.Status);
        // An agent call's end frees what the offer held (only the orchestration knows what): always told.
        await runs.SendOrSpoolAsync(client.Object, final, new AgentCallEnded(1));
        // A live callback's news is told.
        await runs.SendOrSpoolAsync(client.Object, live, new CustomerLegEnded(1, TimeSpan.FromMinutes(3), SignedWebhooks.NewCallSid()));

        Assert.Equal([final, live], told.Select(t => t.Id));
        Assert.IsType<AgentCallEnded>(told[0].Event);
        Assert.Equal(0, Stack.Service<CallbackFunctions.Spool.WebhookSpool>().Count);
    }

    private sealed class ShiftedTime(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }

    [Fact]
    public async Task WaitingLine_AgentsFreedTogether_WakeDifferentCallbacks_HeadOfTheLineFirst()
    {
        var waiting = Stack.Service<WaitingIndex>();
        var t0 = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        // Added out of order; the line is by the moment each waits since.
        foreach (var (id, minutes) in new[] { ("cb-e", 5), ("cb-a", 1), ("cb-c", 3), ("cb-b", 2), ("cb-d", 4) })
            await waiting.AddAsync("support", id, t0.AddMinutes(minutes), ContactAccess.Anyone, default);
        await waiting.AddAsync("sales", "cb-s", t0, ContactAccess.Anyone, default);
        // A privately owned contact's callback, first in line: only an agent with its ownership code wakes it.
        await waiting.AddAsync("support", "cb-private", t0, new ContactAccess(null, "owner-7"), default);
        Assert.Equal(["cb-private", "cb-a", "cb-b", "cb-c", "cb-d", "cb-e"], await waiting.ListAsync(["support"], default));

        var now = t0.AddHours(1);
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => waiting.ClaimHeadAsync(Serving("support"), 2, now, default))));
        var woken = claims.SelectMany(c => c).ToList();
        Assert.Equal(woken.Count, woken.Distinct().Count());
        Assert.Equal(["cb-a", "cb-b", "cb-c", "cb-d", "cb-e"], woken.Order());

        // Everyone was just woken: nobody again until that has had time to become an offer; then the head again.
        Assert.Empty(await waiting.ClaimHeadAsync(Serving("support"), 2, now.AddSeconds(1), default));
        Assert.Equal(["cb-a", "cb-b"], await waiting.ClaimHeadAsync(Serving("support"), 2, now + WaitingIndex.WokenFor + TimeSpan.FromSeconds(1), default));
        // An agent of two queues: their first queue's line first.
        Assert.Equal(["cb-s", "cb-c"], await waiting.ClaimHeadAsync(Serving("sales", "support"), 2, now + WaitingIndex.WokenFor + TimeSpan.FromSeconds(2), default));
        // The owner's agent wakes the private callback, head of the line.
        Assert.Equal(["cb-private", "cb-d"], await waiting.ClaimHeadAsync(Serving("support") with { OwnershipCodes = ["OWNER-7"] }, 2,
            now + WaitingIndex.WokenFor + TimeSpan.FromSeconds(3), default));
    }

    private static Agent Serving(params string[] queues) => new() { Id = "ag-" + queues[0], Name = "A", Phone = "+14155550700", Queues = [.. queues], Available = true };

    [Fact]
    public async Task AnOrchestrationThatFails_IsListedAsPoison_AndCountedInHealth()
    {
        // A callback orchestration started without its input fails at once.
        var client = Stack.Service<DurableTaskClient>();
        var id = "cb-broken-" + Guid.NewGuid().ToString("N")[..6];
        await client.ScheduleNewOrchestrationInstanceAsync(CallbackOrchestration.Name, null, new Microsoft.DurableTask.StartOrchestrationOptions(id));

        var report = await Eventually.GetAsync(() => Stack.Api.GetFromJsonAsync<PoisonReport>("/api/poison-messages")!,
            r => r!.Orchestrations.Any(o => o.InstanceId == id), TimeSpan.FromSeconds(30), "the failed orchestration to be listed");

        Assert.Single(report!.Orchestrations, o => o.InstanceId == id);
        var health = await Stack.Api.GetFromJsonAsync<HealthReport>("/api/health");
        Assert.Equal("Healthy", health!.Status);
        Assert.True(health.FailedOrchestrations >= 1);
    }
}
