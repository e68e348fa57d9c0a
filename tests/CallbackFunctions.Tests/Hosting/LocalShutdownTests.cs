using Azure.Data.Tables;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using CallbackFunctions.TwilioSimulator;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// The local host stops cleanly and quietly: with a callback's orchestration under way, the Watchdog sweeping every
/// quarter second and a timer function in the middle of its Durable calls, disposing the stack logs no error, nothing
/// critical and no <see cref="ObjectDisposedException"/>; the timer cut off by the stop is only noted, and the Durable
/// backend has let its partitions go (a process started next on the task hub takes them at once).
/// </summary>
public sealed class LocalShutdownTests
{
    private const string AgentPhone = "+14155550911";
    private const string Caller = "+14155550912";

    /// <summary>A timer function that keeps querying Durable until the host stops it (test-only: the app has none such).</summary>
    internal static class BusyTimer
    {
        public const string Name = "ShutdownTestBusyTimer";
        public static readonly TaskCompletionSource Running = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [Function(Name)]
        public static async Task Run([TimerTrigger("*/1 * * * * *")] TimerInfo timer, DurableTaskClient client, CancellationToken ct)
        {
            Running.TrySetResult();
            while (true) await client.GetInstanceAsync("shutdown-test-no-such-instance", ct);
        }
    }

    [Fact]
    public async Task Stack_StoppedWithWorkUnderWayAndATimerMidRun_LogsNoErrorNorObjectDisposedException()
    {
        var logs = new LogCapture();
        var storage = await SharedAzurite.ConnectionStringAsync();
        var prefix = SharedAzurite.UniquePrefix(nameof(LocalShutdownTests));
        var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            StorageConnectionString = storage,
            Prefix = prefix,
            Intervals = "00:00:01",
            MinimumLogLevel = LogLevel.Information,
            LogCapture = logs,
            ExtraTimerTypes = [typeof(BusyTimer)],
            ExtraSettings = new Dictionary<string, string?>
            {
                ["Logging:Console:LogLevel:Default"] = "None",
                ["LocalHost:Timers:Watchdog"] = "00:00:00.250",
                [$"LocalHost:Timers:{BusyTimer.Name}"] = "00:00:00.100",
            },
        });
        try
        {
            // The agent's phone rings for a long while: the callback's offer is under way when the stack stops.
            stack.Simulator.SetPerson(AgentPhone, new PersonScript(new PersonResponse { Answer = PersonAnswer.Answer, RingSeconds = 30, Digits = "1" }));
            await stack.PutAgentAsync("agent", "Agent", AgentPhone, "support");
            await stack.CallInAsync(Caller, QueueOutcome.Hangup, "support");
            await Eventually.GetAsync(() => Task.FromResult(stack.Simulator.Calls.Count(c => c.To == AgentPhone)), n => n > 0,
                TimeSpan.FromSeconds(30), "the callback to ring its agent");
            await BusyTimer.Running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await stack.DisposeAsync();
        }

        var entries = logs.Entries;
        Assert.Empty(entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.ToString()));
        Assert.Empty(entries.Where(e => e.Exception is ObjectDisposedException || e.Exception?.InnerException is ObjectDisposedException
            || e.Message.Contains(nameof(ObjectDisposedException), StringComparison.Ordinal)).Select(e => e.ToString()));
        // The busy timer was cut off by the stop, and that was noted, not reported as a failure.
        Assert.Contains(entries, e => e.EventId.Id == 8101 && e.Message.Contains(BusyTimer.Name, StringComparison.Ordinal));
        // The backend stopped and released its partition leases rather than leaving them to expire.
        var leases = new TableClient(storage, LocalStack.TaskHubFor(prefix) + "Partitions").QueryAsync<TableEntity>();
        var owners = new List<string>();
        await foreach (var lease in leases) owners.Add($"{lease.RowKey}: {lease.GetString("CurrentOwner") ?? "(none)"}");
        Assert.NotEmpty(owners);
        Assert.All(owners, o => Assert.EndsWith("(none)", o, StringComparison.Ordinal));
    }
}
