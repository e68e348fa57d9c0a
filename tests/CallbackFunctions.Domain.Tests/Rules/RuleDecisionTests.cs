using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Domain.Tests.Rules;

/// <summary>seed 000/001: what a lost call becomes under the rules.</summary>
public sealed class RuleDecisionTests
{
    private const string Ours = "+14155550100";
    private static readonly AccountState Open = new(false, null);
    private static readonly TimeZoneInfo LosAngeles = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    private static CallbackRule Rule(RuleKind kind = RuleKind.ContactCenter) =>
        new() { Kind = kind, Intervals = [TimeSpan.FromMinutes(2)], Queue = kind == RuleKind.Scenario ? "ivr" : null };

    private static RuleDecision Decide(CallbackRule rule, AccountState? account = null, string? dialled = Ours, bool ours = true,
        string? customerZone = "America/Los_Angeles", bool isRequest = false, DateTimeOffset? at = null) =>
        RuleDecision.For(rule, account ?? Open, "sales", dialled, ours, customerZone,
            id => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : null, at ?? Build.T0, isRequest);

    [Fact]
    public void EnabledRule_WithEverythingKnown_MakesACallbackInTheCustomersZone()
    {
        var make = Assert.IsType<RuleDecision.Make>(Decide(Rule()));
        Assert.Equal(("sales", Ours, "America/Los_Angeles"), (make.Queue, make.CallerId, make.TimeZone));
    }

    [Fact]
    public void FrozenAccount_MakesNone_EvenForAnIvrRequest()
    {
        Assert.IsType<RuleDecision.NoCallback>(Decide(Rule(), new AccountState(true, Build.T0)));
        Assert.IsType<RuleDecision.NoCallback>(Decide(Rule(), new AccountState(true, Build.T0), isRequest: true));
    }

    [Fact]
    public void DisabledRule_MakesNone_ButAnIvrRequestIsStillHonoured()
    {
        var off = Rule() with { Enabled = false };
        Assert.Contains("disabled", Assert.IsType<RuleDecision.NoCallback>(Decide(off)).Reason, StringComparison.Ordinal);
        Assert.IsType<RuleDecision.Make>(Decide(off, isRequest: true));
    }

    [Fact]
    public void ScenarioRule_RoutesToItsQueue_ContactCenterRuleBackOrForward()
    {
        Assert.Equal("ivr", Assert.IsType<RuleDecision.Make>(Decide(Rule(RuleKind.Scenario))).Queue);
        Assert.Equal("sales", Assert.IsType<RuleDecision.Make>(Decide(Rule() with { Queue = "cb" })).Queue);
        Assert.Equal("cb", Assert.IsType<RuleDecision.Make>(Decide(Rule() with { Queue = "cb", ForwardToQueue = true })).Queue);
    }

    [Fact]
    public void CallerId_WhenTheDialledNumberIsNotOurs_IsTheRules_OrNoneAtAll()
    {
        Assert.Equal("+14155550999", Assert.IsType<RuleDecision.Make>(Decide(Rule() with { CallerId = "+14155550999" }, ours: false)).CallerId);
        Assert.IsType<RuleDecision.NoCallback>(Decide(Rule(), ours: false));
    }

    [Fact]
    public void TimeZone_FromTheRule_WhenTheNumberDoesNotTell_ElseFailedAtOnce()
    {
        Assert.Equal("Europe/Berlin", Assert.IsType<RuleDecision.Make>(Decide(Rule() with { TimeZone = "Europe/Berlin" }, customerZone: null)).TimeZone);
        Assert.Contains("no time zone", Assert.IsType<RuleDecision.FailedAtOnce>(Decide(Rule(), customerZone: null)).Reason, StringComparison.Ordinal);
        Assert.IsType<RuleDecision.FailedAtOnce>(Decide(Rule() with { TimeZone = "Nowhere/Atlantis" }, customerZone: null));
    }

    [Fact]
    public void MissedOutsideOpeningHours_MakesNone_InTheCustomersLocalTime()
    {
        // Weekdays 09:00–17:00 in Los Angeles. Build.T0 is Monday 2025-03-10 09:00Z = 02:00 PDT: closed there.
        var rule = Rule() with { Schedule = new OpeningHours(new DailyWindow(new TimeOnly(9, 0), new TimeOnly(17, 0)), null) };
        Assert.Contains("outside opening hours", Assert.IsType<RuleDecision.NoCallback>(Decide(rule)).Reason, StringComparison.Ordinal);
        Assert.IsType<RuleDecision.Make>(Decide(rule, at: Build.T0.AddHours(8)));   // 10:00 PDT
        Assert.IsType<RuleDecision.Make>(Decide(rule, isRequest: true));            // an IVR request waits for opening instead
    }

    [Fact]
    public void NoCallback_HasAStableCode_AndAReasonNamingTheRuleAndWhereItDecidedTheZone()
    {
        // Weekdays 09:00–17:00; Build.T0 is Monday 02:00 in Los Angeles (closed) and 04:00 in Chicago (closed).
        var v3 = Rule() with { Version = 3, CallerId = null, Schedule = new OpeningHours(new DailyWindow(new TimeOnly(9, 0), new TimeOnly(17, 0)), null) };

        var frozen = Assert.IsType<RuleDecision.NoCallback>(Decide(v3, new AccountState(true, Build.T0)));
        var off = Assert.IsType<RuleDecision.NoCallback>(Decide(v3 with { Enabled = false }));
        var noCallerId = Assert.IsType<RuleDecision.NoCallback>(Decide(v3, ours: false));
        var closed = Assert.IsType<RuleDecision.NoCallback>(Decide(v3, customerZone: "America/Chicago"));
        var closedForScenario = Assert.IsType<RuleDecision.NoCallback>(Decide(v3 with { Kind = RuleKind.Scenario, Queue = "ivr" }));

        Assert.Equal((RuleDecision.NoCallback.AccountFrozen, "the account is frozen"), (frozen.Code, frozen.Reason));
        Assert.Equal(("rule-disabled", "the contact-center rule v3 is disabled"), (off.Code, off.Reason));
        Assert.Equal(("no-caller-id", "no caller ID: the dialled number is not ours and the contact-center rule v3 sets none"), (noCallerId.Code, noCallerId.Reason));
        Assert.Equal(("outside-hours", "missed outside opening hours, contact-center rule v3, America/Chicago"), (closed.Code, closed.Reason));
        Assert.Equal("missed outside opening hours, scenario rule v3, America/Los_Angeles", closedForScenario.Reason);
    }

