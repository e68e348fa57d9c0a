using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Two instances of the app on one task hub and the same tables, as two OS processes: the stack's own (in this
/// process) and a second one (<see cref="AppInstanceProcess"/>), each with its own worker name. With one partition,
/// one of them runs every orchestration episode; webhooks go to the other, as a load balancer in front of several
/// instances would send many of them. Measured: how long a webhook takes to reach an orchestration the other instance
/// runs (a caller served on a later call: the webhook, then the callback's orchestration cancels it and saves it), and
/// missed-call webhook latency at a steady rate, at the same time.
/// </summary>
public sealed class TwoInstanceBench(LocalStack stack, BenchStorage storage)
{
    public const string PreparedQueue = "two";
    public const string LoadQueue = "twoload";

    /// <param name="Sent">The served webhook's answer (it answers once the cancel is told, not once it is saved).</param>
    /// <param name="ReactedMs">From sending the webhook to the projection showing the callback Cancelled; null: not within the limit.</param>
    public sealed record Reaction(string Id, WebhookLoadBench.Outcome Sent, double? ReactedMs);

    public sealed record Result(WebhookLoadBench.Step Load, IReadOnlyList<Reaction> Reactions);

    /// <summary>How long a served callback may take to show Cancelled.</summary>
    private static readonly TimeSpan ReactionLimit = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Sends <paramref name="rate"/> missed-call webhooks a second for <paramref name="duration"/> to
    /// <paramref name="target"/>, and meanwhile, one at a time, a served webhook for each of <paramref name="prepared"/>
    /// (callbacks already queued, due much later) to the same instance, each followed by polling its projection every
    /// 20 ms (the benchmark's own point read) until it shows Cancelled, then a 200 ms pause.
    /// </summary>
    public async Task<Result> RunAsync(Uri target, int rate, TimeSpan duration, IReadOnlyList<string> loadCallers,
        IReadOnlyList<(string Id, string Caller)> prepared, TimeSpan settleLimit, CancellationToken ct)
    {
        using var webhooks = new WebhookLoadBench(stack, storage, target);
        await webhooks.WarmUpAsync(loadCallers.Skip(loadCallers.Count - 10).ToList(), ct);
        using var loadDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reactions = new List<Reaction>();
        var sampler = Task.Run(async () =>
        {
            foreach (var (id, caller) in prepared)
            {
                if (loadDone.IsCancellationRequested) break;
                var clock = Stopwatch.StartNew();
                var sent = await webhooks.ServedAsync(PreparedQueue, caller, ct);
                double? reacted = null;
                while (clock.Elapsed < ReactionLimit)
                {
                    try
                    {
                        if (await storage.StatusOfAsync(id, ct) == CallbackStatus.Cancelled)
                        {
                            reacted = clock.Elapsed.TotalMilliseconds;
                            break;
                        }
                    }
                    catch (Exception e) when (CallbackFunctions.Storage.TransientFaults.IsTransient(e, ct)) { }
                    await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
                }
                reactions.Add(new Reaction(id, sent, reacted));
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }, ct);
        WebhookLoadBench.Step load;
        try
        {
            load = await webhooks.OfferAsync(LoadQueue, rate, duration, loadCallers, settleLimit, ct);
        }
        finally
        {
            await loadDone.CancelAsync();
        }
        await sampler;
        return new Result(load, reactions);
    }

    /// <summary>Which worker holds each partition, polled until every partition has an owner (or 30 s pass).</summary>
    public async Task<IReadOnlyDictionary<string, string?>> OwnersAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            IReadOnlyDictionary<string, string?> owners = new Dictionary<string, string?>();
            try { owners = await storage.PartitionOwnersAsync(ct); }
            catch (Exception e) when (CallbackFunctions.Storage.TransientFaults.IsTransient(e, ct)) { }
            if ((owners.Count > 0 && owners.Values.All(o => o is not null)) || clock.Elapsed > TimeSpan.FromSeconds(30)) return owners;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }
}
