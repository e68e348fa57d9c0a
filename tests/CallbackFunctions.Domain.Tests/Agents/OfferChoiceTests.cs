using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests.Agents;

/// <summary>
/// What the console's accept and reject answer with: the choice the callback took on an offer, read from the callback
/// once its orchestration moved the offer on (issue 16 §3: an accept and a reject racing get one 200 between them).
/// </summary>
public sealed class OfferChoiceTests
{
    private static readonly Agent A1 = Build.Agent("a1");

    [Fact]
    public void ARingingOffer_Rings_UntilAChoiceOrItsCallsEnd()
    {
        var ringing = Story.Queued().Offered(A1).Placed();
        Assert.True(ringing.Callback.OfferRings(1));
        Assert.False(ringing.Callback.OfferRings(2));
        Assert.False(ringing.Callback.AcceptedOn(1, "a1"));

        Assert.False(ringing.Try((c, now) => c.AgentAccepted(1, now)).Callback.OfferRings(1));
        Assert.False(ringing.Try((c, now) => c.AgentDeclined(1, AgentOutcome.Passed, now)).Callback.OfferRings(1));
        Assert.False(ringing.Try((c, now) => c.AgentLegEnded(1, now)).Callback.OfferRings(1));
    }

    [Fact]
    public void AnAccept_IsTheCustomerDialledOnThatOffer_ByThatAgent_WhateverBecameOfTheLegSince()
    {
        var story = Story.Queued(Build.Policy(2, 5)).Offered(A1).Placed().Accepted();
        Assert.True(story.Callback.AcceptedOn(1, "a1"));
        Assert.False(story.Callback.AcceptedOn(1, "a2"));
        Assert.False(story.Callback.AcceptedOn(2, "a1"));
        // The customer was not reached: the accept still happened.
        story.NotReached();
        Assert.True(story.Callback.AcceptedOn(1, "a1"));
        // The next attempt's offer rings: the first attempt's customer leg is no accept of it.
        story.Offered(A1).Placed();
        Assert.NotNull(story.Callback.CustomerLeg);
        Assert.False(story.Callback.AcceptedOn(2, "a1"));
        Assert.True(story.Callback.OfferRings(2));
    }

    [Fact]
    public void ARejectOrAnAcceptAfterTheExpiry_IsNoAccept()
    {
        var ringing = Story.Queued().Offered(A1).Placed();
        var rejected = ringing.Try((c, now) => c.AgentDeclined(1, AgentOutcome.Passed, now)).Callback;
        Assert.False(rejected.AcceptedOn(1, "a1"));
        Assert.Contains("a1", rejected.RejectedBy);

        var expired = ringing.Callback.AgentAccepted(1, ringing.Callback.ExpiresAt).Callback;
        Assert.Equal(CallbackStatus.Expired, expired.Status);
        Assert.False(expired.AcceptedOn(1, "a1"));
    }
}
