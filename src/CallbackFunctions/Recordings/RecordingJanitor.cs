using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using CallbackFunctions.Twilio;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Recordings;

/// <summary>
/// seed 001 "storage period": deletes recordings older than their rule's storage period through Twilio's REST API
/// (TWILIO.md §1.6) and marks them deleted. Called by the sweeper; looks at most once per
/// <c>Callbacks:RecordingSweepInterval</c> per instance, since each look scans the recordings table.
/// </summary>
public sealed class RecordingJanitor(RecordingRepository recordings, RecordingRetention retention, TwilioCalls twilio,
    IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILogger<RecordingJanitor> logger)
{
    private DateTimeOffset? _lastSweep;

    /// <summary>Returns how many recordings it deleted; a recording Twilio would not delete now is tried again next time.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_lastSweep is { } last && now - last < options.CurrentValue.RecordingSweepInterval) return 0;
        _lastSweep = now;
        var periods = await retention.CurrentAsync(ct);
        var deleted = 0;
        await foreach (var recording in recordings.QueryKeptRecordedByAsync(now - periods.Shortest, ct))
        {
            if (periods.IsAvailable(recording, now)) continue;
            try
            {
                var existed = await twilio.DeleteRecordingAsync(recording.RecordingSid, ct);
                await recordings.MarkDeletedAsync(recording, time.GetUtcNow(), ct);
                RecordingLog.Deleted(logger, recording.RecordingSid, recording.CallbackId, periods.For(recording.Rule), existed);
                deleted++;
            }
            catch (TwilioRequestException e)
            {
                RecordingLog.DeleteFailed(logger, recording.RecordingSid, e.Message);
            }
        }
        return deleted;
    }
}
