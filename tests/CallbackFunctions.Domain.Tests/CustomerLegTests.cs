using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

/// <summary>The customer leg: answered completes the callback; not reached plans the next interval (seed 001) or fails.</summary>
public class CustomerLegTests
{
    // ---- CustomerAnswered -----------------------------------------------------------------------------------------

    [Fact]
    public void CustomerAnswered_WhileTheCustomerRings_CompletesWithNoFurtherWakeUp()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1").Accepted().Advance(TimeSpan.FromSeconds(8));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CustomerAnswered(1, "CA-customer-1", now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Completed, c.Status);
        Assert.False(c.IsLive);
        Assert.Null(c.WakeAt);
        Assert.Equal("CA-customer-1", c.CustomerLeg!.CallSid);
        Assert.Equal(1, c.Attempt);
        // The agent is talking to the customer: nothing to hang up, no wake-up (seed 001: no further attempts).
        Assert.Empty(decision.Commands);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingCustomer, CallbackStatus.Completed,
            ("agent", "CA-agent-1"), ("customer", "CA-customer-1"));
        Assert.Equal("customer answered (attempt 1)", entry.Reason);
    }

    [Fact]
    public void CustomerAnswered_WithoutACallSid_CompletesNamingOnlyTheAgentCall()
    {
        var story = Story.Queued().Offered().Placed("CA-agent-1").Accepted();
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CustomerAnswered(1, null, now));

        Assert.Equal(CallbackStatus.Completed, decision.Callback.Status);
        Assert.Null(decision.Callback.CustomerLeg!.CallSid);
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.DialingCustomer, CallbackStatus.Completed, ("agent", "CA-agent-1"));
    }

    [Fact]
    public void CustomerAnswered_Repeated_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted().Answered();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerAnswered(1, "CA-customer-1", now)));
    }

    [Fact]
    public void CustomerAnswered_ForAnAttemptThatNeverDialledTheCustomer_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerAnswered(2, "CA-customer-2", now)));
    }

    [Fact]
    public void CustomerAnswered_BeforeAnyCustomerLeg_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerAnswered(1, "CA-customer-1", now)));
    }

    [Theory]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void CustomerAnswered_WhenTerminal_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerAnswered(1, "CA-late", now)));
    }

    [Fact]
    public void CustomerAnswered_LateWhileQueuedForTheNextAttempt_Completes()
    {
        var story = Story.Queued().Offered().Placed("CA-agent-1").Accepted().NotReached(CustomerOutcome.NoResult).Advance(TimeSpan.FromSeconds(5));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CustomerAnswered(1, "CA-customer-1", now));

        Assert.Equal(CallbackStatus.Completed, decision.Callback.Status);
        Assert.Null(decision.Callback.WakeAt);
        Assert.Empty(decision.Commands);
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.Queued, CallbackStatus.Completed,
            ("agent", "CA-agent-1"), ("customer", "CA-customer-1"));
    }

    [Fact]
    public void CustomerAnswered_LateWhileTheNextAttemptDialsAnAgent_CompletesAndHangsUpTheNewerAgentLeg()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1").Accepted().NotReached(CustomerOutcome.NoResult);
        story.Offered(Build.Agent("a2")).Placed("CA-agent-2");
        Assert.Equal(2, story.Callback.Attempt);
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CustomerAnswered(1, "CA-customer-1", now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Completed, c.Status);
        Assert.Null(c.WakeAt);
        Expect.Commands(decision, new ReleaseAgent("a2", "cb-1/2"), new HangUpCall("CA-agent-2"));
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingAgent, CallbackStatus.Completed,
            ("agent", "CA-agent-2"), ("customer", "CA-customer-1"));
        Assert.Equal("customer answered (attempt 1)", entry.Reason);
    }

    [Fact]
    public void CustomerAnswered_LateWhileTheNextOfferAwaitsItsCallSid_CompletesAndReleasesTheAgentOnly()
    {
        // The watchdog gave up on attempt 1 for want of any result; then its answer turns up after all.
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1").Accepted().NotReached(CustomerOutcome.NoResult);
        story.Offered(Build.Agent("a2"));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CustomerAnswered(1, "CA-customer-1", now));

        Assert.Equal(CallbackStatus.Completed, decision.Callback.Status);
        Expect.Commands(decision, new ReleaseAgent("a2", "cb-1/2"));
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.DialingAgent, CallbackStatus.Completed, ("customer", "CA-customer-1"));
    }

    [Fact]
    public void CustomerAnswered_AfterTheLegItselfSaidNotReached_IsIgnored()
    {
        // e.g. a too-short leg (minimum connection time) or a busy line, followed by the Dial action's "completed".
        var story = Story.Queued().Offered().Placed().Accepted().NotReached(CustomerOutcome.Busy);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerAnswered(1, Build.CustomerSid(1), now)));
        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerLegEnded(1, TimeSpan.FromSeconds(30), Build.CustomerSid(1), now)));
    }

    [Fact]
    public void CustomerAnswered_ForAnOlderAttemptOnceTheNextCustomerLegExists_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted().NotReached();
        story.Offered().Placed().Accepted();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerAnswered(1, "CA-customer-1", now)));
    }

    // ---- CustomerNotReached and the dialing intervals (seed 001) --------------------------------------------------

    [Theory]
    [InlineData(CustomerOutcome.Busy, "was busy")]
    [InlineData(CustomerOutcome.NoAnswer, "did not answer")]
    [InlineData(CustomerOutcome.Failed, "could not be called")]
    [InlineData(CustomerOutcome.Canceled, "call was cancelled before answer")]
    [InlineData(CustomerOutcome.NoResult, "leg ended with no result")]
    public void Attempt_WhenCustomerNotReached_SchedulesTheNextIntervalFromTheFailedAttempt(CustomerOutcome outcome, string described)
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed("CA-agent-1").Accepted().Advance(TimeSpan.FromSeconds(30));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CustomerNotReached(1, outcome, "CA-customer-1", now));

        var c = decision.Callback;
        var next = story.Now.AddMinutes(5);
        Assert.Equal(CallbackStatus.Queued, c.Status);
        Assert.Equal(1, c.Attempt);
        Assert.False(c.AttemptOpen);
        Assert.Empty(c.TriedAgents);
        Assert.Equal("CA-customer-1", c.CustomerLeg!.CallSid);
        Assert.Equal(next, c.DueAt);
        Assert.Equal(next, c.WakeAt);
        Expect.WakesAt(decision, next);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingCustomer, CallbackStatus.Queued,
            ("agent", "CA-agent-1"), ("customer", "CA-customer-1"));
        Assert.StartsWith($"customer {described} (attempt 1 of 3); next attempt at ", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Attempt_WhenCustomerBusyLongAfterTheDueTime_CountsTheNextIntervalFromTheFailureNotTheDueTime()
    {
        var story = Story.Queued().Offered().Placed().Accepted();
        var firstDue = Build.T0.AddMinutes(2);
        story.At(firstDue.AddMinutes(4));

        story.Apply((c, now) => c.CustomerNotReached(1, CustomerOutcome.Busy, null, now));

        Assert.Equal(firstDue.AddMinutes(4 + 5), story.Callback.DueAt);
        Assert.NotEqual(firstDue.AddMinutes(5), story.Callback.DueAt);
    }

    [Fact]
    public void Attempt_WhenCustomerNotReachedWithoutCallSid_KeepsTheKnownCustomerCallSid()
    {
        var story = Story.Queued().Offered().Placed().Accepted();
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CustomerNotReached(1, CustomerOutcome.NoResult, null, now));

        Assert.Null(decision.Callback.CustomerLeg!.CallSid);
        Expect.Entry(Expect.NewEntry(before, decision), story.Now, CallbackStatus.DialingCustomer, CallbackStatus.Queued, ("agent", "CA-agent-1"));
    }

    [Fact]
    public void Attempt_WhenTheLastAttemptFails_EndsFailedWithNoWakeUp()
    {
        var story = Story.Queued(Build.Policy(2, 5)).Offered().Placed().Accepted().NotReached();
        story.Offered().Placed("CA-agent-2").Accepted().Advance(TimeSpan.FromSeconds(30));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CustomerNotReached(2, CustomerOutcome.Busy, "CA-customer-2", now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Failed, c.Status);
        Assert.Equal(2, c.Attempt);
        Assert.Null(c.WakeAt);
        Assert.Empty(decision.Commands);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.DialingCustomer, CallbackStatus.Failed,
            ("agent", "CA-agent-2"), ("customer", "CA-customer-2"));
        Assert.Equal("customer was busy (attempt 2 of 2); no attempts left", entry.Reason);
    }

    [Fact]
    public void Attempt_WhenCustomerNeverAnswers_DialsEachIntervalAfterThePreviousFailureThenFails()
    {
        int[] minutes = [2, 5, 10, 1];
        var story = Story.Queued(Build.Policy(minutes));
        var previousFailure = Build.T0; // the missed call counts as the start of the first interval

        for (var attempt = 1; attempt <= minutes.Length; attempt++)
        {
            Assert.Equal(CallbackStatus.Queued, story.Callback.Status);
            Assert.Equal(previousFailure.AddMinutes(minutes[attempt - 1]), story.Callback.DueAt);
            story.Offered(Build.Agent("a1")).Placed().Accepted().NotReached();
            Assert.Equal(attempt, story.Callback.Attempt);
            previousFailure = story.Now;
        }

        Assert.Equal(CallbackStatus.Failed, story.Callback.Status);
        Assert.Null(story.Callback.WakeAt);
        Assert.Equal(minutes.Length, story.Callback.Attempt);
    }

    [Fact]
    public void Attempt_WhenCustomerAnswersTheSecondAttempt_CompletesWithoutFurtherAttempts()
    {
        var story = Story.Queued().Offered().Placed().Accepted().NotReached();

        story.Offered().Placed().Accepted().Answered();

        Assert.Equal(CallbackStatus.Completed, story.Callback.Status);
        Assert.Equal(2, story.Callback.Attempt);
        Assert.Null(story.Callback.WakeAt);
        Assert.Empty(story.Last.Commands);
    }

    [Fact]
    public void Attempt_WhenTheNextIntervalFallsAfterTheExpiry_WakesAtTheExpiryInstead()
    {
        var story = Story.Queued(Build.Policy(2, 59)).Offered().Placed("CA-agent-1").Accepted().Advance(TimeSpan.FromSeconds(30));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CustomerNotReached(1, CustomerOutcome.NoAnswer, "CA-customer-1", now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Queued, c.Status);
        Assert.Equal(story.Now.AddMinutes(59), c.DueAt);
        Assert.True(c.DueAt > c.ExpiresAt);
        Assert.Equal(c.ExpiresAt, c.WakeAt);
        Expect.WakesAt(decision, c.ExpiresAt);
        Assert.EndsWith("the next attempt would fall after the expiry", Expect.NewEntry(before, decision).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomerNotReached_Repeated_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted().NotReached();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerNotReached(1, CustomerOutcome.NoAnswer, "CA-customer-1", now)));
    }

    [Fact]
    public void CustomerNotReached_ForAnotherAttempt_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerNotReached(2, CustomerOutcome.Busy, null, now)));
    }

    [Fact]
    public void CustomerNotReached_LateWhileTheNextAttemptDialsAnAgent_IsIgnored()
    {
        var story = Story.Queued().Offered().Placed().Accepted().NotReached();
        story.Offered().Placed();

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerNotReached(1, CustomerOutcome.Busy, null, now)));
    }

    [Theory]
    [InlineData(CallbackStatus.Queued)]
    [InlineData(CallbackStatus.DialingAgent)]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void CustomerNotReached_WhenNoCustomerRings_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CustomerNotReached(Math.Max(1, c.Attempt), CustomerOutcome.NoAnswer, null, now)));
    }
}
