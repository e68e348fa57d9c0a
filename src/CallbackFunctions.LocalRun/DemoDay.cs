using System.Globalization;
using System.Net.Http.Json;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.TwilioSimulator;

namespace CallbackFunctions.LocalRun;

/// <summary>
/// The scripted day of <c>./run.sh demo</c>, also run by the end-to-end tests, in three parts. Lost calls: a caller who
/// hangs up in the queue is called back agent-first, is busy once, then answers (Completed); a caller who calls again
/// and is served before the callback (Cancelled); a caller who never answers (Expired). Press 1: with both agents away,
/// a caller presses 1 in the queue and a newer one hangs up behind them; the one who pressed 1 keeps their place and is
/// called back first (both Completed). Scheduled: Alice schedules a callback with a comment, which she hears in her
/// whisper (Completed). Contacts: a private contact's callback rings only the agent with her ownership code, and Bob's
/// reject hands a callback to Alice (both Completed).
/// </summary>
public sealed class DemoDay(LocalStack stack, TextWriter output, TimeProvider? time = null)
{
    public const string Queue = "support";
    public const string Alice = "+14155550101";
    public const string Bob = "+14155550102";
    public const string BusyThenAnswers = "+14155550111";
    public const string CallsBackAndIsServed = "+14155550122";
    public const string NeverAnswers = "+14155550133";
    public const string PressesOne = "+14155550144";
    public const string LostBehind = "+14155550155";
    public const string ScheduledByAlice = "+14155550166";
    public const string Comment = "Asked about the renewal";
    /// <summary>A private contact of Alice's book: Bob has waited longer, but only Alice may call her back.</summary>
    public const string PrivateContact = "+14155550177";
    public const string PrivateName = "Carla Diaz";
    /// <summary>Bob, idle longest, is offered their callback and rejects it (2): Alice takes it; Bob cools down.</summary>
    public const string RejectedByBob = "+14155550188";

    /// <param name="Plays">What the customer does in the script, in a few words.</param>
    /// <param name="Unscripted">What went otherwise than scripted besides the status (the order of the line, the whisper); null: nothing.</param>
    public sealed record Outcome(string Caller, string Plays, CallbackStatus Expected, CallbackStatus? Actual, string? Unscripted = null)
    {
        public bool AsScripted => Actual == Expected && Unscripted is null;
    }

