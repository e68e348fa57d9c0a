using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using Microsoft.Extensions.Time.Testing;

namespace CallbackFunctions.Domain.Tests.Agents;

/// <summary>seed 004: after a reject or a completed callback the agent may be placed in a cooldown; a reject goes to the next agent.</summary>
public sealed class CooldownTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly CooldownSettings Settings = new(RejectCooldown: TimeSpan.FromMinutes(2), CompleteCooldown: TimeSpan.FromSeconds(30));
    private static readonly string[] NoneTried = [];

    [Fact]
    public void AfterReject_TheAgentIsNotOfferedCallbacksUntilTheCooldownEnds_ThenExactlyAtItsTime()
    {
        var clock = new FakeTimeProvider(Build.T0);
        var agent = Cooldowns.AfterReject(Build.Agent("a1"), Settings, clock.GetUtcNow());
        var ends = Build.T0.AddMinutes(2);
        Assert.Equal(ends, agent.CooldownUntil);

        clock.SetUtcNow(ends - Tick);
        Assert.False(agent.IsFreeAt(clock.GetUtcNow()));
        Assert.Null(AgentChooser.Choose([agent], Build.Queue, ContactAccess.Anyone, NoneTried, clock.GetUtcNow()));

        clock.SetUtcNow(ends);
        Assert.True(agent.IsFreeAt(clock.GetUtcNow()));
        Assert.Equal("a1", AgentChooser.Choose([agent], Build.Queue, ContactAccess.Anyone, NoneTried, clock.GetUtcNow())?.Id);
    }

    [Fact]
    public void AfterComplete_TheAgentCoolsDownForCompleteCooldown_EndingExactlyAtItsTime()
    {
        var clock = new FakeTimeProvider(Build.T0);
        var agent = Cooldowns.AfterComplete(Build.Agent("a1", heldBy: "cb-1/1").Release(clock.GetUtcNow()), Settings, clock.GetUtcNow());
        var ends = Build.T0.AddSeconds(30);

        Assert.Equal(ends, agent.CooldownUntil);
        clock.Advance(TimeSpan.FromSeconds(30) - Tick);
        Assert.True(Cooldowns.InCooldown(agent, clock.GetUtcNow()));
        Assert.False(agent.IsFreeAt(clock.GetUtcNow()));
        clock.Advance(Tick);
        Assert.False(Cooldowns.InCooldown(agent, clock.GetUtcNow()));
        Assert.True(agent.IsFreeAt(clock.GetUtcNow()));
    }

    [Fact]
    public void NoCooldownSet_TheAgentIsFreeAtOnce()
    {
        var agent = Cooldowns.AfterReject(Build.Agent("a1"), CooldownSettings.None, Build.T0);

        Assert.Null(agent.CooldownUntil);
        Assert.True(agent.IsFreeAt(Build.T0));
    }

    [Fact]
    public void AfterReject_DuringALongerCooldown_KeepsTheLongerOne_AndTheSameRejectTwiceIsTheSameAgent()
    {
        var longer = Build.Agent("a1") with { CooldownUntil = Build.T0.AddMinutes(10) };
        Assert.Equal(Build.T0.AddMinutes(10), Cooldowns.AfterReject(longer, Settings, Build.T0).CooldownUntil);

        var once = Cooldowns.AfterReject(Build.Agent("a1"), Settings, Build.T0);
        Assert.Same(once, Cooldowns.AfterReject(once, Settings, Build.T0));
    }

    [Fact]
    public void IsFreeAt_InCooldownButHeldOrUnavailable_IsStillNotFree()
    {
        var past = Build.T0.AddMinutes(-1);

        Assert.False((Build.Agent("a1", heldBy: "cb-1/1") with { CooldownUntil = past }).IsFreeAt(Build.T0));
        Assert.False((Build.Agent("a1", available: false) with { CooldownUntil = past }).IsFreeAt(Build.T0));
    }

    [Fact]
    public void Reject_TheCallbackGoesToTheNextEligibleAgent_NeverTheRejectingOne()
    {
        var rejecting = Build.Agent("a1", idleSince: Build.T0.AddMinutes(-60)) with { OwnershipCodes = ["team-7"] };
        var ineligible = Build.Agent("a2", idleSince: Build.T0.AddMinutes(-50));
        var next = Build.Agent("a3", idleSince: Build.T0.AddMinutes(-10)) with { OwnershipCodes = ["team-7"] };
        var access = new ContactAccess(null, "team-7");

        // The story: offered to a1 (the longest idle), who presses 2 (seed 004 "Reject Callback").
        var story = Story.Queued();
        Assert.Equal("a1", AgentChooser.Choose([rejecting, ineligible, next], Build.Queue, access, NoneTried, story.Now)?.Id);
        story.Offered(rejecting).Declined(AgentOutcome.Passed);
        rejecting = Cooldowns.AfterReject(rejecting.Release(story.Now), Settings, story.Now);

        Assert.Equal(CallbackStatus.Queued, story.Callback.Status);
        Assert.Contains("a1", story.Callback.TriedAgents);
        Assert.Equal("a3", AgentChooser.Choose([rejecting, ineligible, next], Build.Queue, access, story.Callback.TriedAgents, story.Now)?.Id);

        // Its cooldown over, a1 is still not offered this callback in this round.
        story.At(rejecting.CooldownUntil!.Value);
        Assert.True(rejecting.IsFreeAt(story.Now));
        Assert.Equal("a3", AgentChooser.Choose([rejecting, ineligible, next], Build.Queue, access, story.Callback.TriedAgents, story.Now)?.Id);
        Assert.Null(AgentChooser.Choose([rejecting, ineligible], Build.Queue, access, story.Callback.TriedAgents, story.Now));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(3600, true)]
    [InlineData(-1, false)]
    [InlineData(3601, false)]
    public void Settings_FromNoneToAnHour_AreValid(int seconds, bool valid)
    {
        var duration = TimeSpan.FromSeconds(seconds);

        Assert.Equal(valid ? [] : ["rejectCooldown: between 00:00:00 (none) and 01:00:00"], new CooldownSettings(duration, TimeSpan.Zero).Validate());
        Assert.Equal(valid ? [] : ["completeCooldown: between 00:00:00 (none) and 01:00:00"], new CooldownSettings(TimeSpan.Zero, duration).Validate());
    }

    [Fact]
    public void Settings_None_IsTheDefault_AndBothWrong_AreReportedAtOnce()
    {
        Assert.Equal(TimeSpan.Zero, CooldownSettings.None.RejectCooldown);
        Assert.Equal(TimeSpan.Zero, CooldownSettings.None.CompleteCooldown);
        Assert.Equal(2, new CooldownSettings(TimeSpan.FromHours(2), TimeSpan.FromSeconds(-1)).Validate().Count);
    }
}
