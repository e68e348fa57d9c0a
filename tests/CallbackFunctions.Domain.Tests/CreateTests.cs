using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

public class CreateTests
{
    [Fact]
    public void Create_FromMissedCall_QueuesAttemptOneAfterTheFirstInterval()
    {
        var decision = Callback.Create(Build.MissedCall(), Build.Policy(2, 5, 10), Build.T0);

        var c = decision.Callback;
        Assert.True(decision.Changed);
        Assert.Equal(CallbackStatus.Queued, c.Status);
        Assert.True(c.IsLive);
        Assert.Equal(Build.T0, c.CreatedAt);
        // seed 001: the first interval runs from the missed call to attempt 1.
        Assert.Equal(Build.T0.AddMinutes(2), c.DueAt);
        Assert.Equal(Build.T0.AddMinutes(2), c.WakeAt);
        Assert.Equal(0, c.Attempt);
        Assert.False(c.AttemptOpen);
        Assert.Equal(0, c.Offer);
        Assert.Null(c.AgentLeg);
        Assert.Null(c.CustomerLeg);
        Assert.Empty(c.TriedAgents);
        Assert.False(c.WaitingForAgent);
    }

    [Fact]
    public void Create_FromMissedCall_CopiesTheRequestAndKeepsItsPolicy()
    {
        var policy = Build.ThreeAttempts();
        var request = Build.MissedCall(id: "cb-42", caller: "+15550001111", queue: "support");

        var c = Callback.Create(request, policy, Build.T0).Callback;

        Assert.Equal("cb-42", c.Id);
        Assert.Equal("support", c.Queue);
        Assert.Equal("+15550001111", c.Caller);
        Assert.Equal(Build.CallerId, c.CallerId);
        Assert.Equal(CallbackOrigin.MissedCall, c.Origin);
        Assert.Equal(Build.OriginalSid, c.OriginalCallSid);
        // seed 001: attempts already planned follow the settings they were created with.
        Assert.Same(policy, c.Policy);
        Assert.Equal(3, c.Policy.MaxAttempts);
    }

    [Fact]
    public void Create_FromMissedCall_ExpiresSixtyMinutesAfterTheMissedCallByDefault()
    {
        var c = Callback.Create(Build.MissedCall(), Build.ThreeAttempts(), Build.T0).Callback;

        // seed 000: a dial-back stays in the queue 60 minutes by default.
        Assert.Equal(Build.T0.AddMinutes(60), c.ExpiresAt);
    }

    [Fact]
    public void Create_WithShorterExpiry_ExpiresThatLongAfterTheMissedCall()
    {
        var policy = Build.ThreeAttempts() with { Expiry = TimeSpan.FromMinutes(25) };

        var c = Callback.Create(Build.MissedCall(), policy, Build.T0).Callback;

        Assert.Equal(Build.T0.AddMinutes(25), c.ExpiresAt);
    }

    [Fact]
    public void Create_Always_SchedulesTheFirstWakeUpAtTheDueTime()
    {
        var decision = Callback.Create(Build.MissedCall(), Build.ThreeAttempts(), Build.T0);

        Assert.Equal(Build.T0.AddMinutes(2), decision.Callback.WakeAt);
        Expect.WakesAt(decision, Build.T0.AddMinutes(2));
    }

    [Fact]
    public void Create_WithOriginalCall_WritesOneQueuedEntryNamingTheOriginalCall()
    {
        var request = Build.MissedCall();

        var c = Callback.Create(request, Build.ThreeAttempts(), Build.T0).Callback;

        var entry = Assert.Single(c.Timeline);
        Expect.Entry(entry, Build.T0, null, CallbackStatus.Queued, ("original", Build.OriginalSid));
        Assert.Equal(request.Reason, entry.Reason);
    }

    [Fact]
    public void Create_WithoutOriginalCall_WritesAnEntryNamingNoCall()
    {
        var c = Callback.Create(Build.MissedCall(originalSid: null), Build.ThreeAttempts(), Build.T0).Callback;

        var entry = Assert.Single(c.Timeline);
        Expect.Entry(entry, Build.T0, null, CallbackStatus.Queued);
        Assert.Null(c.OriginalCallSid);
    }

    [Fact]
    public void Create_FromIvrRequest_FirstDelayReplacesTheFirstInterval()
    {
        var decision = Callback.Create(Build.IvrRequest(TimeSpan.FromMinutes(30)), Build.Policy(2, 5), Build.T0);

        Assert.Equal(CallbackOrigin.IvrRequest, decision.Callback.Origin);
        Assert.Equal(Build.T0.AddMinutes(30), decision.Callback.DueAt);
        Expect.WakesAt(decision, Build.T0.AddMinutes(30));
    }

    [Fact]
    public void Create_FromIvrRequest_ExpiryCountsFromTheRequestedTime()
    {
        var c = Callback.Create(Build.IvrRequest(TimeSpan.FromMinutes(90)), Build.ThreeAttempts(), Build.T0).Callback;

        // The caller chose a time; the 60-minute window (seed 000) opens then, not when they asked.
        Assert.Equal(Build.T0.AddMinutes(150), c.ExpiresAt);
    }

    [Fact]
    public void Create_FromIvrRequestForNow_IsDueAtOnceAndExpiresAnHourLater()
    {
        var c = Callback.Create(Build.IvrRequest(TimeSpan.Zero), Build.ThreeAttempts(), Build.T0).Callback;

        Assert.Equal(Build.T0, c.DueAt);
        Assert.Equal(Build.T0, c.WakeAt);
        Assert.Equal(Build.T0.AddMinutes(60), c.ExpiresAt);
    }

    [Fact]
    public void Create_FromIvrRequestWithLongDelay_CanStillBeOfferedAfterAnHourFromTheRequest()
    {
        var story = Story.Queued(request: Build.IvrRequest(TimeSpan.FromMinutes(90)));

        story.Offered();

        Assert.Equal(Build.T0.AddMinutes(90), story.Now);
        Assert.Equal(CallbackStatus.DialingAgent, story.Callback.Status);
    }

    [Fact]
    public void Create_FromMissedCallWithFirstDelay_ExpiryStillCountsFromTheMissedCall()
    {
        var c = Callback.Create(Build.MissedCall(firstDelay: TimeSpan.FromMinutes(10)), Build.ThreeAttempts(), Build.T0).Callback;

        Assert.Equal(Build.T0.AddMinutes(10), c.DueAt);
        Assert.Equal(Build.T0.AddMinutes(60), c.ExpiresAt);
    }

    [Fact]
    public void Create_WithPolicyWithoutIntervals_Throws()
    {
        var policy = new CallbackPolicy { Intervals = [] };

        Assert.Throws<ArgumentException>(() => Callback.Create(Build.MissedCall(), policy, Build.T0));
    }

    [Fact]
    public void Create_WhenFirstIntervalFallsAfterTheExpiry_WakesAtTheExpiry()
    {
        var policy = Build.Policy(45) with { Expiry = TimeSpan.FromMinutes(30) };

        var decision = Callback.Create(Build.MissedCall(), policy, Build.T0);

        Assert.Equal(Build.T0.AddMinutes(30), decision.Callback.WakeAt);
        Expect.WakesAt(decision, Build.T0.AddMinutes(30));
    }
}
