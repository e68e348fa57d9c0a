using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

/// <summary>Offering a due callback to an agent, waiting when none is free, and an operator's "call now".</summary>
public class OfferTests
{
    private static readonly TimeSpan AgentWatchdog = TimeSpan.FromSeconds(20 + 15); // ring timeout + grace (defaults)

    // ---- StartOffer ---------------------------------------------------------------------------------------------

    [Fact]
    public void StartOffer_WhenDue_OpensAttemptOneAndDialsTheAgent()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2));
        var before = story.Callback;
        var agent = Build.Agent("a1");

        var decision = story.Try((c, now) => c.StartOffer(agent, now));

        var c = decision.Callback;
        var leg = new AgentLeg(1, "a1", "Agent a1", agent.Phone, story.Now, null);
        Assert.True(decision.Changed);
        Assert.Equal(CallbackStatus.DialingAgent, c.Status);
        Assert.Equal(1, c.Attempt);
        Assert.True(c.AttemptOpen);
        Assert.Equal(1, c.Offer);
        Assert.Equal(leg, c.AgentLeg);
        Assert.Equal<string>(["a1"], c.TriedAgents);
        Assert.Null(c.CustomerLeg);
        Assert.Equal(story.Now + AgentWatchdog, c.WakeAt);
        Expect.WakesAt(decision, story.Now + AgentWatchdog);
    }

    [Fact]
    public void StartOffer_WhenDue_WritesQueuedToDialingAgentEntryNamingAttemptAgentAndOffer()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.StartOffer(Build.Agent("a1"), now));

        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.Queued, CallbackStatus.DialingAgent);
        Assert.Contains("attempt 1", entry.Reason, StringComparison.Ordinal);
        Assert.Contains("Agent a1", entry.Reason, StringComparison.Ordinal);
        Assert.Contains("offer 1", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void StartOffer_BeforeDue_IsIgnored()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2).AddTicks(-1));
        var before = story.Callback;

        Expect.Ignored(before, story.Try((c, now) => c.StartOffer(Build.Agent("a1"), now)));
    }

    [Theory]
    [InlineData(CallbackStatus.DialingAgent)]
    [InlineData(CallbackStatus.DialingCustomer)]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void StartOffer_WhenNotQueued_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status).Advance(TimeSpan.FromSeconds(1));
        var before = story.Callback;

        Expect.Ignored(before, story.Try((c, now) => c.StartOffer(Build.Agent("a2"), now)));
    }

    [Fact]
    public void StartOffer_AfterAnAgentDeclined_OffersTheNextAgentInTheSameAttempt()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed().Declined();
        var before = story.Callback;

        var decision = story.Try((c, now) => c.StartOffer(Build.Agent("a2"), now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.DialingAgent, c.Status);
        Assert.Equal(1, c.Attempt);
        Assert.Equal(2, c.Offer);
        Assert.Equal("a2", c.AgentLeg!.AgentId);
        Assert.Equal(2, c.AgentLeg.Offer);
        Assert.Equal<string>(["a1", "a2"], c.TriedAgents);
        Expect.WakesAt(decision, story.Now + AgentWatchdog);
        Assert.Contains("attempt 1", Expect.NewEntry(before, decision).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void StartOffer_AfterTheCustomerWasNotReached_OpensTheNextAttemptWithAFreshRound()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed().Accepted().NotReached();
        story.At(story.Callback.DueAt);

        var decision = story.Try((c, now) => c.StartOffer(Build.Agent("a1"), now));

        var c = decision.Callback;
        Assert.Equal(2, c.Attempt);
        Assert.Equal(2, c.Offer);
        Assert.Equal<string>(["a1"], c.TriedAgents);
        Assert.Contains("attempt 2", c.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void StartOffer_WhenWaitingForAgent_StopsWaiting()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2)).Apply((c, now) => c.NoAgentAvailable(now));
        Assert.True(story.Callback.WaitingForAgent);

        var decision = story.Advance(TimeSpan.FromSeconds(5)).Try((c, now) => c.StartOffer(Build.Agent("a1"), now));

        Assert.True(decision.Changed);
        Assert.False(decision.Callback.WaitingForAgent);
    }

    [Fact]
    public void StartOffer_WhenNoAttemptIsLeft_IsIgnored()
    {
        // Not reachable through the lifecycle (the last failed attempt ends Failed); the guard still holds.
        var story = Story.Queued(Build.Policy(2)).At(Build.T0.AddMinutes(2));
        var exhausted = story.Callback with { Attempt = 1, AttemptOpen = false };

        Expect.Ignored(exhausted, exhausted.StartOffer(Build.Agent("a1"), story.Now));
    }

    // ---- NoAgentAvailable -----------------------------------------------------------------------------------------

    [Fact]
    public void NoAgentAvailable_WhenDue_WaitsForAnAgentAndLooksAgainAfterTheRetry()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.NoAgentAvailable(now));

        var c = decision.Callback;
        var next = story.Now.AddSeconds(30);
        Assert.Equal(CallbackStatus.Queued, c.Status);
        Assert.True(c.WaitingForAgent);
        Assert.Equal(0, c.Attempt);
        Assert.Equal(next, c.WakeAt);
        Expect.WakesAt(decision, next);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.Queued, CallbackStatus.Queued);
        Assert.Equal("no agent available; waiting for one", entry.Reason);
    }

    [Fact]
    public void NoAgentAvailable_AfterEveryAgentWasOffered_ClearsTheTriedAgentsAndSaysSo()
    {
        var story = Story.Queued().Offered(Build.Agent("a1")).Placed().Declined();
        Assert.Equal<string>(["a1"], story.Callback.TriedAgents);
        var before = story.Callback;

        var decision = story.Try((c, now) => c.NoAgentAvailable(now));

        Assert.Empty(decision.Callback.TriedAgents);
        Assert.True(decision.Callback.WaitingForAgent);
        Assert.Equal(1, decision.Callback.Attempt);
        Assert.Equal("every available agent was offered it; waiting for one", Expect.NewEntry(before, decision).Reason);
    }

    [Fact]
    public void NoAgentAvailable_AgainWhileWaiting_ReschedulesWithoutASecondEntry()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2)).Apply((c, now) => c.NoAgentAvailable(now)).Advance(TimeSpan.FromSeconds(30));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.NoAgentAvailable(now));

        Assert.True(decision.Changed);
        Expect.NoNewEntry(before, decision);
        Assert.Equal(story.Now.AddSeconds(30), decision.Callback.WakeAt);
        Expect.WakesAt(decision, story.Now.AddSeconds(30));
    }

    [Fact]
    public void NoAgentAvailable_CloseToTheExpiry_WakesAtTheExpiry()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(60).AddSeconds(-10));

        var decision = story.Try((c, now) => c.NoAgentAvailable(now));

        Assert.Equal(Build.T0.AddMinutes(60), decision.Callback.WakeAt);
        Expect.WakesAt(decision, Build.T0.AddMinutes(60));
    }

    [Theory]
    [InlineData(CallbackStatus.DialingAgent)]
    [InlineData(CallbackStatus.DialingCustomer)]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void NoAgentAvailable_WhenNotQueued_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status).Advance(TimeSpan.FromSeconds(1));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.NoAgentAvailable(now)));
    }

    // ---- OfferNow -----------------------------------------------------------------------------------------------

    [Fact]
    public void OfferNow_WhenWaitingForAgent_WakesAtOnceAndStopsWaiting()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2)).Apply((c, now) => c.NoAgentAvailable(now)).Advance(TimeSpan.FromSeconds(7));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.OfferNow(now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Queued, c.Status);
        Assert.False(c.WaitingForAgent);
        Assert.Equal(story.Now, c.WakeAt);
        Expect.WakesAt(decision, story.Now);
        Expect.NoNewEntry(before, decision);
    }

    [Fact]
    public void OfferNow_WhenQueuedButNotWaiting_IsIgnored()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.OfferNow(now)));
    }

    [Fact]
    public void OfferNow_Repeated_IsIgnored()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2)).Apply((c, now) => c.NoAgentAvailable(now)).Apply((c, now) => c.OfferNow(now));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.OfferNow(now)));
    }

    [Theory]
    [InlineData(CallbackStatus.DialingAgent)]
    [InlineData(CallbackStatus.DialingCustomer)]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void OfferNow_WhenNotQueued_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.OfferNow(now)));
    }

    // ---- CallNow ------------------------------------------------------------------------------------------------

    [Fact]
    public void CallNow_BeforeTheDueTime_MakesTheAttemptDueAtOnce()
    {
        var story = Story.Queued().Advance(TimeSpan.FromSeconds(40));
        var before = story.Callback;

        var decision = story.Try((c, now) => c.CallNow(now));

        var c = decision.Callback;
        Assert.Equal(CallbackStatus.Queued, c.Status);
        Assert.Equal(story.Now, c.DueAt);
        Assert.Equal(story.Now, c.WakeAt);
        Expect.WakesAt(decision, story.Now);
        var entry = Expect.NewEntry(before, decision);
        Expect.Entry(entry, story.Now, CallbackStatus.Queued, CallbackStatus.Queued);
        Assert.Equal("call now requested by an operator", entry.Reason);
    }

    [Fact]
    public void CallNow_ThenStartOffer_OffersBeforeTheOriginalDueTime()
    {
        var story = Story.Queued().Advance(TimeSpan.FromSeconds(40)).Apply((c, now) => c.CallNow(now));

        var decision = story.Try((c, now) => c.StartOffer(Build.Agent("a1"), now));

        Assert.True(decision.Changed);
        Assert.True(story.Now < Build.T0.AddMinutes(2));
    }

    [Fact]
    public void CallNow_WhenWaitingForAgent_StopsWaiting()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(2)).Apply((c, now) => c.NoAgentAvailable(now));

        var decision = story.Advance(TimeSpan.FromSeconds(1)).Try((c, now) => c.CallNow(now));

        Assert.False(decision.Callback.WaitingForAgent);
    }

    [Fact]
    public void CallNow_AtTheExpiry_IsIgnored()
    {
        var story = Story.Queued().At(Build.T0.AddMinutes(60));

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CallNow(now)));
    }

    [Theory]
    [InlineData(CallbackStatus.DialingAgent)]
    [InlineData(CallbackStatus.DialingCustomer)]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void CallNow_WhenNotQueued_IsIgnored(CallbackStatus status)
    {
        var story = Story.In(status);

        Expect.Ignored(story.Callback, story.Try((c, now) => c.CallNow(now)));
    }
}
