using CallbackFunctions.Callbacks;

namespace CallbackFunctions.Tests.Callbacks;

/// <summary>
/// An offer waits until it is due by the clock the domain then reads: a delay that ends early (a timer counts whole
/// milliseconds) must not let it start "not due", which released its agent to the back of the line.
/// </summary>
public sealed class ClockWaitTests
{
    /// <summary>The system clock, whose timers end a few milliseconds before they are due (as a whole-millisecond timer may).</summary>
    private sealed class EarlyTimers(TimeSpan early) : TimeProvider
    {
        public int Timers;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref Timers);
            return System.CreateTimer(callback, state, dueTime > early ? dueTime - early : dueTime, period);
        }
    }

    [Fact]
    public async Task UntilAsync_WithTimersThatEndEarly_ReturnsOnlyOnceTheClockSaysTheInstantHasCome()
    {
        var time = new EarlyTimers(TimeSpan.FromMilliseconds(5));
        var instant = time.GetUtcNow() + TimeSpan.FromMilliseconds(150);

        await time.UntilAsync(instant, default);

        Assert.True(time.GetUtcNow() >= instant, $"returned {(instant - time.GetUtcNow()).TotalMilliseconds:0.###} ms early");
        Assert.True(time.Timers >= 2, "the first delay ended early, so it waited again");
    }

    [Fact]
    public async Task UntilAsync_AnInstantPast_ReturnsAtOnce_WithoutATimer()
    {
        var time = new EarlyTimers(TimeSpan.FromMilliseconds(5));

        await time.UntilAsync(time.GetUtcNow() - TimeSpan.FromSeconds(1), default);

        Assert.Equal(0, time.Timers);
    }
}
