using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

/// <summary>seed 000: a dial-back leaves the queue after 60 minutes (by default) without a successful attempt.</summary>
public class ExpiryTests
{
    private static readonly DateTimeOffset ExpiresAt = Build.T0.AddMinutes(60);

    [Fact]
    public void Expire_JustBeforeTheExpiry_IsIgnored()
    {
        var story = Story.Queued().At(ExpiresAt.AddTicks(-1));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.Expire(now)));
    }

    [Fact]
    public void Expire_AtTheExpiry_EndsExpiredWithNoWakeUpAndNoCommands()
    {
        var story = Story.Queued().At(ExpiresAt);
        var before = story.Callback;

        var decision = story.Try((c, now) => c.Expire(now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Expired, c.Status);
        Assert.False(c.IsLive);
        Assert.Null(c.WakeAt);
        Assert.Empty(decision.Commands);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, ExpiresAt, CallbackStatus.Queued, CallbackStatus.Expired);
        Assert.StartsWith("expired: no successful attempt by ", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Expire_LongAfterTheExpiry_EndsExpired()
    {
        var story = Story.Queued().At(ExpiresAt.AddHours(5));

        Assert.Equal(CallbackStatus.Expired, story.Try((c, now) => c.Expire(now)).Callback.Status);
    }

    [Fact]
    public void Expire_WhileWaitingForAnAgent_EndsExpiredAndStopsWaiting()
    {
        var story = Story.Queued().At(ExpiresAt.AddSeconds(-5)).Apply((c, now) => c.NoAgentAvailable(now));
        story.At(story.Callback.WakeAt!.Value);

        var decision = story.Try((c, now) => c.Expire(now));

        Assert.Equal(CallbackStatus.Expired, decision.Callback.Status);
        Assert.False(decision.Callback.WaitingForAgent);
    }

    [Fact]
    public void Expire_AfterFailedAttemptsWithinTheWindow_EndsExpiredWithTheAttemptsKept()
    {
        var story = Story.Queued(Build.Policy(2, 59)).Offered().Placed().Accepted().NotReached();
        story.At(story.Callback.WakeAt!.Value);

        story.Apply((c, now) => c.Expire(now));

        Assert.Equal(CallbackStatus.Expired, story.Callback.Status);
        Assert.Equal(1, story.Callback.Attempt);
    }

    [Theory]
    [InlineData(CallbackStatus.DialingAgent)]
    [InlineData(CallbackStatus.DialingCustomer)]
    public void Expire_WhileAnAttemptIsInProgress_IsIgnored(CallbackStatus status)
    {
        // The expiry stops new attempts from starting; a call already ringing is left to finish.
        var story = Story.In(status).At(ExpiresAt.AddMinutes(1));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.Expire(now)));
    }

    [Theory]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void Expire_WhenTerminal_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status).At(ExpiresAt.AddMinutes(1));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.Expire(now)));
    }

    [Fact]
    public void Expire_ForIvrRequest_CountsFromTheRequestedTime()
    {
        var story = Story.Queued(request: Build.IvrRequest(TimeSpan.FromMinutes(30))).At(ExpiresAt);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.Expire(now)));
        story.At(Build.T0.AddMinutes(90));
        Assert.Equal(CallbackStatus.Expired, story.Try((c, now) => c.Expire(now)).Callback.Status);
    }

    [Fact]
    public void StartOffer_AtTheExpiry_IsIgnored()
    {
        var story = Story.Queued().At(ExpiresAt);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.StartOffer(Build.Agent("a1"), now)));
    }

    [Fact]
    public void StartOffer_JustBeforeTheExpiry_Succeeds()
    {
        var story = Story.Queued().At(ExpiresAt.AddTicks(-1));

        Assert.True(story.Try((c, now) => c.StartOffer(Build.Agent("a1"), now)).Changed);
    }

    [Fact]
    public void StartOffer_AfterAnAgentDeclinedPastTheExpiry_IsIgnoredAndTheCallbackExpires()
    {
        var story = Story.Queued().At(ExpiresAt.AddSeconds(-10)).Offered(Build.Agent("a1")).Placed();
        story.At(ExpiresAt.AddSeconds(10)).Apply((c, now) => c.AgentDeclined(1, AgentOutcome.NoAnswer, now));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.StartOffer(Build.Agent("a2"), now)));
        Assert.Equal(CallbackStatus.Expired, story.Try((c, now) => c.Expire(now)).Callback.Status);
    }

    [Fact]
    public void StartOffer_WhenTheNextAttemptFellAfterTheExpiry_IsIgnoredAtTheWakeUp()
    {
        var story = Story.Queued(Build.Policy(2, 59)).Offered().Placed().Accepted().NotReached();
        story.At(story.Callback.WakeAt!.Value);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.StartOffer(Build.Agent("a1"), now)));
    }

    [Fact]
    public void CustomerNotReached_AfterTheExpiry_WakesAtOnceToExpire()
    {
        var story = Story.Queued().At(ExpiresAt.AddSeconds(-20)).Offered().Placed().Accepted();
        story.At(ExpiresAt.AddSeconds(30));

        story.Apply((c, now) => c.CustomerNotReached(1, CustomerOutcome.NoAnswer, null, now));

        Assert.Equal(ExpiresAt, story.Callback.WakeAt);
        Assert.Equal(CallbackStatus.Expired, story.Try((c, now) => c.Expire(now)).Callback.Status);
    }

    [Fact]
    public void AgentAccepting_AfterTheExpiry_ExpiresTheCallback_AndNobodyIsDialled()
    {
        var story = Story.Queued().Offered().Placed("CA-agent-1");
        var late = story.Callback.ExpiresAt;

        var decision = story.Callback.AgentAccepted(1, late);

        Assert.Equal(CallbackStatus.Expired, decision.Callback.Status);
        Assert.Null(decision.Callback.CustomerLeg);
        Expect.Commands(decision, new ReleaseAgent(story.Callback.AgentLeg!.AgentId, "cb-1/1"), new HangUpCall("CA-agent-1"));
        Assert.True(story.Callback.AgentAccepted(1, late.AddSeconds(-1)).Callback.Status == CallbackStatus.DialingCustomer, "before the expiry the customer is dialled");
    }
}
