using CallbackFunctions.Domain.Telephony;
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

    /// <param name="Plays">What the customer does in the script, in a few words.</param>
    public sealed record Outcome(string Caller, string Plays, CallbackStatus Expected, CallbackStatus? Actual);

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
        var script = new (string Caller, string Plays, CallbackStatus Expected)[]
        {
            (BusyThenAnswers, "busy on the first callback, answers the second", CallbackStatus.Completed),
            (CallsBackAndIsServed, "calls again at once and is served by an agent", CallbackStatus.Cancelled),
            (NeverAnswers, "never answers", CallbackStatus.Expired),
        };
        await output.WriteLineAsync("Agents Alice and Bob serve the 'support' queue; they answer after a second and press 1.");
        await output.WriteLineAsync("Three customers call and hang up in the queue. What each will do, and how their callback should end:");
        foreach (var (caller, plays, ends) in script)
            await output.WriteLineAsync($"  {PhoneMask.Mask(caller)}  {plays}: {ends}");
        await output.WriteLineAsync();

        await CallAsync(BusyThenAnswers, QueueOutcome.Hangup, ct);
        await CallAsync(CallsBackAndIsServed, QueueOutcome.Hangup, ct);
        await CallAsync(NeverAnswers, QueueOutcome.Hangup, ct);
        await output.WriteLineAsync("...and one of them calls again at once and is served by an agent.");
        await CallAsync(CallsBackAndIsServed, QueueOutcome.Bridged, ct);

        var expected = script.ToDictionary(s => s.Caller, s => s.Expected);
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
        return [.. script.Select(s => new Outcome(s.Caller, s.Plays, s.Expected, finals.TryGetValue(s.Caller, out var final) ? final : null))];
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
