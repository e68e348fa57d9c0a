using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.EndToEnd;

/// <summary>The scripted day of ./run.sh demo, end to end: app + Twilio simulator + Azurite.</summary>
public sealed class DemoDayTests : StackTestBase
{
    [Fact]
    public async Task DemoDay_EndsAsScripted_CompletedCancelledExpired()
    {
        var output = new StringWriter();
        var outcomes = await new DemoDay(Stack, output).RunAsync(TimeSpan.FromSeconds(80), CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.Actual == o.Expected, $"{o.Caller}: expected {o.Expected}, got {o.Actual}\n{output}"));
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
    }
}
