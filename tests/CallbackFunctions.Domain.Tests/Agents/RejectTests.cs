using System.Collections.Immutable;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;

namespace CallbackFunctions.Domain.Tests.Agents;

/// <summary>
/// seed 004 "Reject Callback": "send the callback to the next available Agent in the queue", and the rejecting agent is
/// not offered it again, in this round or any later one (issue 16 §3).
/// </summary>
public sealed class RejectTests
{
    private static readonly Agent A1 = Build.Agent("a1", idleSince: Build.T0.AddHours(-3));
    private static readonly Agent A2 = Build.Agent("a2", idleSince: Build.T0.AddHours(-2));

    private static Agent? Next(Callback c, DateTimeOffset now, params Agent[] agents) =>
        AgentChooser.Choose(agents, c.Queue, c.Access, c.ExcludedAgents, now, c.BoundAgent);

    [Fact]
    public void Reject_GoesToTheNextEligibleAgent_AndNeverBackToTheRejectingOne_EvenInALaterRound()
    {
        var story = Story.Queued().Offered(A1).Placed().Declined(AgentOutcome.Passed);
        Assert.Equal("a2", Next(story.Callback, story.Now, A1, A2)?.Id);

        // a2 does not answer; the round is over (TriedAgents empties), and a1 is free again and idle longest.
        story.Offered(A2).Placed().Declined(AgentOutcome.NoAnswer).Apply((c, now) => c.NoAgentAvailable(now));
        Assert.Empty(story.Callback.TriedAgents);
        Assert.Equal(["a1"], story.Callback.RejectedBy.ToArray());
        Assert.Equal("a2", Next(story.Callback, story.Now, A1, A2)?.Id);
        Assert.Null(Next(story.Callback, story.Now, A1));
    }

    [Fact]
    public void NoAnswer_IsNoReject_TheAgentIsOfferedItAgainNextRound()
    {
        var story = Story.Queued().Offered(A1).Placed().Declined(AgentOutcome.NoAnswer).Apply((c, now) => c.NoAgentAvailable(now));
        Assert.Empty(story.Callback.RejectedBy);
        Assert.Equal("a1", Next(story.Callback, story.Now, A1)?.Id);
    }

    [Fact]
    public void Reject_StartsTheRejectCooldown_WithTheRelease()
    {
        var decision = Story.Queued().Offered(A1).Placed().Advance(TimeSpan.FromSeconds(3)).Try((c, now) => c.AgentDeclined(1, AgentOutcome.Passed, now));
        Assert.Equal([new ReleaseAgent("a1", "cb-1/1", CooldownAfter.Reject)], decision.Commands.ToArray());
    }

    [Fact]
    public void ARejectsCooldown_StartsOncePerOffer_WhoeverAppliesItFirst()
    {
        var settings = new CooldownSettings(TimeSpan.FromMinutes(2), TimeSpan.Zero);
        var cooling = Cooldowns.AfterReject(A1, settings, Build.T0, "cb-1/1");
        Assert.Equal(Build.T0.AddMinutes(2), cooling.CooldownUntil);
        // The choice applied it; the release (or a repeated webhook) a few seconds later changes nothing.
        Assert.Same(cooling, Cooldowns.AfterReject(cooling, settings, Build.T0.AddSeconds(5), "cb-1/1"));
        // Another offer's reject does extend it.
        Assert.Equal(Build.T0.AddSeconds(5).AddMinutes(2), Cooldowns.AfterReject(cooling, settings, Build.T0.AddSeconds(5), "cb-2/1").CooldownUntil);
    }

    [Fact]
    public void Completed_StartsTheCompleteCooldown_ForTheOfferThatConnected_Only()
    {
        var done = Story.Queued().Offered(A1).Placed().Accepted().Answered().Callback;
        Assert.Equal(CooldownAfter.Complete, done.CooldownAfterOffer(1));
        Assert.Equal(CooldownAfter.None, done.CooldownAfterOffer(2));
        var notReached = Story.Queued().Offered(A1).Placed().Accepted().NotReached().Callback;
        Assert.Equal(CooldownAfter.None, notReached.CooldownAfterOffer(1));
    }

    [Fact]
    public void NoEligibleAgent_WaitsUntilTheFirstEligibleCooldownEnds_IfThatIsSooner()
    {
        var story = Story.Queued();
        story.At(story.Callback.DueAt);
        var ends = story.Now.AddSeconds(10);
        Assert.True(ends < story.Now + story.Callback.Policy.NoAgentRetry);
        var decision = story.Try((c, now) => c.NoAgentAvailable(now, ends));
        Assert.Equal(ends, decision.Callback.WakeAt);
        Assert.True(decision.Callback.WaitingForAgent);
        // A cooldown that ends after the usual look again changes nothing.
        var later = story.Try((c, now) => c.NoAgentAvailable(now, now + c.Policy.NoAgentRetry + TimeSpan.FromMinutes(5)));
        Assert.Equal(story.Now + story.Callback.Policy.NoAgentRetry, later.Callback.WakeAt);
    }

    [Fact]
    public void NoEligibleAgent_TheTimelineSaysSo_ForARestrictedContact()
    {
        var contact = new ContactRef("c-1", "Ana", [ContactType.Lead], "spring", "owner-7");
        var story = Story.Queued(request: Build.MissedCall() with { Contact = contact });
        story.At(story.Callback.DueAt).Apply((c, now) => c.NoAgentAvailable(now));
        Assert.Equal("no eligible agent (campaign spring, owner owner-7) available; waiting for one", story.Callback.Timeline[^1].Reason);
        Assert.DoesNotContain("Ana", string.Join(" ", story.Callback.Timeline.Select(t => t.Reason)));
    }
}
