using System.Text.Json;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

/// <summary>
/// Events travel as messages (a webhook raises one, the callback's orchestration applies it), so each must survive
/// JSON as its own type, and applying one is exactly the lifecycle call it names.
/// </summary>
public class CallbackEventTests
{
    public static TheoryData<CallbackEvent> Every() =>
    [
        new AgentCallPlaced(2, "CA-agent-2"),
        new AgentAccepted(2),
        new AgentPassed(2),
        new AgentCallEnded(2),
        new AgentCallEnded(2, AgentOutcome.Busy, "cancelled before answer"),
        new CustomerAnswered(1, "CA-customer-1"),
        new CustomerLegEnded(1, TimeSpan.FromSeconds(42), "CA-customer-1"),
        new CustomerNotReached(1, CustomerOutcome.Machine, null),
        new VoicemailReached(1, "CA-customer-1"),
        new CancelRequested(CancelReason.Superseded),
        new CallNowRequested(),
        new AgentFreed(),
        new LineFreed(),
        new Nudged(),
    ];

    [Theory]
    [MemberData(nameof(Every))]
    public void Event_RoundTripsThroughJsonAsItsOwnType(CallbackEvent e)
    {
        var json = JsonSerializer.Serialize(e);

        var back = JsonSerializer.Deserialize<CallbackEvent>(json);

        Assert.Equal(e.GetType(), back!.GetType());
        Assert.Equal(e, back);
    }

    [Fact]
    public void AgentAccepted_AppliesTheAcceptanceOfItsOffer()
    {
        var story = Story.Queued().Offered().Placed().Advance(TimeSpan.FromSeconds(3));

        var decision = new AgentAccepted(story.Callback.Offer).Apply(story.Callback, story.Now);

        Same(story.Callback.AgentAccepted(story.Callback.Offer, story.Now), decision);
        Assert.Equal(CallbackStatus.DialingCustomer, decision.Callback.Status);
    }

    [Fact]
    public void AgentCallEnded_WithAnOutcome_IsADeclineAndWithoutOneTheLegsEnd()
    {
        var ringing = Story.Queued().Offered().Placed();
        var accepted = Story.Queued().Offered().Placed().Accepted();

        var declined = new AgentCallEnded(1, AgentOutcome.Busy).Apply(ringing.Callback, ringing.Now);
        var ended = new AgentCallEnded(1).Apply(accepted.Callback, accepted.Now);

        Assert.Equal(CallbackStatus.Queued, declined.Callback.Status);
        Assert.Contains("was busy", declined.Callback.Timeline[^1].Reason);
        Same(accepted.Callback.AgentLegEnded(1, accepted.Now), ended);
    }

    // Records holding immutable arrays compare those by reference: compare what they hold.
    private static void Same(Decision expected, Decision actual)
    {
        Assert.Equal(JsonSerializer.Serialize(expected.Callback), JsonSerializer.Serialize(actual.Callback));
        Assert.Equal(expected.Commands.ToArray(), actual.Commands.ToArray());
        Assert.Equal(expected.IgnoredBecause, actual.IgnoredBecause);
    }

    [Fact]
    public void AnEventForAnEarlierOffer_ChangesNothing()
    {
        var story = Story.Queued().Offered().Declined().Offered().Placed();

        var stale = new AgentAccepted(1).Apply(story.Callback, story.Now);

        Expect.Ignored(story.Callback, stale);
    }

    [Fact]
    public void Nudged_ChangesNothingByItself()
    {
        var story = Story.Queued();

        Expect.Ignored(story.Callback, new Nudged().Apply(story.Callback, story.Now));
    }
}
