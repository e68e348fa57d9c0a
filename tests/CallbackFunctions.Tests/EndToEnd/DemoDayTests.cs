using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>The scripted day of ./run.sh demo, end to end: app + Twilio simulator + Azurite.</summary>
public sealed class DemoDayTests : StackTestBase
{

    [Fact]
    public async Task DemoDay_EndsAsScripted_LostCallsPressOneAScheduledCallbackAPrivateContactAndAReject()
    {
        var output = new StringWriter();
        var outcomes = await new DemoDay(Stack, output).RunAsync(TimeSpan.FromSeconds(110), CancellationToken.None);

        Assert.Equal([DemoDay.BusyThenAnswers, DemoDay.CallsBackAndIsServed, DemoDay.NeverAnswers, DemoDay.PressesOne, DemoDay.LostBehind, DemoDay.ScheduledByAlice,
            DemoDay.PrivateContact, DemoDay.RejectedByBob],
            outcomes.Select(o => o.Caller));
        Assert.All(outcomes, o => Assert.True(o.AsScripted, $"{o.Caller}: expected {o.Expected}, got {o.Actual} {o.Unscripted}\n{output}"));
        Assert.Empty(Stack.Simulator.Errors);
        // It says upfront what each customer will do and how their callback should end.
        Assert.All(outcomes, o => Assert.Contains($"{CallbackFunctions.Domain.Telephony.PhoneMask.Mask(o.Caller)}  {o.Plays}: {o.Expected}", output.ToString(), StringComparison.Ordinal));

        // Completed: agent first, customer busy on attempt 1, answered on attempt 2.
        var completed = await WaitForStatusAsync(DemoDay.BusyThenAnswers, CallbackStatus.Completed);
        Assert.Equal(2, completed.Attempt);
        Assert.Contains(completed.Timeline, e => e.To == CallbackStatus.DialingAgent && e.Reason.StartsWith("attempt 1", StringComparison.Ordinal));
        Assert.Contains(completed.Timeline, e => e.From == CallbackStatus.DialingCustomer && e.Reason.Contains("busy", StringComparison.Ordinal));
        Assert.True(completed.Timeline[^1].CallSids.ContainsKey("customer"));
        Assert.True(completed.Timeline[0].CallSids.ContainsKey("original"));
        var customerLegs = CallsTo(DemoDay.BusyThenAnswers);
        Assert.Equal(2, customerLegs.Count);
        Assert.All(customerLegs, leg => Assert.Equal(LocalStack.SupportNumber, leg.From)); // the number the customer dialled

        // Cancelled: served before the callback ever rang anyone.
        var cancelled = await WaitForStatusAsync(DemoDay.CallsBackAndIsServed, CallbackStatus.Cancelled);
        Assert.Contains("served", cancelled.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.Empty(CallsTo(DemoDay.CallsBackAndIsServed));

        // Expired: attempts kept failing until the expiry; nothing was dialled after it.
        var expired = await WaitForStatusAsync(DemoDay.NeverAnswers, CallbackStatus.Expired);
        Assert.All(CallsTo(DemoDay.NeverAnswers), leg => Assert.True(leg.DateCreated < expired.ExpiresAt));
        Assert.True(expired.Attempt >= 1);

        // Press 1: the caller who pressed 1 keeps the moment they entered the queue, ahead of the newer lost call, and
        // is offered to an agent first, though the lost call was due first.
        var pressed = await WaitForStatusAsync(DemoDay.PressesOne, CallbackStatus.Completed);
        var lost = await WaitForStatusAsync(DemoDay.LostBehind, CallbackStatus.Completed);
        Assert.Equal(CallbackOrigin.QueueRequest, pressed.Origin);
        Assert.Equal(CallbackOrigin.MissedCall, lost.Origin);
        Assert.True(pressed.Place < lost.Place);
        Assert.True(lost.Triggers[0].DueAt < pressed.Triggers[0].DueAt, "the lost call was due first");
        Assert.True(FirstOffer(pressed) < FirstOffer(lost));
        Assert.Contains($"{CallbackFunctions.Domain.Telephony.PhoneMask.Mask(DemoDay.PressesOne)} kept their place", output.ToString(), StringComparison.Ordinal);

        // Scheduled by Alice: her phone rang with the comment in the whisper.
        var scheduled = await WaitForStatusAsync(DemoDay.ScheduledByAlice, CallbackStatus.Completed);
        Assert.Equal(CallbackOrigin.Scheduled, scheduled.Origin);
        Assert.Contains(scheduled.Timeline, e => e.Reason.Contains("offered to agent Alice", StringComparison.Ordinal) && e.Reason.Contains("their preferred agent", StringComparison.Ordinal));
        Assert.Contains(CallsTo(DemoDay.Alice), c => c.Heard.Any(h => h.Contains($"Note: {DemoDay.Comment}.", StringComparison.Ordinal)));
        Assert.Contains("Alice schedules a callback", output.ToString(), StringComparison.Ordinal);

        // The private contact: only Alice (her ownership code) was offered it, and her whisper named her and the line she dialled.
        var carla = await WaitForStatusAsync(DemoDay.PrivateContact, CallbackStatus.Completed);
        Assert.Equal("carla", carla.Contact?.Id);
        Assert.All(carla.Timeline.Where(e => e.Reason.Contains("offered to agent", StringComparison.Ordinal)), e => Assert.Contains("Alice", e.Reason, StringComparison.Ordinal));
        Assert.Contains(CallsTo(DemoDay.Alice), c => c.Heard.Any(h => h.Contains(DemoDay.PrivateName, StringComparison.Ordinal) && h.Contains("Dallas store", StringComparison.Ordinal)));
        Assert.Contains($"Alice's alert: {DemoDay.PrivateName} (customer)", output.ToString(), StringComparison.Ordinal);
        // Bob's reject: Alice took it; Bob cooled down.
        var rejected = await WaitForStatusAsync(DemoDay.RejectedByBob, CallbackStatus.Completed);
        Assert.Equal(["bob"], rejected.RejectedBy);
        Assert.Contains("Bob cools down until", output.ToString(), StringComparison.Ordinal);
    }

    private static DateTimeOffset FirstOffer(CallbackDetail c) => c.Timeline.First(e => e.Reason.Contains("offered to agent", StringComparison.Ordinal)).At;
}
