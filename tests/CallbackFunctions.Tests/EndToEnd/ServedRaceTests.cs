using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>
/// A served call races a callback's start: lost call, then served call, played many times in a row with the start at
/// each point between storing, starting and the first episode. Runs alone: it measures how soon each cancel shows.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ServedRaceTests : StackTestBase
{
    /// <summary>Where the callback's start is when the served call comes.</summary>
    public enum StartPoint
    {
        /// <summary>Stored, not started: no live slot, no orchestration.</summary>
        Stored,
        /// <summary>The served call runs alongside the start, begun a given number of milliseconds after it.</summary>
        Starting,
        /// <summary>Started (the instance exists); its first episode may not have run.</summary>
        Started,
        /// <summary>Its first episode has run.</summary>
        Running,
    }

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AServedCall_AtEveryPointOfACallbacksStart_CancelsItWithinTwoSeconds_EveryTime()
    {
        var service = Stack.Service<MissedCallService>();
        var client = Stack.Service<DurableTaskClient>();
        var store = Stack.Service<CallbackRepository>();
        var plays = new List<(StartPoint Point, int Offset)>();
        foreach (var point in new[] { StartPoint.Stored, StartPoint.Started, StartPoint.Running })
            for (var i = 0; i < 10; i++) plays.Add((point, 0));
        for (var offset = 0; offset < 40; offset += 2) plays.Add((StartPoint.Starting, offset));

        var late = new List<string>();
        var number = 0;
        foreach (var (point, offset) in plays)
        {
            // Due in 10 minutes: only the served call can cancel it within the test.
            var caller = $"+1415555{1000 + number++:D4}";
            var recorded = await service.RecordAsync(new CallbackRequest(caller, LocalStack.SupportNumber, "support", "CA" + Guid.NewGuid().ToString("N"),
                CallbackOrigin.IvrRequest, "callback requested in the IVR for 10 minutes later", TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow), default);
            var id = recorded.Callback!.Id;
            var clock = Stopwatch.StartNew();
            var served = TimeSpan.Zero;
            Task Serve() => Task.Run(async () =>
            {
                served = clock.Elapsed;
                await service.CancelForCallerAsync(caller, CancelReason.Served, client, default);
            });
            switch (point)
            {
                case StartPoint.Stored:
                    await Serve();
                    await service.StartAsync(recorded.ToStart!, client, default);
                    break;
                case StartPoint.Starting:
                    var start = service.StartAsync(recorded.ToStart!, client, default);
                    await Task.Delay(offset);
                    await Task.WhenAll(start, Serve());
                    break;
                case StartPoint.Started:
                    await service.StartAsync(recorded.ToStart!, client, default);
                    await Serve();
                    break;
                case StartPoint.Running:
                    await service.StartAsync(recorded.ToStart!, client, default);
                    await Eventually.GetAsync(() => client.GetInstanceAsync(id, false, default),
                        i => i?.RuntimeStatus == OrchestrationRuntimeStatus.Running, TimeSpan.FromSeconds(20), "the orchestration to run");
                    await Serve();
                    break;
            }

            // Nothing can act on a callback before its orchestration first runs. The backend puts back for 2 s a start
            // it happened to see before the instance's row was written, so the clock runs from the served call or from
            // that first run, whichever is later.
            TimeSpan? ran = null;
            var cancelled = false;
            while (clock.Elapsed - served < TimeSpan.FromSeconds(15))
            {
                if (ran is null && await client.GetInstanceAsync(id, false, default) is { RuntimeStatus: not OrchestrationRuntimeStatus.Pending })
                    ran = clock.Elapsed;
                if ((await store.GetAsync(id, default))?.Value.Status == CallbackStatus.Cancelled)
                {
                    cancelled = true;
                    break;
                }
                await Task.Delay(10);
            }
            var from = ran is { } r && r > served ? r : served;
            var took = clock.Elapsed - from;
            if (!cancelled) late.Add($"{point} +{offset} ms: {caller} never cancelled (its orchestration {(ran is null ? "never ran" : "ran")})");
            else if (took > Limit) late.Add($"{point} +{offset} ms: {caller} cancelled {took.TotalMilliseconds:0} ms after the served call or its first run");
        }

        Assert.True(late.Count == 0, $"{late.Count} of {plays.Count} callbacks were not cancelled in time:\n{string.Join("\n", late)}");
    }
}
