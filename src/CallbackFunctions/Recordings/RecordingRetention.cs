using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Rules;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Recordings;

/// <summary>
/// seed 001 "storage period": how long each rule's recordings stay available, as the rules stand now (shortening the
/// period hides and deletes older recordings at the next sweep). A recording made without a rule keeps the default.
/// </summary>
public sealed record StoragePeriods(TimeSpan Scenario, TimeSpan ContactCenter)
{
    public TimeSpan For(RuleKind? rule) => rule switch
    {
        RuleKind.Scenario => Scenario,
        RuleKind.ContactCenter => ContactCenter,
        _ => RecordingSettings.DefaultStoragePeriod,
    };

    public TimeSpan Shortest => new[] { Scenario, ContactCenter, RecordingSettings.DefaultStoragePeriod }.Min();

    public bool IsAvailable(CallRecording recording, DateTimeOffset now) => !recording.Deleted && now - recording.RecordedAt < For(recording.Rule);

    public DateTimeOffset AvailableUntil(CallRecording recording) => recording.RecordedAt + For(recording.Rule);
}

public sealed class RecordingRetention(RuleBook rules)
{
    public async Task<StoragePeriods> CurrentAsync(CancellationToken ct)
    {
        var set = await rules.CurrentAsync(ct);
        return new StoragePeriods(set.Scenario.Recording.StoragePeriod, set.ContactCenter.Recording.StoragePeriod);
    }
}
