using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.LocalRun;

/// <summary>
/// The scripted day of <c>./run.sh demo</c>, also run by the end-to-end tests: a caller who hangs up in the queue is
/// called back agent-first, is busy once, then answers (Completed); a caller who calls again and is served before the
/// callback (Cancelled); a caller who never answers (Expired).
/// </summary>
public sealed class DemoDay(LocalStack stack, TextWriter output)
{
    public const string Queue = "support";
    public const string Alice = "+14155550101";
    public const string Bob = "+14155550102";
    public const string BusyThenAnswers = "+14155550111";
    public const string CallsBackAndIsServed = "+14155550122";
    public const string NeverAnswers = "+14155550133";

    public sealed record Outcome(string Caller, CallbackStatus Expected, CallbackStatus? Actual);

    public async Task<IReadOnlyList<Outcome>> RunAsync(TimeSpan timeout, CancellationToken ct)
    {
        var sim = stack.Simulator;
        // Agents answer after a second and press 1 to connect.
        foreach (var agent in new[] { Alice, Bob })
            sim.SetPerson(agent, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 1, Digits = "1", TalkSeconds = 2 }));
        sim.SetPerson(BusyThenAnswers, new PersonScript(
            new PersonResponse { Answer = PersonAnswer.Busy, RingSeconds = 1 },
            new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 1, TalkSeconds = 2 }));
        sim.SetPerson(NeverAnswers, new PersonScript(new PersonResponse { Answer = PersonAnswer.NoAnswer, RingSeconds = 60 }));
        await stack.PutAgentAsync("alice", "Alice", Alice, Queue);
        await stack.PutAgentAsync("bob", "Bob", Bob, Queue);
        await output.WriteLineAsync("Agents Alice and Bob serve the 'support' queue. Three customers call and hang up in the queue...");

        await CallAsync(BusyThenAnswers, QueueOutcome.Hangup, ct);
        await CallAsync(CallsBackAndIsServed, QueueOutcome.Hangup, ct);
        await CallAsync(NeverAnswers, QueueOutcome.Hangup, ct);
        await output.WriteLineAsync("...and one of them calls again at once and is served by an agent.");
        await CallAsync(CallsBackAndIsServed, QueueOutcome.Bridged, ct);

        var expected = new Dictionary<string, CallbackStatus>
        {
            [BusyThenAnswers] = CallbackStatus.Completed,
            [CallsBackAndIsServed] = CallbackStatus.Cancelled,
            [NeverAnswers] = CallbackStatus.Expired,
        };
        var printer = new TimelinePrinter(stack.Api, output);
        var clock = Stopwatch.StartNew();
        Dictionary<string, CallbackStatus> finals = [];
        while (clock.Elapsed < timeout)
        {
            await printer.PrintNewAsync(ct);
            finals = await FinalStatusByCallerAsync(ct);
            if (expected.Keys.All(finals.ContainsKey)) break;
            await Task.Delay(250, ct);
        }
        return [.. expected.Select(kv => new Outcome(kv.Key, kv.Value, finals.TryGetValue(kv.Key, out var s) ? s : null))];
    }

    private Task CallAsync(string from, QueueOutcome outcome, CancellationToken ct) => stack.CallInAsync(from, outcome, Queue, 0.5, ct);

    /// <summary>The newest terminal callback of each caller (a superseded one ends Cancelled too; the newest decides).</summary>
    private async Task<Dictionary<string, CallbackStatus>> FinalStatusByCallerAsync(CancellationToken ct)
    {
        var result = new Dictionary<string, CallbackStatus>();
        var page = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<Callbacks.CallbackPage>(stack.Api,
            "/api/callbacks?pageSize=1000", TimelinePrinter.Json, ct);
        foreach (var group in (page?.Items ?? []).GroupBy(c => c.Caller))
        {
            var newest = group.OrderByDescending(c => c.CreatedAt).First();
            if (newest.Status.IsTerminal()) result[group.Key] = newest.Status;
        }
        return result;
    }
}
