namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Azurite's queue service stops its whole process for 4–7 s about once a minute (its in-memory clean-up of deleted
/// messages, DESIGN §1); Azure Storage has no such freeze. Every durable timer, event and activity is a queue message,
/// so a callback due in or just before one is late by the freeze. These are the windows in which the queue service gave
/// no answer for over a second: to the <see cref="StallMeter"/>'s probes (every 50 ms, on connections of their own), or
/// to the app's own queue requests (<see cref="StorageRequestLog.SlowQueueRequests"/>: the service has been seen holding
/// those up for seconds while it answered the probes), and which callbacks they touched, so that lateness can be
/// printed with and without them: without is what Azure would see.
/// </summary>
public static class FreezeWindows
{
    /// <summary>A queue probe slower than this is the queue service not answering.</summary>
    public const double ThresholdMs = 1000;

    /// <summary>
    /// A callback whose span from this long before its due moment to its action overlaps a window is in it: its timer
    /// message is taken off the queue up to a second early (visibility is whole seconds).
    /// </summary>
    public static readonly TimeSpan Before = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after a window the callbacks still count as in it: the work held up in the freeze (the timers and
    /// messages that came due meanwhile) is still being taken in.
    /// </summary>
    public static readonly TimeSpan After = TimeSpan.FromSeconds(2);

    public sealed record Window(DateTimeOffset From, DateTimeOffset To)
    {
        public TimeSpan Length => To - From;
    }

    /// <summary>
    /// The windows in a series of probes or requests, each (seconds after <paramref name="origin"/> it started, how long
    /// it waited; NaN when it got no answer at all, which is left out). One over the threshold spans its own start to its
    /// answer; such spans one after another (or overlapping) make one window, and a fast answer inside a window does not
    /// end it (the app's requests can wait while a probe is answered).
    /// </summary>
    public static IReadOnlyList<Window> Detect(IEnumerable<(double At, double Ms)> probes, DateTimeOffset origin, double thresholdMs = ThresholdMs)
    {
        var result = new List<Window>();
        (double From, double To)? open = null;
        foreach (var (at, ms) in probes.Where(p => !double.IsNaN(p.Ms)).OrderBy(p => p.At))
        {
            if (ms > thresholdMs)
            {
                var end = at + ms / 1000;
                open = open is { } o && at <= o.To + 0.2 ? (o.From, Math.Max(o.To, end)) : Close(open, (at, end));
            }
            else if (open is { } o && at > o.To)
            {
                open = Close(open, null);
            }
        }
        Close(open, null);
        return result;

        (double, double)? Close((double From, double To)? window, (double, double)? next)
        {
            if (window is { } w) result.Add(new Window(origin + TimeSpan.FromSeconds(w.From), origin + TimeSpan.FromSeconds(w.To)));
            return next;
        }
    }

    /// <summary>
    /// Whether a callback due at <paramref name="due"/> that acted at <paramref name="acted"/> (null: not by the end of
    /// the wait, so its span runs on) is in a window: its span from <see cref="Before"/> its due moment to its action
    /// overlaps a window stretched by <see cref="After"/>.
    /// </summary>
    public static bool Touches(IReadOnlyList<Window> windows, DateTimeOffset due, DateTimeOffset? acted)
    {
        var from = due - Before;
        var to = acted is { } a && a > due ? a : due;
        return windows.Any(w => from <= w.To + After && (acted is null || to >= w.From));
    }

    /// <summary>e.g. "+57.2 s for 4.3 s, +117.9 s for 5.1 s" (from <paramref name="origin"/>), or "none".</summary>
    public static string Describe(IReadOnlyList<Window> windows, DateTimeOffset origin) =>
        windows.Count == 0 ? "none"
            : string.Join(", ", windows.Select(w => $"+{BenchSettings.N((w.From - origin).TotalSeconds, "0.0")} s for {BenchSettings.N(w.Length.TotalSeconds, "0.0")} s"));
}

/// <summary>
/// Lateness of a load's callbacks (due moment to the action: the agent call at the simulator, or the floor's
/// activity): nearest-rank percentiles, where one that never acted counts as later than any that did.
/// </summary>
public sealed record Lateness(int Count, int Acted, IReadOnlyList<double> SortedMs)
{
    public static Lateness Of(IEnumerable<double?> latenessMs)
    {
        var all = latenessMs.ToList();
        var acted = all.Where(l => l is not null).Select(l => l!.Value).Order().ToList();
        return new Lateness(all.Count, acted.Count, [.. acted, .. Enumerable.Repeat(double.PositiveInfinity, all.Count - acted.Count)]);
    }

    public int NotActed => Count - Acted;
    public double P50 => Percentiles.Of(SortedMs, 0.50);
    public double P99 => Percentiles.Of(SortedMs, 0.99);
    public double Max => SortedMs.Count == 0 ? double.NaN : SortedMs[^1];
    /// <summary>Acted before the due moment.</summary>
    public int Early => SortedMs.Count(ms => ms < 0);
    /// <summary>Acted more than a second before the due moment.</summary>
    public int FarEarly => SortedMs.Count(ms => ms < -1000);
    public double Earliest => SortedMs.Count == 0 ? double.NaN : SortedMs[0];
}
