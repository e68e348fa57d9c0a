using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

/// <summary>Moving a queued callback: its due time and expiry move together; only a queued, unexpired one moves.</summary>
public sealed class MoveTests
{
    private static Callback Queued() => Callback.Create(Build.MissedCall(), Build.Policy(2, 5, 10), Build.T0).Callback;

    [Fact]
    public void Move_KeepsTheTimeItHadToBeReachedOnceDue_AndWakesThen()
    {
        var callback = Queued();
        var window = callback.ExpiresAt - callback.DueAt;
        var to = Build.T0.AddDays(1);

        var moved = new MoveRequested(to).Apply(callback, Build.T0.AddMinutes(1)).Callback;

        Assert.Equal(to, moved.DueAt);
        Assert.Equal(to + window, moved.ExpiresAt);
        Assert.Equal(to, moved.WakeAt);
        Assert.Equal(CallbackStatus.Queued, moved.Status);
        Assert.StartsWith("moved to ", moved.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Move_IntoThePast_IsDueNow()
    {
        var now = Build.T0.AddMinutes(1);
        Assert.Equal(now, new MoveRequested(Build.T0).Apply(Queued(), now).Callback.DueAt);
    }

    [Fact]
    public void Move_OfAFinishedOrExpiredCallback_IsIgnoredSayingWhy()
    {
        var deleted = Queued().Cancel(CancelReason.Deleted, Build.T0.AddMinutes(1)).Callback;
        Assert.Equal("deleted by an operator or agent", deleted.Timeline[^1].Reason);
        var refused = deleted.Move(Build.T0.AddHours(1), Build.T0.AddMinutes(2));
        Assert.False(refused.Changed);
        Assert.Contains("Cancelled", refused.IgnoredBecause, StringComparison.Ordinal);
        var queued = Queued();
        Assert.False(queued.Move(queued.ExpiresAt.AddHours(1), queued.ExpiresAt).Changed); // at its expiry
    }
}
