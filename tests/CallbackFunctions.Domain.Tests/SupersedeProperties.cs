using CallbackFunctions.Domain.Callbacks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace CallbackFunctions.Domain.Tests;

public enum StoreOpKind
{
    /// <summary>A missed call from a caller in a queue: a new callback, and the caller's live one there is superseded.</summary>
    MissedCall,
    /// <summary>The caller called again and was served: every live callback of theirs is cancelled.</summary>
    Served,
    /// <summary>Something happens to the caller's live callback in that queue (a wake-up, a webhook...).</summary>
    Lifecycle,
}

public sealed record StoreOp(StoreOpKind Kind, int Caller, int Queue, LifecycleEvent Event);

public static class StoreArbitraries
{
    public static Arbitrary<StoreOp> Ops() =>
        (from kind in Gen.Frequency(
             (4, Gen.Constant(StoreOpKind.MissedCall)),
             (1, Gen.Constant(StoreOpKind.Served)),
             (6, Gen.Constant(StoreOpKind.Lifecycle)))
         from caller in Gen.Choose(0, 2)
         from queue in Gen.Choose(0, 1)
         from e in LifecycleArbitraries.EventGen
         select new StoreOp(kind, caller, queue, e)).ToArbitrary();
}

/// <summary>
/// seed 000: "only the last call has the status DialbackQueued; any previous calls have a Dialback Canceled status".
/// A model of the store (the app's live index: caller and queue to the live callback) driven exactly as the app's
/// MissedCallService drives it, checking after every step that a caller has at most one live callback per queue.
/// </summary>
public class SupersedeProperties
{
    private static readonly string[] Callers = ["+15550000001", "+15550000002", "+15550000003"];
    private static readonly string[] Queues = ["sales", "support"];

    [Property(Arbitrary = new[] { typeof(StoreArbitraries) })]
    public void LiveCallbacks_AtMostOnePerCallerAndQueue(StoreOp[] ops)
    {
        var clock = new FakeTimeProvider(Build.T0);
        var all = new Dictionary<string, Callback>();
        var live = new Dictionary<(string Caller, string Queue), string>();
        var next = 0;

        void Save(Decision decision)
        {
            if (!decision.Changed) return;
            var c = decision.Callback;
            all[c.Id] = c;
            if (!c.IsLive && live.TryGetValue((c.Caller, c.Queue), out var id) && id == c.Id)
                live.Remove((c.Caller, c.Queue));
        }

        foreach (var op in ops)
        {
            var key = (Caller: Callers[op.Caller], Queue: Queues[op.Queue]);
            switch (op.Kind)
            {
                case StoreOpKind.MissedCall:
                    clock.Advance(op.Event.Advance);
                    var created = Callback.Create(Build.MissedCall(id: $"cb-{++next}", caller: key.Caller, queue: key.Queue),
                        Build.ThreeAttempts(), clock.GetUtcNow());
                    all[created.Callback.Id] = created.Callback;
                    if (live.TryGetValue(key, out var previousId))
                    {
                        var superseded = all[previousId].Cancel(CancelReason.Superseded, clock.GetUtcNow());
                        Assert.True(superseded.Changed, $"{previousId} is live but refused to be superseded: {superseded.IgnoredBecause}");
                        Assert.Equal(CancelReason.Superseded.Describe(), superseded.Callback.Timeline[^1].Reason);
                        Save(superseded);
                    }
                    live[key] = created.Callback.Id;
                    break;
                case StoreOpKind.Served:
                    clock.Advance(op.Event.Advance);
                    foreach (var (_, id) in live.Where(kv => kv.Key.Caller == key.Caller).ToList())
                    {
                        var served = all[id].Cancel(CancelReason.Served, clock.GetUtcNow());
                        Assert.True(served.Changed, $"{id} is live but refused to be cancelled: {served.IgnoredBecause}");
                        Save(served);
                    }
                    Assert.DoesNotContain(all.Values, c => c.IsLive && c.Caller == key.Caller);
                    break;
                case StoreOpKind.Lifecycle:
                    if (live.TryGetValue(key, out var liveId))
                        Save(LifecycleDriver.Apply(all[liveId], op.Event, clock).Decision);
                    else
                        clock.Advance(op.Event.Advance);
                    break;
            }

            foreach (var group in all.Values.Where(c => c.IsLive).GroupBy(c => (c.Caller, c.Queue)))
            {
                var only = Assert.Single(group);
                Assert.Equal(only.Id, live[group.Key]);
            }
            Assert.All(live.Values, id => Assert.True(all[id].IsLive, $"{id} is indexed as live but is {all[id].Status}"));
        }
    }
}
