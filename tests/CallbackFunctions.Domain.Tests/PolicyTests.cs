using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Tests;

public class PolicyTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(60);

    [Fact]
    public void Validate_WithIntervalsWithinTheBounds_FindsNoProblem()
    {
        Assert.Empty(Build.Policy(1, 30, 60).Validate(Min, Max));
    }

    [Fact]
    public void Policy_ByDefault_ExpiresAfterSixtyMinutesWithTheDocumentedTimeouts()
    {
        var policy = Build.Policy(1);

        Assert.Equal(TimeSpan.FromMinutes(60), policy.Expiry); // seed 000
        Assert.Equal(TimeSpan.FromSeconds(20), policy.AgentRingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.CustomerRingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.NoAgentRetry);
        Assert.Equal(TimeSpan.FromSeconds(15), policy.WatchdogGrace);
    }

    [Fact]
    public void MaxAttempts_WithFourIntervals_IsFour()
    {
        Assert.Equal(4, Build.Policy(1, 2, 3, 4).MaxAttempts);
    }

    [Fact]
    public void Validate_WithoutIntervals_AsksForOne()
    {
        var problem = Assert.Single(new CallbackPolicy { Intervals = [] }.Validate(Min, Max));

        Assert.Equal("at least one dialing interval is required", problem);
    }

    [Fact]
    public void Validate_WithIntervalsOutsideTheBounds_NamesEachByPosition()
    {
        var problems = new CallbackPolicy { Intervals = [TimeSpan.FromSeconds(30), Min, TimeSpan.FromMinutes(61)] }.Validate(Min, Max);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("dialing interval 1 ", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("dialing interval 3 ", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithNonPositiveDurations_ReportsEach()
    {
        var policy = Build.Policy(5) with
        {
            Expiry = TimeSpan.Zero,
            AgentRingTimeout = TimeSpan.Zero,
            CustomerRingTimeout = TimeSpan.FromSeconds(-1),
            NoAgentRetry = TimeSpan.Zero,
            WatchdogGrace = TimeSpan.Zero,
        };

        Assert.Equal(5, policy.Validate(Min, Max).Count);
    }

    [Theory]
    [InlineData(CallbackStatus.Queued, false)]
    [InlineData(CallbackStatus.DialingAgent, false)]
    [InlineData(CallbackStatus.DialingCustomer, false)]
    [InlineData(CallbackStatus.Completed, true)]
    [InlineData(CallbackStatus.Cancelled, true)]
    [InlineData(CallbackStatus.Expired, true)]
    [InlineData(CallbackStatus.Failed, true)]
    public void IsTerminal_ForEachStatus_MatchesThePublicContract(CallbackStatus status, bool terminal)
    {
        Assert.Equal(terminal, status.IsTerminal());
    }
}
