using System.Diagnostics;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// The queue service freezes for longer than a queue request may take (Azurite does this by itself once a minute while
/// it cleans up; here SIGSTOP on its own Azurite's queue process): the poller's receives time out, it keeps polling,
/// and a wake-up due meanwhile still acts, and not before it is due.
/// </summary>
public sealed class QueueFreezeTests : IAsyncLifetime
{
    private LocalStack _stack = null!;

    public async Task InitializeAsync() => _stack = await LocalStack.StartAsync(new LocalStackOptions
    {
        Prefix = SharedAzurite.UniquePrefix("freeze"),
        ExtraSettings = new Dictionary<string, string?> { ["Storage:QueueRequestTimeout"] = "00:00:01", ["Hosting:Lease"] = "00:00:04" },
    });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    [Fact]
    public async Task QueueFrozenPastTheRequestTimeout_PollerKeepsPolling_AndTheWakeUpStillActs()
    {
        var callback = await _stack.Service<MissedCallService>().CreateAsync(new CallbackRequest("+14155550951", LocalStack.SupportNumber, "support",
            "CA" + Guid.NewGuid().ToString("N"), CallbackOrigin.IvrRequest, "test", TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow), default);
        var queue = _stack.Azurite!.QueueProcessId;

        await SignalAsync("STOP", queue);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3)); // several receives time out meanwhile
        }
        finally
        {
            await SignalAsync("CONT", queue);
        }

        // No agent is set up: the wake-up's first doing is "no agent available", stamped when it acted.
        var woken = await Eventually.GetAsync(async () => (await _stack.Service<CallbackRepository>().GetAsync(callback!.Id, default))!.Value,
            c => c.Timeline.Length > 1, TimeSpan.FromSeconds(20), "the wake-up to act after the freeze");
        Assert.True(woken.Timeline[1].At >= callback!.DueAt, $"acted {(callback.DueAt - woken.Timeline[1].At).TotalMilliseconds:0} ms before due");
    }
}
