using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Contacts;

namespace CallbackFunctions.Domain.Tests.Agents;

/// <summary>seed 000 "How are the Agents Selected?": campaign access and lead ownership codes decide who may call back.</summary>
public sealed class EligibilityTests
{
    private static readonly string[] NoneTried = [];
    private static readonly DateTimeOffset Now = Build.T0;

    private static Agent Agent(string id, int idleMinutes, string[]? campaigns = null, string[]? codes = null) =>
        Build.Agent(id, idleSince: Now.AddMinutes(-idleMinutes)) with { Campaigns = [.. campaigns ?? []], OwnershipCodes = [.. codes ?? []] };

    [Fact]
    public void Choose_ACampaignContact_GoesOnlyToAgentsWithThatCampaign()
    {
        Agent[] agents = [Agent("longest", 60), Agent("spring", 5, campaigns: ["spring"]), Agent("autumn", 30, campaigns: ["autumn"])];

        Assert.Equal("spring", AgentChooser.Choose(agents, Build.Queue, new ContactAccess("spring", null), NoneTried, Now)?.Id);
    }

    [Fact]
    public void Choose_APrivateContact_GoesOnlyToAnAgentWithItsOwnershipCode_EvenWhenAnotherWaitedLonger()
    {
        Agent[] agents = [Agent("other", 60, codes: ["team-1"]), Agent("owner", 1, codes: ["team-1", "team-7"])];

        Assert.Equal("owner", AgentChooser.Choose(agents, Build.Queue, new ContactAccess(null, "team-7"), NoneTried, Now)?.Id);
    }

    [Fact]
    public void Choose_APrivateContactInACampaign_NeedsBoth()
    {
        Agent[] agents =
        [
            Agent("campaign-only", 60, campaigns: ["spring"]),
            Agent("owner-only", 50, codes: ["team-7"]),
            Agent("both", 1, campaigns: ["spring"], codes: ["team-7"]),
        ];

        Assert.Equal("both", AgentChooser.Choose(agents, Build.Queue, new ContactAccess("spring", "team-7"), NoneTried, Now)?.Id);
    }

    [Fact]
    public void Choose_ACommonContactInACampaign_GoesToTheLongestIdleAgentWithTheCampaign_WhateverTheirCodes()
    {
        Agent[] agents = [Agent("no-campaign", 90), Agent("owner", 10, campaigns: ["spring"], codes: ["team-7"]), Agent("plain", 40, campaigns: ["spring"])];

        Assert.Equal("plain", AgentChooser.Choose(agents, Build.Queue, new ContactAccess("spring", null), NoneTried, Now)?.Id);
    }

    [Fact]
    public void Choose_NoCampaignNoOwner_IsAnyAgentOfTheQueue_LongestIdleFirst()
    {
        Agent[] agents = [Agent("a1", 5, campaigns: ["spring"]), Agent("a2", 30, codes: ["team-7"]), Agent("a3", 10)];

        Assert.Equal("a2", AgentChooser.Choose(agents, Build.Queue, ContactAccess.Anyone, NoneTried, Now)?.Id);
    }

    [Fact]
    public void Choose_AnEligibleAgentOfAnotherQueue_IsNotChosen()
    {
        Agent[] agents = [Agent("owner", 60, codes: ["team-7"]) with { Queues = ["support"] }];

        Assert.Null(AgentChooser.Choose(agents, Build.Queue, new ContactAccess(null, "team-7"), NoneTried, Now));
    }

    [Fact]
    public void Choose_BoundToAnAgentWithoutTheOwnershipCode_ChoosesNobody()
    {
        Agent[] agents = [Agent("missed-it", 60), Agent("owner", 1, codes: ["team-7"])];

        Assert.Null(AgentChooser.Choose(agents, Build.Queue, new ContactAccess(null, "team-7"), NoneTried, Now, boundTo: "missed-it"));
        Assert.Equal("owner", AgentChooser.Choose(agents, Build.Queue, new ContactAccess(null, "team-7"), NoneTried, Now, boundTo: "owner")?.Id);
    }

    [Fact]
    public void MayTake_MatchesCampaignsAndCodesIgnoringCase_AsQueuesAre()
    {
        var agent = Agent("a1", 1, campaigns: ["Spring"], codes: ["TEAM-7"]);

        Assert.True(Eligibility.MayTake(agent, "SALES", new ContactAccess("spring", "team-7")));
    }

    [Fact]
    public void Of_AContact_TakesItsCampaignAndOwnershipCode_AndNoContactIsAnyone()
    {
        var contact = new Contact { Id = "c-1", Numbers = [Build.Caller], Types = [ContactType.Lead], Campaign = "spring", OwnershipCode = "team-7" };

        Assert.Equal(new ContactAccess("spring", "team-7"), ContactAccess.Of(contact));
        Assert.Equal(ContactAccess.Anyone, ContactAccess.Of(null));
    }

    [Fact]
    public void NoneFree_ForARestrictedContact_SaysNoEligibleAgent()
    {
        Assert.Equal("no eligible agent (campaign spring, owner team-7) available; waiting for one", Eligibility.NoneFree(new("spring", "team-7"), roundTried: false));
        Assert.Equal("no eligible agent (owner team-7) available; waiting for one", Eligibility.NoneFree(new(null, "team-7"), roundTried: false));
        Assert.Equal("every available eligible agent (campaign spring) was offered it; waiting for one", Eligibility.NoneFree(new("spring", null), roundTried: true));
    }

    [Fact]
    public void NoneFree_ForAnyone_SaysNoAgent_AsToday()
    {
        Assert.Equal("no agent available; waiting for one", Eligibility.NoneFree(ContactAccess.Anyone, roundTried: false));
        Assert.Equal("every available agent was offered it; waiting for one", Eligibility.NoneFree(ContactAccess.Anyone, roundTried: true));
    }

    [Fact]
    public void Validate_Codes_EveryProblemAtOnce()
    {
        var problems = Eligibility.Validate(
            [.. Enumerable.Range(0, Eligibility.MaxCodes + 1).Select(i => $"c{i}")],
            ["team-7", "bad code", "TEAM-7"]);

        Assert.Equal(
            ["campaigns: at most 20",
             "ownershipCodes[1]: letters, digits, '_', '.', '-', starting with a letter or digit, at most 64",
             "ownershipCodes[2]: the same as ownershipCodes[0]"],
            problems);
    }

    [Fact]
    public void Validate_TwentyOfEach_IsFine()
    {
        string[] twenty = [.. Enumerable.Range(0, Eligibility.MaxCodes).Select(i => $"c{i}")];

        Assert.Empty(Eligibility.Validate([.. twenty], [.. twenty]));
    }

    [Fact]
    public void NewAgent_HasNoCampaignsNoCodesNoCooldown()
    {
        var agent = Build.Agent("a1");

        Assert.Empty(agent.Campaigns);
        Assert.Empty(agent.OwnershipCodes);
        Assert.Null(agent.CooldownUntil);
    }
}
