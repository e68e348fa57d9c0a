using CallbackFunctions.Domain.Agents;

namespace CallbackFunctions.Domain.Tests;

/// <summary>seed 000 (eligible agents), seed 004 (a rejected callback goes to the next available agent).</summary>
public class AgentChooserTests
{
    private static readonly string[] NoneTried = [];

    [Fact]
    public void Choose_AmongFreeAgentsOfTheQueue_PicksTheLongestIdle()
    {
        Agent[] agents =
        [
            Build.Agent("a1", idleSince: Build.T0.AddMinutes(-5)),
            Build.Agent("a2", idleSince: Build.T0.AddMinutes(-30)),
            Build.Agent("a3", idleSince: Build.T0.AddMinutes(-10)),
        ];

        Assert.Equal("a2", AgentChooser.Choose(agents, Build.Queue, NoneTried)?.Id);
    }

    [Fact]
    public void AnAgentHeldButNeverCalled_KeepsTheirPlace_WhileOneWhoseCallEndedGoesToTheBackOfTheLine()
    {
        var longest = Build.Agent("a1", idleSince: Build.T0.AddMinutes(-30));
        var next = Build.Agent("a2", idleSince: Build.T0.AddMinutes(-5));

        var unheld = longest.Hold("cb-1/1").Unhold();
        Assert.Null(unheld.HeldBy);
        Assert.Equal(longest.IdleSince, unheld.IdleSince);
        Assert.Equal("a1", AgentChooser.Choose([unheld, next], Build.Queue, NoneTried)?.Id);

        var called = longest.Hold("cb-1/1").Release(Build.T0);
        Assert.Equal(Build.T0, called.IdleSince);
        Assert.Equal("a2", AgentChooser.Choose([called, next], Build.Queue, NoneTried)?.Id);
    }

    [Fact]
    public void Choose_WhenIdleSinceTies_PicksTheLowestIdOrdinally()
    {
        var since = Build.T0.AddMinutes(-5);
        Agent[] agents = [Build.Agent("b", idleSince: since), Build.Agent("B", idleSince: since), Build.Agent("a", idleSince: since)];

        Assert.Equal("B", AgentChooser.Choose(agents, Build.Queue, NoneTried)?.Id);
    }

    [Fact]
    public void Choose_SkipsAgentsAlreadyTriedInThisRound()
    {
        Agent[] agents =
        [
            Build.Agent("a1", idleSince: Build.T0.AddMinutes(-30)),
            Build.Agent("a2", idleSince: Build.T0.AddMinutes(-20)),
            Build.Agent("a3", idleSince: Build.T0.AddMinutes(-10)),
        ];

        Assert.Equal("a3", AgentChooser.Choose(agents, Build.Queue, ["a1", "a2"])?.Id);
    }

    [Fact]
    public void Choose_SkipsAgentsHeldByAnotherOffer()
    {
        Agent[] agents =
        [
            Build.Agent("a1", heldBy: "cb-9/1", idleSince: Build.T0.AddMinutes(-30)),
            Build.Agent("a2", idleSince: Build.T0.AddMinutes(-1)),
        ];

        Assert.Equal("a2", AgentChooser.Choose(agents, Build.Queue, NoneTried)?.Id);
    }

    [Fact]
    public void Choose_SkipsUnavailableAgents()
    {
        Agent[] agents =
        [
            Build.Agent("a1", available: false, idleSince: Build.T0.AddMinutes(-30)),
            Build.Agent("a2", idleSince: Build.T0.AddMinutes(-1)),
        ];

        Assert.Equal("a2", AgentChooser.Choose(agents, Build.Queue, NoneTried)?.Id);
    }

    [Fact]
    public void Choose_SkipsAgentsOfOtherQueues()
    {
        Agent[] agents =
        [
            Build.Agent("a1", queue: "support", idleSince: Build.T0.AddMinutes(-30)),
            Build.Agent("a2", idleSince: Build.T0.AddMinutes(-1)),
        ];

        Assert.Equal("a2", AgentChooser.Choose(agents, Build.Queue, NoneTried)?.Id);
    }

    [Fact]
    public void Choose_MatchesTheQueueIgnoringCase()
    {
        Agent[] agents = [Build.Agent("a1", queue: "Sales")];

        Assert.Equal("a1", AgentChooser.Choose(agents, "SALES", NoneTried)?.Id);
    }

    [Fact]
    public void Choose_ForAnAgentServingSeveralQueues_MatchesAnyOfThem()
    {
        Agent[] agents = [Build.Agent("a1", ["support", "sales"])];

        Assert.Equal("a1", AgentChooser.Choose(agents, "sales", NoneTried)?.Id);
    }

    [Fact]
    public void Choose_WhenNobodyIsFree_ReturnsNull()
    {
        Agent[] agents =
        [
            Build.Agent("a1", available: false),
            Build.Agent("a2", heldBy: "cb-1/1"),
            Build.Agent("a3", queue: "support"),
            Build.Agent("a4"),
        ];

        Assert.Null(AgentChooser.Choose(agents, Build.Queue, ["a4"]));
    }

    [Fact]
    public void Choose_WithNoAgents_ReturnsNull()
    {
        Assert.Null(AgentChooser.Choose([], Build.Queue, NoneTried));
    }

    [Fact]
    public void Holder_ForACallbackOffer_IsIdSlashOffer()
    {
        Assert.Equal("cb-1/3", Agent.Holder("cb-1", 3));
    }

    [Fact]
    public void Hold_MakesAFreeAgentNotFree()
    {
        var held = Build.Agent("a1").Hold("cb-1/1");

        Assert.Equal("cb-1/1", held.HeldBy);
        Assert.False(held.IsFree);
    }

    [Fact]
    public void Release_FreesTheAgentAndRestartsTheirIdleTime()
    {
        var released = Build.Agent("a1", heldBy: "cb-1/1").Release(Build.T0);

        Assert.Null(released.HeldBy);
        Assert.True(released.IsFree);
        Assert.Equal(Build.T0, released.IdleSince);
    }

    [Fact]
    public void IsFree_WhenUnavailable_IsFalse()
    {
        Assert.False(Build.Agent("a1", available: false).IsFree);
    }
}
