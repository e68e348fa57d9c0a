namespace CallbackFunctions.Callbacks;

/// <summary>Waiting for an instant by the clock a step then reads (<see cref="TimeProvider.GetUtcNow"/>).</summary>
internal static class ClockWait
{
    /// <summary>
    /// Returns once <paramref name="time"/> says <paramref name="instant"/> has come. A timer counts whole milliseconds
    /// on a clock of its own, so a delay of exactly what is left can end before the wall clock gets there (4 ms before,
    /// seen in a test run); what is still left then is waited again. An offer started that early was refused by the
    /// domain ("not due"), and the agent it had held lost their place in line.
    /// </summary>
    public static async Task UntilAsync(this TimeProvider time, DateTimeOffset instant, CancellationToken ct)
    {
        for (var left = instant - time.GetUtcNow(); left > TimeSpan.Zero; left = instant - time.GetUtcNow())
            await Task.Delay(left + TimeSpan.FromMilliseconds(1), time, ct);
    }
}
