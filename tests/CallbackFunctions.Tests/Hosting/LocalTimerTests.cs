using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// A timer function that fails while the local host runs is logged as an error and runs again on its next period, as
/// under the Functions host: it never stops the timer, nor the host.
/// </summary>
public sealed class LocalTimerTests
{
    /// <summary>Fails its first run only (test-only: the app has no such timer).</summary>
    internal static class FlakyTimer
    {
        public const string Name = "TimerTestFlakyTimer";
        public const string Failure = "the flaky timer's first run fails";
        private static int _runs;

        public static int Runs => Volatile.Read(ref _runs);

        [Function(Name)]
        public static Task Run([TimerTrigger("*/1 * * * * *")] TimerInfo timer) =>
            Interlocked.Increment(ref _runs) == 1 ? Task.FromException(new InvalidOperationException(Failure)) : Task.CompletedTask;
    }

    [Fact]
    public async Task TimerFunction_ThatThrows_IsLoggedAsAnError_AndRunsAgainOnItsNextPeriod()
    {
        var logs = new LogCapture();
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            StorageConnectionString = await SharedAzurite.ConnectionStringAsync(),
            Prefix = SharedAzurite.UniquePrefix(nameof(LocalTimerTests)),
            LogCapture = logs,
            ExtraTimerTypes = [typeof(FlakyTimer)],
            ExtraSettings = new Dictionary<string, string?>
            {
                ["Logging:Console:LogLevel:Default"] = "None",
                [$"LocalHost:Timers:{FlakyTimer.Name}"] = "00:00:00.200",
            },
        });

        await Eventually.GetAsync(() => Task.FromResult(FlakyTimer.Runs), n => n >= 3, TimeSpan.FromSeconds(30), "the flaky timer to run again after its failure");

        var failed = Assert.Single(logs.Entries, e => e.Exception?.Message == FlakyTimer.Failure);
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Equal(8100, failed.EventId.Id);
        Assert.Contains(FlakyTimer.Name, failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.True((await stack.Api.GetAsync("/")).IsSuccessStatusCode, "the host stopped serving after a timer failed");
    }
}