    private readonly TextWriter _output = TextWriter.Synchronized(output);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, string> _unscripted = [];

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
        foreach (var customer in new[] { PressesOne, LostBehind, ScheduledByAlice, PrivateContact, RejectedByBob })
            sim.SetPerson(customer, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 1, TalkSeconds = 2 }));
        await stack.PutAgentAsync("alice", "Alice", Alice, Queue);
        await stack.PutAgentAsync("bob", "Bob", Bob, Queue);
        var script = new (string Caller, string Plays, CallbackStatus Expected)[]
        {
            (BusyThenAnswers, "hangs up in the queue; busy on the first callback, answers the second", CallbackStatus.Completed),
            (CallsBackAndIsServed, "hangs up in the queue, calls again at once and is served by an agent", CallbackStatus.Cancelled),
            (NeverAnswers, "hangs up in the queue, never answers", CallbackStatus.Expired),
            (PressesOne, "presses 1 in the queue; keeps their place and is called back first", CallbackStatus.Completed),
            (LostBehind, "enters the queue after them and hangs up; called back second", CallbackStatus.Completed),
            (ScheduledByAlice, $"Alice schedules a callback for a few seconds ahead, noting \"{Comment}\"", CallbackStatus.Completed),
            (PrivateContact, $"{PrivateName}, a private contact of Alice's book, hangs up in the queue; only Alice may call her back", CallbackStatus.Completed),
            (RejectedByBob, "hangs up in the queue; Bob rejects the callback (2) and Alice takes it", CallbackStatus.Completed),
        };
        await _output.WriteLineAsync("Agents Alice and Bob serve the 'support' queue; they answer after a second and press 1.");
        await _output.WriteLineAsync($"{script.Length} customers. What each will do, and how their callback should end:");
        foreach (var (caller, plays, ends) in script)
            await _output.WriteLineAsync($"  {PhoneMask.Mask(caller)}  {plays}: {ends}");
        await _output.WriteLineAsync();

        using var day = CancellationTokenSource.CreateLinkedTokenSource(ct);
        day.CancelAfter(timeout);
        using var printing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var printer = new TimelinePrinter(stack.Api, _output, _time);
        var printed = printer.RunAsync(printing.Token);
        try
        {
            await LostCallsAsync(day.Token);
            await PressOneAsync(day.Token);
            await ScheduledAsync(day.Token);
            await ContactsAsync(day.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            await _output.WriteLineAsync(day.IsCancellationRequested ? $"The day ran out of its {timeout.TotalSeconds:0} s." : $"The day stalled: {e.Message}");
        }
        finally
        {
            await printing.CancelAsync();
            await printed;
        }
        await printer.PrintNewAsync(ct);

        var finals = await FinalStatusByCallerAsync(ct);
        return [.. script.Select(s => new Outcome(s.Caller, s.Plays, s.Expected, finals.TryGetValue(s.Caller, out var final) ? final : null,
            _unscripted.GetValueOrDefault(s.Caller)))];
    }

    /// <summary>Three customers hang up in the queue; one of them calls again and is served. Returns once all three have ended.</summary>
    private async Task LostCallsAsync(CancellationToken ct)
    {
        await _output.WriteLineAsync("Three customers call and hang up in the queue.");
        await CallAsync(BusyThenAnswers, QueueOutcome.Hangup, ct);
        await CallAsync(CallsBackAndIsServed, QueueOutcome.Hangup, ct);
        await CallAsync(NeverAnswers, QueueOutcome.Hangup, ct);
        await _output.WriteLineAsync("...and one of them calls again at once and is served by an agent.");
        await CallAsync(CallsBackAndIsServed, QueueOutcome.Bridged, ct);
        await UntilAsync(FinalStatusByCallerAsync, f => f.ContainsKey(BusyThenAnswers) && f.ContainsKey(CallsBackAndIsServed) && f.ContainsKey(NeverAnswers), ct);
    }

    /// <summary>
    /// Issue 15 §1: with both agents away, a caller presses 1 in the queue and a newer caller hangs up behind them (a lost
    /// call, due before the press-1 request). When the agents come back, the one who pressed 1 is offered first: the
    /// place in line is the moment each entered the queue.
    /// </summary>
    private async Task PressOneAsync(CancellationToken ct)
    {
        await _output.WriteLineAsync();
        await _output.WriteLineAsync("Alice and Bob step away. A customer waits in the queue and presses 1 at the third offer; a newer one enters after them and hangs up.");
        await SetAvailableAsync("alice", false, ct);
        await SetAvailableAsync("bob", false, ct);
        // A short hold message: the queue's offer ("press 1") comes round every few seconds instead of every 20.
        (await stack.Api.PatchAsync($"/api/queues/{Queue}", new StringContent("""{"holdMessage":{"text":"Please hold."}}""",
            System.Text.Encoding.UTF8, "application/merge-patch+json"), ct)).EnsureSuccessStatusCode();

        var pressing = await stack.Simulator.PlaceInboundCallAsync(new InboundCallRequest
        {
            From = PressesOne,
            To = LocalStack.SupportNumber,
            Twiml = $"<Response><Enqueue action=\"{stack.AppUrl}api/twilio/missed-call?queue={Queue}\" waitUrl=\"{stack.AppUrl}api/twilio/queue-wait?queue={Queue}\">{Queue}</Enqueue></Response>",
            QueueOutcome = QueueOutcome.Hangup,
            WaitSeconds = 30,
            Digits = ",,1",
        }, ct);
        await stack.Simulator.WaitForCallAsync(c => c.Sid == pressing.Sid && c.Queue == Queue, TimeSpan.FromSeconds(10), ct);
        // A place comes from Twilio's QueueTime, whole seconds: a caller two seconds behind is behind for certain.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await CallAsync(LostBehind, QueueOutcome.Hangup, ct);
        // Both wait for an agent; the press-1 caller has left the queue (so their phone is free for the callback).
        var (pressed, lost) = await UntilAsync(async t => (await WaitingAsync(PressesOne, t), await WaitingAsync(LostBehind, t)),
            w => w.Item1 is not null && w.Item2 is not null, ct);
        await stack.Simulator.WaitForCallAsync(c => c.Sid == pressing.Sid && c.EndTime is not null, TimeSpan.FromSeconds(20), ct);
        await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Both wait for an agent. In line: {PhoneMask.Mask(PressesOne)} (pressed 1) from {pressed!.Place.ToLocalTime():HH:mm:ss.fff}, "
            + $"{PhoneMask.Mask(LostBehind)} (lost call, due first) from {lost!.Place.ToLocalTime():HH:mm:ss.fff}. Alice and Bob are back."));

        // Each agent back wakes the head of the line and, 2 s later, the one behind it: the order is the line's.
        await SetAvailableAsync("alice", true, ct);
        await SetAvailableAsync("bob", true, ct);
        await UntilAsync(FinalStatusByCallerAsync, f => f.ContainsKey(PressesOne) && f.ContainsKey(LostBehind), ct);

        var (first, second) = (await DetailAsync(pressed.Id, ct), await DetailAsync(lost.Id, ct));
        var offeredFirst = FirstOfferAt(first);
        var offeredSecond = FirstOfferAt(second);
        if (!(first.Place < second.Place && offeredFirst < offeredSecond))
            _unscripted[PressesOne] = string.Create(CultureInfo.InvariantCulture,
                $"not first: place {first.Place.ToLocalTime():HH:mm:ss.fff}, offered {offeredFirst?.ToLocalTime():HH:mm:ss.fff}; "
                + $"the newer lost call's {second.Place.ToLocalTime():HH:mm:ss.fff}, {offeredSecond?.ToLocalTime():HH:mm:ss.fff}");
        else
            await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{PhoneMask.Mask(PressesOne)} kept their place: offered to an agent at {offeredFirst!.Value.ToLocalTime():HH:mm:ss.fff}, "
                + $"{PhoneMask.Mask(LostBehind)} after them at {offeredSecond!.Value.ToLocalTime():HH:mm:ss.fff}."));
    }

    /// <summary>seed 002: Alice schedules a callback for herself a few seconds ahead; her whisper carries her comment.</summary>
    private async Task ScheduledAsync(CancellationToken ct)
    {
        await _output.WriteLineAsync();
        var at = _time.GetUtcNow().AddSeconds(4);
        var response = await stack.Api.PostAsJsonAsync("/api/callbacks",
            new { phone = ScheduledByAlice, queue = Queue, at = at.ToString("O", CultureInfo.InvariantCulture), agentId = "alice", comment = Comment, retries = 1 }, ct);
        var made = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<CallbackDetail>(TimelinePrinter.Json, ct) : null;
        await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Alice schedules a callback for {PhoneMask.Mask(ScheduledByAlice)} at {at.ToLocalTime():HH:mm:ss}, noting \"{Comment}\", 1 retry: "
            + $"{(int)response.StatusCode} {response.StatusCode} {made?.Id}"));
        if (made is null)
        {
            _unscripted[ScheduledByAlice] = $"POST /api/callbacks answered {(int)response.StatusCode}";
            return;
        }
        await UntilAsync(FinalStatusByCallerAsync, f => f.ContainsKey(ScheduledByAlice), ct);
        var whisper = stack.Simulator.Calls.Where(c => c.To == Alice && c.Direction != "inbound")
            .SelectMany(c => c.Heard).FirstOrDefault(h => h.Contains($"Note: {Comment}", StringComparison.Ordinal));
        if (whisper is null) _unscripted[ScheduledByAlice] = "Alice's whisper did not carry the comment";
        else await _output.WriteLineAsync($"Alice heard: \"{whisper}\"");
    }

    /// <summary>
    /// Issue 16: a private contact's callback rings only the agent with her ownership code, although the other agent has
    /// waited longer; the alert shows who she is and where she dialled. Then Bob rejects a callback (2): it goes to Alice
    /// at once, and Bob cools down for the queue's rejectCooldown.
    /// </summary>
    private async Task ContactsAsync(CancellationToken ct)
    {
        await _output.WriteLineAsync();
        await _output.WriteLineAsync($"{PrivateName} is a private contact of Alice's book (ownership code alice-book); our support number is the Dallas store's line.");
        await PutAsync($"/api/agents/alice", new { name = "Alice", phone = Alice, queues = new[] { Queue }, ownershipCodes = new[] { "alice-book" } }, ct);
        await PutAsync($"/api/numbers/{Uri.EscapeDataString(LocalStack.SupportNumber)}", new { location = "Dallas store", adSource = "Spring flyer" }, ct);
        await PutAsync("/api/contacts/carla", new { name = PrivateName, numbers = new[] { PrivateContact }, types = new[] { "customer" }, ownershipCode = "alice-book" }, ct);
        (await stack.Api.PatchAsync($"/api/queues/{Queue}", new StringContent("""{"rejectCooldown":"00:00:05"}""",
            System.Text.Encoding.UTF8, "application/merge-patch+json"), ct)).EnsureSuccessStatusCode();
        // Bob has waited longest (Alice took the last callback): the private callback still rings Alice.
        await CallAsync(PrivateContact, QueueOutcome.Hangup, ct);
        var alert = await UntilAsync(async t => await AlertAsync("alice", t), a => a is not null, ct);
        await _output.WriteLineAsync($"Alice's alert: {alert!.Name} ({string.Join(", ", alert.Types)}), {PhoneMask.Mask(alert.Number)}, dialled the {alert.Location} line from {alert.AdSource}, queue {alert.Queue}, offer {alert.Offer}.");
        await UntilAsync(FinalStatusByCallerAsync, f => f.ContainsKey(PrivateContact), ct);
        if (stack.Simulator.Calls.Any(c => c.To == Bob && c.Direction != "inbound" && c.DateCreated >= alert.OfferedAt.AddSeconds(-1)))
            _unscripted[PrivateContact] = "Bob was offered the private contact's callback";

        await _output.WriteLineAsync("Bob, idle longest now, will reject the next callback (2).");
        stack.Simulator.SetPerson(Bob, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 1, Digits = "2", TalkSeconds = 2 }));
        await CallAsync(RejectedByBob, QueueOutcome.Hangup, ct);
        await UntilAsync(FinalStatusByCallerAsync, f => f.ContainsKey(RejectedByBob), ct);
        var rejected = await DetailAsync((await CallbacksOfAsync(RejectedByBob, ct)).OrderByDescending(c => c.CreatedAt).First().Id, ct);
        var bob = await stack.Api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/agents/bob", ct);
        if (!rejected.RejectedBy.Contains("bob") || !rejected.Timeline.Any(e => e.Reason.Contains("offered to agent Alice", StringComparison.Ordinal)))
            _unscripted[RejectedByBob] = "Bob's reject did not hand it to Alice";
        else
            await _output.WriteLineAsync($"Bob rejected it; Alice took it. Bob cools down until {bob.GetProperty("cooldownUntil")}.");
        stack.Simulator.SetPerson(Bob, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 1, Digits = "1", TalkSeconds = 2 }));
    }

    private async Task<CallbackAlert.CallbackAlertView?> AlertAsync(string agentId, CancellationToken ct)
    {
        var response = await stack.Api.GetAsync($"/api/agents/{agentId}/alert", ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<CallbackAlert.CallbackAlertView>(TimelinePrinter.Json, ct) : null;
    }

    private async Task PutAsync(string path, object body, CancellationToken ct) =>
        (await stack.Api.PutAsJsonAsync(path, body, ct)).EnsureSuccessStatusCode();

    private Task CallAsync(string from, QueueOutcome outcome, CancellationToken ct) => stack.CallInAsync(from, outcome, Queue, 0.5, ct);

    private async Task SetAvailableAsync(string agentId, bool available, CancellationToken ct) =>
        (await stack.Api.PutAsJsonAsync($"/api/agents/{agentId}/availability", new { available }, ct)).EnsureSuccessStatusCode();

    private static DateTimeOffset? FirstOfferAt(CallbackDetail c) =>
        c.Timeline.FirstOrDefault(e => e.Reason.Contains("offered to agent", StringComparison.Ordinal))?.At;

    /// <summary>The caller's callback waiting for a free agent, if there is one.</summary>
    private async Task<CallbackSummary?> WaitingAsync(string caller, CancellationToken ct) =>
        (await CallbacksOfAsync(caller, ct)).FirstOrDefault(c => c is { Status: CallbackStatus.Queued, WaitingForAgent: true });

    private async Task<IReadOnlyList<CallbackSummary>> CallbacksOfAsync(string caller, CancellationToken ct) =>
        (await stack.Api.GetFromJsonAsync<CallbackPage>("/api/callbacks?pageSize=1000&caller=" + Uri.EscapeDataString(caller), TimelinePrinter.Json, ct))?.Items ?? [];

    private async Task<CallbackDetail> DetailAsync(string id, CancellationToken ct) =>
        (await stack.Api.GetFromJsonAsync<CallbackDetail>($"/api/callbacks/{id}", TimelinePrinter.Json, ct))!;

    /// <summary>Looks every quarter second until <paramref name="done"/>; the day's token bounds it.</summary>
    private static async Task<T> UntilAsync<T>(Func<CancellationToken, Task<T>> read, Func<T, bool> done, CancellationToken ct)
    {
        while (true)
        {
            var value = await read(ct);
            if (done(value)) return value;
            await Task.Delay(250, ct);
        }
    }

    /// <summary>The newest terminal callback of each caller (a superseded one ends Cancelled too; the newest decides).</summary>
    private async Task<Dictionary<string, CallbackStatus>> FinalStatusByCallerAsync(CancellationToken ct)
    {
        var result = new Dictionary<string, CallbackStatus>();
        var page = await stack.Api.GetFromJsonAsync<CallbackPage>("/api/callbacks?pageSize=1000", TimelinePrinter.Json, ct);
        foreach (var group in (page?.Items ?? []).GroupBy(c => c.Caller))
        {
            var newest = group.OrderByDescending(c => c.CreatedAt).First();
            if (newest.Status.IsTerminal()) result[group.Key] = newest.Status;
        }
        return result;
    }
}
