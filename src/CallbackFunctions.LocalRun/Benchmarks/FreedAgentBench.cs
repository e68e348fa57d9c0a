using System.Diagnostics;
using System.Net.Http.Json;
using CallbackFunctions.Storage;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// seed 000: when an agent becomes available, the callbacks waiting for one are offered first. Callbacks of a queue of
/// their own wait for an agent (every agent of the queue is unavailable); then, one at a time, an agent is made
/// available (<c>PUT /api/agents/{id}/availability {"available":true}</c>) and the time is taken from the PUT's answer to
/// the moment the simulator created that agent's call. The agent is made unavailable again as soon as their call is
/// seen, so that when it ends they do not take the next waiting callback (their customer talks for a few seconds, which
/// leaves time for that).
/// </summary>
public sealed class FreedAgentBench(LocalStack stack, BenchStorage storage)
{
    public const string Queue = "freed";

    /// <summary>Customers of this phase talk this long, so a freed agent is still on the call when made unavailable again.</summary>
    public const double TalkSeconds = 3;

    /// <param name="PutMs">The PUT itself, sent to answered (the app wakes the two longest-waiting callbacks before it answers).</param>
    /// <param name="AfterAnswerMs">The PUT's answer to the agent's call at the simulator (null: no call within the wait).</param>
    /// <param name="Waiting">Callbacks waiting for an agent when the agent was freed.</param>
    public sealed record Sample(int Index, double PutMs, double? AfterAnswerMs, int Waiting);

    public static string AgentId(int index) => $"freed{index:D3}";

    public sealed record Result(IReadOnlyList<Sample> Samples, int Created, int WaitingAtStart, TimeSpan UntilAllWaiting, int CallsToFreedAgents, TimeSpan Took);

    public async Task<Result> RunAsync(IReadOnlyList<string> agentPhones, IReadOnlyList<string> callers, int samples, TimeSpan pause, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var agentIds = Enumerable.Range(0, samples).Select(AgentId).ToList();
        foreach (var phone in agentPhones.Take(samples))
            stack.Simulator.SetPerson(phone, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 0, Digits = "1", TalkSeconds = 0.2 }));
        DueCallbacksBench.ScriptCustomers(stack, callers, TalkSeconds);
        for (var i = 0; i < samples; i++)
        {
            await stack.PutAgentAsync(agentIds[i], $"Freed {i}", agentPhones[i], Queue);
            await SetAvailableAsync(agentIds[i], false, ct);
        }

        // The callbacks come due at once; finding no free agent of their queue, each waits for one.
        var due = new DueCallbacksBench(stack, storage);
        var at = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(2);
        await due.CreateAsync(Queue, callers, _ => at, ct);
        var waitingIndex = stack.Service<WaitingIndex>();
        var untilWaiting = Stopwatch.StartNew();
        var waiting = 0;
        while (untilWaiting.Elapsed < TimeSpan.FromSeconds(60))
        {
            waiting = (await waitingIndex.ListAsync([Queue], ct)).Count;
            if (waiting >= callers.Count) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
        var untilAllWaiting = untilWaiting.Elapsed;

        var result = new List<Sample>();
        for (var i = 0; i < samples; i++)
        {
            var nowWaiting = (await waitingIndex.ListAsync([Queue], ct)).Count;
            var phone = agentPhones[i];
            var sent = Stopwatch.StartNew();
            await SetAvailableAsync(agentIds[i], true, ct);
            var answered = TimeProvider.System.GetUtcNow();
            var putMs = sent.Elapsed.TotalMilliseconds;
            double? afterAnswer = null;
            try
            {
                var call = await stack.Simulator.WaitForCallAsync(c => c.Direction == "outbound-api" && c.To == phone, TimeSpan.FromSeconds(15));
                afterAnswer = (call.DateCreated - answered).TotalMilliseconds;
            }
            catch (TimeoutException)
            {
                // no call within the wait: a miss
            }
            await SetAvailableAsync(agentIds[i], false, ct);
            result.Add(new Sample(i, putMs, afterAnswer, nowWaiting));
            await Task.Delay(pause, ct);
        }
        var phones = agentPhones.Take(samples).ToHashSet(StringComparer.Ordinal);
        var calls = stack.Simulator.Calls.Count(c => c.Direction == "outbound-api" && phones.Contains(c.To));
        return new Result(result, callers.Count, waiting, untilAllWaiting, calls, clock.Elapsed);
    }

    private async Task SetAvailableAsync(string agentId, bool available, CancellationToken ct)
    {
        using var response = await stack.Api.PutAsJsonAsync($"/api/agents/{agentId}/availability", new { available }, ct);
        response.EnsureSuccessStatusCode();
    }
}
