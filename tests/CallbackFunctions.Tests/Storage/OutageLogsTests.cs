using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.Tests.Storage;

/// <summary>
/// The local host's logs while storage is away: the Durable backend's errors of storage refusing are not written but
/// tell the health, which says so once; one logged late, for the outage just over, does not start another.
/// </summary>
public sealed class OutageLogsTests
{
    private const string Durable = "DurableTask.AzureStorage";
    private const string Refused = "GetMessages failed: Retry failed after 4 tries. Connection refused (127.0.0.1:10001)";

    private sealed class MovableTime : TimeProvider
    {
        public TimeSpan By { get; set; }
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + By;
    }

    private static (ILogger Durable, StorageHealth Health, LogCapture Written, MovableTime Time) Start()
    {
        var written = new LogCapture();
        var sink = new LoggerFactory([written]);
        var time = new MovableTime();
        var health = new StorageHealth(time, sink.CreateLogger<StorageHealth>());
        return (new OutageLogs(sink, health).CreateLogger(Durable), health, written, time);
    }

    [Fact]
    public void StorageRefusingTheBackend_IsNotWritten_ButTellsTheHealth_WhichSaysSoOnce()
    {
        var (durable, health, written, _) = Start();

        durable.LogWarning(Refused);
        durable.LogError(Refused);

        Assert.True(health.IsDown);
        Assert.Equal("storage at 127.0.0.1:10001 refused the connection", health.Problem);
        Assert.Single(written.Entries, e => e.EventId.Id == 8001);
        Assert.DoesNotContain(written.Entries, e => e.Category == Durable);
    }

    [Fact]
    public void AnErrorLoggedLate_JustAfterStorageCameBack_DoesNotTakeItAwayAgain_OneLaterDoes()
    {
        var (durable, health, written, time) = Start();
        health.Failed("table storage at 127.0.0.1:10002 refused the connection");
        health.Answered();

        durable.LogWarning(Refused); // its tries began before storage came back

        Assert.False(health.IsDown);
        Assert.Single(written.Entries, e => e.EventId.Id == 8001);
        Assert.Single(written.Entries, e => e.EventId.Id == 8002);
        Assert.DoesNotContain(written.Entries, e => e.Category == Durable);

        time.By = OutageLogs.LateFor + TimeSpan.FromSeconds(1);
        durable.LogWarning(Refused);

        Assert.True(health.IsDown);
        Assert.Equal(2, written.Entries.Count(e => e.EventId.Id == 8001));
    }
}