    [Fact]
    public void RuleKindNames_AreTheApisWords()
    {
        Assert.Equal("scenario", RuleKind.Scenario.Name());
        Assert.Equal("contact-center", RuleKind.ContactCenter.Name());
    }
}

/// <summary>The lifecycle side of rules: waiting for opening hours, failing at once, taking a new rule version.</summary>
public sealed class RuleLifecycleTests
{
    [Fact]
    public void WaitForOpening_MovesTheDueTime_AndWakesThen()
    {
        var story = Story.Queued().Advance(TimeSpan.FromMinutes(2));
        var opens = story.Now.AddMinutes(20);

        var decision = story.Callback.WaitForOpening(opens, story.Now);

        Assert.True(decision.Changed);
        Assert.Equal(opens, decision.Callback.DueAt);
        Assert.Equal(opens, decision.Callback.WakeAt);
        Assert.Equal(CallbackStatus.Queued, decision.Callback.Status);
        Assert.Contains("outside opening hours", decision.Callback.Timeline[^1].Reason, StringComparison.Ordinal);
        Expect.WakesAt(decision, opens);
    }

    [Fact]
    public void WaitForOpening_PastTheExpiry_WakesAtTheExpiryToExpire()
    {
        var story = Story.Queued().Advance(TimeSpan.FromMinutes(2));
        var decision = story.Callback.WaitForOpening(story.Callback.ExpiresAt.AddHours(5), story.Now);

        Assert.Equal(story.Callback.ExpiresAt, decision.Callback.WakeAt);
        Assert.True(decision.Callback.Expire(story.Callback.ExpiresAt).Changed);
    }

    [Fact]
    public void WaitForTurn_RecordsTheReasonOnce_AndRetriesWithoutPassingTheExpiry()
    {
        var story = Story.Queued().Advance(TimeSpan.FromMinutes(2));
        story.Apply((c, now) => c.WaitForTurn("all 5 lines busy; waiting for a line", now.AddSeconds(1), now, forLine: true));
        Assert.True(story.Callback.WaitingForLine);
        Assert.Equal(story.Now.AddSeconds(1), story.Callback.WakeAt);
        var entries = story.Callback.Timeline.Length;

        story.Advance(TimeSpan.FromSeconds(1)).Apply((c, now) => c.WaitForTurn("all 5 lines busy; waiting for a line", now.AddSeconds(1), now, forLine: true));
        Assert.Equal(entries, story.Callback.Timeline.Length);   // the same wait is not written twice

        var late = story.Try((c, now) => c.WaitForTurn("another call to this number is live; waiting", c.ExpiresAt.AddMinutes(5), now, forLine: false));
        Assert.Equal(story.Callback.ExpiresAt, late.Callback.WakeAt);
        Assert.False(late.Callback.WaitingForLine);
        Assert.Equal(entries + 1, late.Callback.Timeline.Length);
    }

    [Fact]
    public void WaitForOpening_WhenAlreadyOpen_IsIgnored()
    {
        var story = Story.Queued();
        Assert.False(story.Callback.WaitForOpening(story.Now, story.Now).Changed);
    }

    [Fact]
    public void Fail_FromQueued_EndsFailedWithTheReason_AndNothingElseHappens()
    {
        var story = Story.Queued();
        var failed = story.Callback.Fail("no time zone", story.Now);

        Assert.Equal(CallbackStatus.Failed, failed.Callback.Status);
        Assert.Null(failed.Callback.WakeAt);
        Assert.Empty(failed.Commands);
        Assert.False(failed.Callback.Fail("again", story.Now).Changed);
    }

    [Fact]
    public void WithRule_BeforeAnAttempt_TakesTheNewVersion_DuringOneKeepsTheOld()
    {
        var created = Callback.Create(Build.MissedCall() with { Rule = RuleKind.ContactCenter, RuleVersion = 1 }, Build.ThreeAttempts(), Build.T0).Callback;
        var v2 = new CallbackRule { Kind = RuleKind.ContactCenter, Version = 2, Intervals = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)], CustomerRingTimeout = TimeSpan.FromSeconds(45) };

        var before = created.WithRule(v2);
        Assert.Equal(2, before.RuleVersion);
        Assert.Equal(TimeSpan.FromSeconds(45), before.Policy.CustomerRingTimeout);
        Assert.Equal(2, before.Policy.MaxAttempts);

        var offered = before.StartOffer(Build.Agent("a1"), Build.T0.AddMinutes(2)).Callback;
        Assert.Contains("contact-center rule v2", offered.Timeline[^1].Reason, StringComparison.Ordinal);
        var v3 = v2 with { Version = 3, CustomerRingTimeout = TimeSpan.FromSeconds(10) };
        Assert.Same(offered, offered.WithRule(v3)); // the attempt under way keeps the settings it started with
        Assert.Same(created, created.WithRule(v3 with { Kind = RuleKind.Scenario })); // another rule's edit is not ours
    }
}
