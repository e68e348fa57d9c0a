using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

/// <summary>The ring watchdog and the ambiguous-dial retry: they move the wake-up and nothing else.</summary>
public class WatchdogTests
{
    [Theory]
    [InlineData(CallbackStatus.DialingAgent)]
    [InlineData(CallbackStatus.DialingCustomer)]
    public void ExtendWatchdog_WhileDialing_LooksAgainAfterTheGrace(CallbackStatus status)
    {
        var story = Story.In(status);
        story.At(story.Callback.WakeAt!.Value);
        var before = story.Callback;

        var decision = story.Try((c, now) => c.ExtendWatchdog(now));

        var c = decision.Callback;
        Assert.Equal(status, c.Status);
        Assert.Equal(story.Now.AddSeconds(15), c.WakeAt);
        Expect.WakesAt(decision, story.Now.AddSeconds(15));
        Expect.NoNewEntry(before, decision);
        Assert.Equal(before with { WakeAt = c.WakeAt }, c);
    }

    [Theory]
    [InlineData(CallbackStatus.Queued)]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void ExtendWatchdog_WhenNotDialing_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.ExtendWatchdog(now)));
    }

    [Fact]
    public void RetryDialSoon_WhileTheOfferWaitsForItsCall_WakesInThreeSeconds()
    {
        var story = Story.Queued().Offered().Advance(TimeSpan.FromSeconds(10));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.RetryDialSoon(1, now));

        var c = decision.Callback;
        Assert.Equal(TimeSpan.FromSeconds(3), Callback.AmbiguousDialRetry);
        Assert.Equal(CallbackStatus.DialingAgent, c.Status);
        Assert.Equal(story.Now.AddSeconds(3), c.WakeAt);
        Expect.WakesAt(decision, story.Now.AddSeconds(3));
        Expect.NoNewEntry(before, decision);
    }

    [Fact]
    public void RetryDialSoon_OnceTheCallSidIsKnown_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.RetryDialSoon(1, now)));
    }

    [Fact]
    public void RetryDialSoon_ForAnotherOffer_IsIgnored()
    {
        var story = Story.Queued().Offered();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.RetryDialSoon(2, now)));
    }

    [Theory]
    [InlineData(CallbackStatus.Queued)]
    [InlineData(CallbackStatus.DialingCustomer)]
    [InlineData(CallbackStatus.Cancelled)]
    public void RetryDialSoon_WhenNoAgentIsBeingDialled_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.RetryDialSoon(Math.Max(1, c.Offer), now)));
    }

    [Fact]
    public void OfferOverdue_BeforeRingTimeoutPlusGrace_IsFalse()
    {
        var story = Story.Queued().Offered();

        Assert.False(story.Callback.OfferOverdue(story.Now.AddSeconds(35).AddTicks(-1)));
    }

    [Fact]
    public void OfferOverdue_AtRingTimeoutPlusGraceWithoutCallSid_IsTrue()
    {
        var story = Story.Queued().Offered();

        Assert.True(story.Callback.OfferOverdue(story.Now.AddSeconds(35)));
    }

    [Fact]
    public void OfferOverdue_OnceTheCallSidIsKnown_IsFalse()
    {
        var story = Story.Queued().Offered().Placed();

        Assert.False(story.Callback.OfferOverdue(story.Now.AddMinutes(10)));
    }

    [Theory]
    [InlineData(CallbackStatus.Queued)]
    [InlineData(CallbackStatus.Cancelled)]
    public void OfferOverdue_WhenNoAgentIsBeingDialled_IsFalse(CallbackStatus status)
    {
        var story = Story.In(status);

        Assert.False(story.Callback.OfferOverdue(story.Now.AddHours(2)));
    }
}
