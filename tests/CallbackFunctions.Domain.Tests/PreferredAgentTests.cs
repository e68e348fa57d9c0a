using CallbackFunctions.Domain.Agents;

namespace CallbackFunctions.Domain.Tests;

/// <summary>issue 15 §3, seed 002: a callback's preferred agent, with a fallback to the queue's agents.</summary>
public class PreferredAgentTests
{
    private static readonly DateTimeOffset Due = DateTimeOffset.Parse("2026-03-02T14:00:00Z");
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    private static PreferredAgentDecision Decide(PreferredAgentState state, DateTimeOffset now) =>
        PreferredAgent.Decide("a1", "Alice", state, "support", waitingSince: Due, now, Wait);

    [Fact]
    public void Decide_AgentAvailable_RingsThem()
    {
        var ring = Assert.IsType<PreferredAgentDecision.RingPreferred>(Decide(PreferredAgentState.Available, Due));

        Assert.Equal("a1", ring.AgentId);
        Assert.Equal("ringing preferred agent Alice", ring.Reason);
    }

    [Fact]
    public void Decide_AgentBusyWithinTheWait_KeepsWaitingUntilTheWaitEnds()
    {
        var wait = Assert.IsType<PreferredAgentDecision.KeepWaiting>(Decide(PreferredAgentState.Busy, Due.AddSeconds(30)));

        Assert.Equal(Due + Wait, wait.Until);
        Assert.Equal("preferred agent Alice busy: waiting for them until 2026-03-02 14:02:00Z", wait.Reason);
    }

    [Fact]
    public void Decide_AgentStillBusyWhenTheWaitEnds_FallsBackToTheQueue()
    {
        var fallBack = Assert.IsType<PreferredAgentDecision.FallBackToQueue>(Decide(PreferredAgentState.Busy, Due + Wait));

        Assert.Equal("preferred agent Alice busy for 2 min: any agent of support", fallBack.Reason);
    }

    [Fact]
    public void Decide_BusyWithNoWaitSetting_FallsBackAtOnce()
    {
        var decision = PreferredAgent.Decide("a1", "Alice", PreferredAgentState.Busy, "support", Due, Due, TimeSpan.Zero);

        Assert.Equal("preferred agent Alice busy for 0 s: any agent of support", Assert.IsType<PreferredAgentDecision.FallBackToQueue>(decision).Reason);
    }

    [Theory]
    [InlineData(PreferredAgentState.Unavailable, "preferred agent Alice unavailable: any agent of support")]
    [InlineData(PreferredAgentState.LoggedOut, "preferred agent Alice logged out: any agent of support")]
    [InlineData(PreferredAgentState.NoLongerServesQueue, "preferred agent Alice no longer serves support: any agent of support")]
    public void Decide_AgentNotWorthWaitingFor_FallsBackAtOnce(PreferredAgentState state, string reason)
    {
        Assert.Equal(reason, Assert.IsType<PreferredAgentDecision.FallBackToQueue>(Decide(state, Due)).Reason);
    }

    [Fact]
    public void StateOf_ReadsTheDomainsAgent()
    {
        Assert.Equal(PreferredAgentState.Available, PreferredAgent.StateOf(Build.Agent("a1"), Build.Queue));
        Assert.Equal(PreferredAgentState.Busy, PreferredAgent.StateOf(Build.Agent("a1", heldBy: "cb-9/1"), Build.Queue));
        Assert.Equal(PreferredAgentState.Unavailable, PreferredAgent.StateOf(Build.Agent("a1", available: false, heldBy: "cb-9/1"), Build.Queue));
        Assert.Equal(PreferredAgentState.NoLongerServesQueue, PreferredAgent.StateOf(Build.Agent("a1", queue: "support"), Build.Queue));
        Assert.Equal(PreferredAgentState.LoggedOut, PreferredAgent.StateOf(null, Build.Queue));
    }
}
