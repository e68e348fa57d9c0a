using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Tests.Callbacks;

/// <summary>
/// The callback orchestration against a mocked context: which timers it sets, which activities it calls with what,
/// how a timer and an event race, and that stale events and faults change nothing they should not.
/// </summary>
public class CallbackOrchestrationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly CallbackPolicy Policy = new() { Intervals = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)] };
    private static readonly Agent Alice = new() { Id = "alice", Name = "Alice", Phone = "+15550000001", Queues = ["support"], Available = true };

    private static Callback Queued() =>
        Callback.Create(new NewCallback("cb-1", "support", "+15551230001", "+14155550100", CallbackOrigin.MissedCall, "CA-original", "missed call"), Policy, T0).Callback;

    private static CallbackRun Run(Callback callback, HeldOffer? held = null) => new(callback, "etag-0", 0, held);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>The offer activity as it behaves when it holds Alice and Twilio accepts her call.</summary>
    private static StepOutcome OfferedToAlice(CallbackRun run, DateTimeOffset now)
    {
        var offered = run.State.StartOffer(Alice, now).Callback;
        var placed = offered.AgentCallPlaced(offered.Offer, $"CA-agent-{offered.Offer}", now).Callback;
        return new StepOutcome(run with { State = placed, Version = run.Version + 1, Held = new HeldOffer(placed.Offer, Alice.Id), Unsaved = false }, []);
    }

    /// <summary>The save activity: the decision's state is stored; a release of the held offer frees it.</summary>
    private static StepOutcome Saved(SaveStep step)
    {
        var releasesHeld = step.Run.Held is { } held && step.Decision.Commands.OfType<ReleaseAgent>().Any(r => r.Holder == held.Holder(step.Run.State.Id));
        return new StepOutcome(step.Run with { State = step.Decision.Callback, Version = step.Run.Version + 1, Held = releasesHeld ? null : step.Run.Held, Unsaved = false }, []);
    }

    private static Func<string, object?, object?> Activities(FakeOrchestration fake, Func<CallbackRun, object?>? checkLeg = null) => (name, input) => name switch
    {
        // The real activity waits out a due time up to a couple of seconds ahead before it offers.
        CallbackActivities.OfferToAgent => OfferedToAlice((CallbackRun)input!, Max(new DateTimeOffset(fake.Now, TimeSpan.Zero), ((CallbackRun)input!).State.DueAt)),
        CallbackActivities.SaveCallback => Saved((SaveStep)input!),
        CallbackActivities.AskTwilioAboutCall when checkLeg is not null => checkLeg((CallbackRun)input!),
        _ => throw new InvalidOperationException($"unexpected activity {name}"),
    };

    /// <summary>A callback offered when due, accepted 3 s after, answered 3 s after that; its agent's call ends with <paramref name="end"/> 40 s after the due time.</summary>
    private static (Callback Callback, FakeOrchestration Fake) AnsweredThen(AgentCallEnded end)
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0)
            .At(callback.DueAt.AddSeconds(3), new AgentAccepted(1))
            .At(callback.DueAt.AddSeconds(6), new CustomerAnswered(1, "CA-customer-1"))
            .At(callback.DueAt.AddSeconds(40), end);
        fake.Activity = Activities(fake);
        return (callback, fake);
    }

    [Fact]
    public async Task AnsweredCallback_OffersWhenDue_CompletesOnTheCustomersAnswer_AndEndsOnceTheAgentCallEnds()
    {
        var (callback, fake) = AnsweredThen(new AgentCallEnded(1));

        var status = await fake.RunAsync(Run(callback));

        Assert.Equal(CallbackStatus.Completed, status);
        Assert.Equal(callback.DueAt.UtcDateTime, fake.Timers[0]);
        var offer = Assert.Single(fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent));
        Assert.Equal(CallbackStatus.Queued, offer.State.Status);
        // The accept and the answer need no I/O while the agent is on the line: they show in the custom status at once,
        // and the one save, at the end of the agent's call, writes them to the table and frees what the offer held.
        var save = Assert.Single(fake.Inputs<SaveStep>(CallbackActivities.SaveCallback));
        Assert.Equal(CallbackStatus.Completed, save.Decision.Callback.Status);
        Assert.True(save.Run.Unsaved);
        // Completed: the release starts the queue's complete cooldown for the agent (seed 004).
        Assert.Equal(new ReleaseAgent("alice", "cb-1/1", CooldownAfter.Complete), Assert.Single(save.Decision.Commands.OfType<ReleaseAgent>()));
        Assert.Equal([CallbackStatus.Queued, CallbackStatus.DialingAgent, CallbackStatus.DialingCustomer, CallbackStatus.Completed],
            fake.CustomStatuses.Select(c => c.State.Status).Distinct());
        Assert.Equal(5, fake.CustomStatuses[^1].State.Timeline.Length); // made, offered, placed, accepted, answered
        // Three timers, not one per event (each timer is a message through the control queue): the due time; the
        // agent's ring watchdog, kept while the later wake-ups of the customer leg came and went, which fires with
        // nothing to do; then the check of the held offer. The last is cancelled as the orchestration ends, so it can complete.
        Assert.Equal(3, fake.Timers.Count);
        Assert.Equal(callback.DueAt.UtcDateTime, fake.Timers[0]);
        Assert.True(fake.Timers[1] < callback.DueAt.AddSeconds(40).UtcDateTime, "the ring watchdog fired before the agent call ended");
        Assert.Equal(callback.DueAt.AddSeconds(6).Add(CallbackOrchestration.HeldCheckEvery).UtcDateTime, fake.Timers[2]);
        Assert.Equal(1, fake.CancelledTimers);
        Assert.Equal(0, fake.OutstandingTimers);
    }

    [Fact]
    public async Task AnAgentCallEndFreedAndRecordedWhereTwilioReportedIt_EndsTheProcessWithNoActivityButTheOffer()
    {
        var (callback, fake) = AnsweredThen(new AgentCallEnded(1, Released: true, FinalSaved: true));

        var status = await fake.RunAsync(Run(callback));

        Assert.Equal(CallbackStatus.Completed, status);
        Assert.Equal([CallbackActivities.OfferToAgent], fake.Activities.Select(a => a.Name));
        Assert.Equal(0, fake.OutstandingTimers);
    }

    [Fact]
    public async Task AnAgentCallEndFreedWhereTwilioReportedIt_ButNotRecorded_RecordsTheOutcomeBeforeTheProcessEnds()
    {
        var (callback, fake) = AnsweredThen(new AgentCallEnded(1, Released: true));

        await fake.RunAsync(Run(callback));

        var save = Assert.Single(fake.Inputs<SaveStep>(CallbackActivities.SaveCallback));
        Assert.True(save.Run.Unsaved);
        Assert.Null(save.Run.Held);
        Assert.Equal(CallbackStatus.Completed, save.Decision.Callback.Status);
        Assert.Empty(save.Decision.Commands); // nothing left to free
    }

    [Fact]
    public async Task AnAgentWhoDidNotAnswer_FreedWhereTwilioReportedIt_GoesStraightToTheNextOffer_WithNoSaveInBetween()
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0)
            .At(callback.DueAt.AddSeconds(3), new AgentCallEnded(1, AgentOutcome.NoAnswer, Released: true))
            .At(callback.DueAt.AddSeconds(4), new CancelRequested(CancelReason.Operator));
        fake.Activity = Activities(fake);

        await fake.RunAsync(Run(callback));

        Assert.Equal([CallbackActivities.OfferToAgent, CallbackActivities.OfferToAgent, CallbackActivities.SaveCallback], fake.Activities.Select(a => a.Name));
        var second = fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent).Last();
        Assert.Null(second.Held);
        Assert.True(second.Unsaved);
        Assert.Contains("did not answer", second.State.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEventBeforeTheDueTime_WinsTheRace_CancelsTheTimer_AndNothingIsOffered()
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0).At(T0.AddSeconds(10), new CancelRequested(CancelReason.Served));
        fake.Activity = Activities(fake);

        var status = await fake.RunAsync(Run(callback));

        Assert.Equal(CallbackStatus.Cancelled, status);
        Assert.Equal(1, fake.CancelledTimers);
        Assert.Empty(fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent));
        var save = Assert.Single(fake.Inputs<SaveStep>(CallbackActivities.SaveCallback));
        Assert.Equal(T0.AddSeconds(10), save.Decision.Callback.Timeline[^1].At);
    }

    /// <summary>A queued callback whose due timer fires <paramref name="early"/>, cancelled just after; when its offer started.</summary>
    private static async Task<(Callback Callback, FakeOrchestration Fake, DateTime? OfferedAt)> RunWithEarlyTimerAsync(TimeSpan early)
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0) { EarlyBy = early }.At(callback.DueAt.AddSeconds(1), new CancelRequested(CancelReason.Operator));
        DateTime? offeredAt = null;
        fake.Activity = (name, input) =>
        {
            if (name == CallbackActivities.OfferToAgent) offeredAt ??= fake.Now;
            return Activities(fake)(name, input);
        };
        await fake.RunAsync(Run(callback));
        return (callback, fake, offeredAt);
    }

    [Fact]
    public async Task ATimerThatFiresUpToASecondEarly_StartsTheOfferAtOnce_WhichWaitsOutTheRestItself()
    {
        var (callback, fake, offeredAt) = await RunWithEarlyTimerAsync(TimeSpan.FromMilliseconds(900));

        // One timer, not a second for the remaining 0.9 s: the offer activity is handed a callback due 0.9 s from now.
        Assert.Equal(callback.DueAt.UtcDateTime, fake.Timers[0]);
        Assert.NotEqual(callback.DueAt.UtcDateTime, fake.Timers.ElementAtOrDefault(1));
        Assert.Equal(callback.DueAt.UtcDateTime.AddMilliseconds(-900), offeredAt);
        var offer = Assert.Single(fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent));
        Assert.Equal(callback.DueAt, offer.State.DueAt);
    }

    [Fact]
    public async Task ATimerThatFiresMoreThanASecondAndAHalfEarly_IsWaitedOut_AndTheOfferStartsOnlyWhenDue()
    {
        var (callback, fake, offeredAt) = await RunWithEarlyTimerAsync(TimeSpan.FromSeconds(3));

        Assert.Equal([callback.DueAt.UtcDateTime, callback.DueAt.UtcDateTime], fake.Timers.Take(2));
        Assert.Equal(callback.DueAt.UtcDateTime, offeredAt);
        Assert.Single(fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent));
    }

    [Fact]
    public async Task AWakeUpMovedToNow_ActsAtOnceWithoutATimer_AndOneMovedLaterKeepsTheTimerItHas()
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0)
            .At(T0.AddSeconds(5), new AgentFreed())             // changes nothing: the timer stays
            .At(T0.AddSeconds(10), new CallNowRequested())      // due at once: offered at once, no timer of its own
            .At(T0.AddSeconds(12), new CancelRequested(CancelReason.Operator));
        fake.Activity = Activities(fake);

        await fake.RunAsync(Run(callback));

        var offer = Assert.Single(fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent));
        Assert.Equal(T0.AddSeconds(10), offer.State.DueAt);
        Assert.Equal(T0.AddSeconds(10).UtcDateTime, fake.Now.AddSeconds(-2)); // the cancel came 2 s after the offer
        Assert.Equal([callback.DueAt.UtcDateTime, (T0.AddSeconds(10) + Policy.AgentRingTimeout + Policy.WatchdogGrace).UtcDateTime], fake.Timers);
        Assert.Equal(2, fake.CancelledTimers); // the due time's, then the ring watchdog's at the end
        Assert.Equal(0, fake.OutstandingTimers);
    }

    [Fact]
    public async Task AWakeUpMovedSooner_ArmsANewTimerAndCancelsTheOld()
    {
        // The customer rings; the agent hangs up meanwhile, which brings the ring watchdog forward.
        var at = T0.AddMinutes(1);
        var ringing = Queued().StartOffer(Alice, at).Callback.AgentCallPlaced(1, "CA-agent-1", at).Callback.AgentAccepted(1, at).Callback;
        var hungUp = at.AddSeconds(1);
        var fake = new FakeOrchestration(at)
            .At(hungUp, new AgentCallEnded(1))
            .At(hungUp.AddSeconds(1), new CancelRequested(CancelReason.Operator));
        fake.Activity = Activities(fake);

        await fake.RunAsync(Run(ringing, new HeldOffer(1, "alice")));

        Assert.Equal([ringing.WakeAt!.Value.UtcDateTime, (hungUp + Policy.WatchdogGrace).UtcDateTime], fake.Timers);
        Assert.True(fake.Timers[1] < fake.Timers[0]);
        Assert.Equal(2, fake.CancelledTimers);
        Assert.Equal(0, fake.OutstandingTimers);
    }

    [Fact]
    public async Task TheExpiryPassingWhileTheAgentRings_EndsItExpiredWhenTheyAccept_HangsThemUp_AndNoCustomerIsDialled()
    {
        var at = T0.AddMinutes(1);
        var ringing = Queued().StartOffer(Alice, at).Callback.AgentCallPlaced(1, "CA-agent-1", at).Callback;
        ringing = ringing with { ExpiresAt = at.AddSeconds(5) };
        var fake = new FakeOrchestration(at)
            .At(at.AddSeconds(6), new AgentAccepted(1))
            .At(at.AddSeconds(7), new AgentCallEnded(1));
        fake.Activity = Activities(fake);

        var status = await fake.RunAsync(Run(ringing, new HeldOffer(1, "alice")));

        Assert.Equal(CallbackStatus.Expired, status);
        var saves = fake.Inputs<SaveStep>(CallbackActivities.SaveCallback).ToList();
        Assert.Equal(CallbackStatus.Expired, saves[0].Decision.Callback.Status);
        Assert.Contains(new HangUpCall("CA-agent-1"), saves[0].Decision.Commands);
        Assert.Null(saves[0].Decision.Callback.CustomerLeg);
        Assert.Equal(0, fake.OutstandingTimers);
    }

    [Fact]
    public async Task ACancelWhileTheAgentRings_HangsUpTheirCall_FreesWhatTheOfferHeld_AndEnds()
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0).At(callback.DueAt.AddSeconds(2), new CancelRequested(CancelReason.Operator));
        fake.Activity = Activities(fake);

        var status = await fake.RunAsync(Run(callback));

        Assert.Equal(CallbackStatus.Cancelled, status);
        Assert.Equal([CallbackActivities.OfferToAgent, CallbackActivities.SaveCallback], fake.Activities.Select(a => a.Name));
        var save = Assert.Single(fake.Inputs<SaveStep>(CallbackActivities.SaveCallback));
        Assert.Equal<CallbackCommand>([new ReleaseAgent("alice", "cb-1/1"), new HangUpCall("CA-agent-1")], save.Decision.Commands);
        Assert.Equal(0, fake.OutstandingTimers);
    }

    [Fact]
    public async Task AnExpiredCallback_IsNeverOffered()
    {
        var callback = Queued();
        var late = Run(callback with { DueAt = callback.ExpiresAt, WakeAt = callback.ExpiresAt });
        var fake = new FakeOrchestration(T0);
        fake.Activity = Activities(fake);

        var status = await fake.RunAsync(late);

        Assert.Equal(CallbackStatus.Expired, status);
        Assert.Empty(fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent));
    }

    [Fact]
    public async Task AStaleEvent_ChangesNothing_AndCallsNoActivity()
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0)
            .At(T0.AddSeconds(5), new AgentAccepted(7))
            .At(T0.AddSeconds(6), new CustomerAnswered(3, "CA-x"))
            .At(T0.AddSeconds(7), new CancelRequested(CancelReason.Operator));
        fake.Activity = Activities(fake);

        await fake.RunAsync(Run(callback));

        var save = Assert.Single(fake.Inputs<SaveStep>(CallbackActivities.SaveCallback));
        Assert.Equal(CallbackStatus.Cancelled, save.Decision.Callback.Status);
        Assert.Equal(3, fake.EventWaits);
    }

    [Fact]
    public async Task AStepThatFailsEveryRetry_IsTriedAgainLater_NotLost()
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0);
        var failures = 1;
        fake.Activity = (name, input) =>
        {
            if (name == CallbackActivities.OfferToAgent && failures-- > 0) throw FakeOrchestration.Failure(name);
            if (name == CallbackActivities.OfferToAgent) return new StepOutcome(((CallbackRun)input!) with { State = callback.Cancel(CancelReason.Operator, callback.DueAt).Callback }, []);
            return Activities(fake)(name, input);
        };

        await fake.RunAsync(Run(callback));

        Assert.Equal(2, fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent).Count());
        Assert.Equal((callback.DueAt + CallbackOrchestration.FaultRetry).UtcDateTime, fake.Timers[1]);
    }

    [Fact]
    public async Task CallbacksAStepFreedSomethingFor_AreToldWithAnEvent()
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0).At(T0.AddSeconds(1), new CancelRequested(CancelReason.Operator));
        fake.Activity = (name, input) => name == CallbackActivities.SaveCallback
            ? Saved((SaveStep)input!) with { Wakes = [new Wake("cb-2", new AgentFreed()), new Wake("cb-3", new LineFreed())] }
            : throw new InvalidOperationException(name);

        await fake.RunAsync(Run(callback));

        Assert.Equal([("cb-2", CallbackOrchestration.EventName, (CallbackEvent)new AgentFreed()), ("cb-3", CallbackOrchestration.EventName, new LineFreed())], fake.Sent);
    }

    [Fact]
    public async Task ALongRun_StartsAfreshWithItsStateAndKeepsUnprocessedEvents()
    {
        // With no agent ever free, the callback looks again every NoAgentRetry: many steps, one run at a time.
        var callback = Queued();
        var fake = new FakeOrchestration(T0);
        fake.Activity = (name, input) =>
        {
            var run = (CallbackRun)input!;
            return new StepOutcome(run with { State = run.State.NoAgentAvailable(new DateTimeOffset(fake.Now, TimeSpan.Zero)).Callback }, []);
        };

        var status = await fake.RunAsync(Run(callback));

        Assert.Equal(CallbackStatus.Queued, status);
        var (input, preserve) = fake.ContinuedAsNew!.Value;
        Assert.True(preserve);
        Assert.Equal(CallbackOrchestration.StepsPerRun, fake.Activities.Count);
        Assert.Equal(CallbackOrchestration.StepsPerRun, fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent).Count());
        Assert.True(((CallbackRun)input!).State.WaitingForAgent);
    }

    [Fact]
    public async Task AFinalCallbackStillHoldingAnOffer_AsksTwilioUntilTheAgentCallEnds_ThenFreesTheAgent()
    {
        var completed = Queued().StartOffer(Alice, T0.AddMinutes(1)).Callback.AgentCallPlaced(1, "CA-agent-1", T0.AddMinutes(1)).Callback
            .AgentAccepted(1, T0.AddMinutes(1)).Callback.CustomerAnswered(1, "CA-c", T0.AddMinutes(1)).Callback;
        var fake = new FakeOrchestration(T0.AddMinutes(1));
        var checks = 0;
        fake.Activity = Activities(fake, _ => ++checks < 3 ? null : new AgentCallEnded(1));

        var status = await fake.RunAsync(Run(completed, new HeldOffer(1, "alice")));

        Assert.Equal(CallbackStatus.Completed, status);
        Assert.Equal(3, checks);
        var save = Assert.Single(fake.Inputs<SaveStep>(CallbackActivities.SaveCallback));
        Assert.Equal(new ReleaseAgent("alice", "cb-1/1", CooldownAfter.Complete), Assert.Single(save.Decision.Commands));
    }

    [Fact]
    public async Task AFinalCallbackStillHoldingAnOffer_KeepsOneCheckTime_WhateverEventsArriveMeanwhile()
    {
        var completed = Queued().StartOffer(Alice, T0.AddMinutes(1)).Callback.AgentCallPlaced(1, "CA-agent-1", T0.AddMinutes(1)).Callback
            .AgentAccepted(1, T0.AddMinutes(1)).Callback.CustomerAnswered(1, "CA-c", T0.AddMinutes(1)).Callback;
        var fake = new FakeOrchestration(T0.AddMinutes(1))
            .At(T0.AddMinutes(1).AddSeconds(10), new AgentAccepted(1))
            .At(T0.AddMinutes(1).AddSeconds(20), new CustomerAnswered(1, "CA-c"))
            .At(T0.AddMinutes(1).AddSeconds(30), new AgentAccepted(1));
        fake.Activity = Activities(fake, _ => new AgentCallEnded(1));

        var status = await fake.RunAsync(Run(completed, new HeldOffer(1, "alice")));

        Assert.Equal(CallbackStatus.Completed, status);
        // Late repeats of webhooks do not push the check back, nor arm a timer each.
        var check = T0.AddMinutes(1).Add(CallbackOrchestration.HeldCheckEvery).UtcDateTime;
        Assert.Equal([check], fake.Timers);
        Assert.Single(fake.Inputs<CallbackRun>(CallbackActivities.AskTwilioAboutCall));
    }

    [Fact]
    public async Task AWatchdogWithNoNewsFromTwilio_LooksAgainLater()
    {
        var dialling = Queued().StartOffer(Alice, T0.AddMinutes(1)).Callback.AgentCallPlaced(1, "CA-agent-1", T0.AddMinutes(1)).Callback;
        var fake = new FakeOrchestration(T0.AddMinutes(1)).At(dialling.WakeAt!.Value.AddSeconds(1), new CancelRequested(CancelReason.Operator));
        fake.Activity = Activities(fake, _ => null);

        await fake.RunAsync(Run(dialling, new HeldOffer(1, "alice")));

        // The watchdog's next look shows in the custom status (nothing to write while the agent's call holds the offer).
        Assert.Contains(fake.CustomStatuses, c => c.State.Status == CallbackStatus.DialingAgent && c.State.WakeAt > dialling.WakeAt);
        Assert.Equal(2, fake.Timers.Count);
        // Cancelling a dialling callback hangs up the agent and frees them.
        var save = Assert.Single(fake.Inputs<SaveStep>(CallbackActivities.SaveCallback));
        Assert.Contains(new HangUpCall("CA-agent-1"), save.Decision.Commands);
    }

    [Fact]
    public async Task ANudge_ToACallbackNotYetDue_OffersNothing()
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0)
            .At(T0.AddSeconds(5), new Nudged())
            .At(T0.AddSeconds(6), new CancelRequested(CancelReason.Operator));
        fake.Activity = Activities(fake);

        await fake.RunAsync(Run(callback));

        Assert.Empty(fake.Inputs<CallbackRun>(CallbackActivities.OfferToAgent));
    }

    [Fact]
    public async Task ANudge_ToAnOverdueCallbackWhoseTimerWasLost_OffersItAtOnce()
    {
        var callback = Queued();
        var nudgedAt = callback.DueAt.AddMinutes(2);
        var fake = new FakeOrchestration(T0) { LoseTimers = 1 }
            .At(nudgedAt, new Nudged())
            .At(nudgedAt.AddSeconds(1), new CancelRequested(CancelReason.Operator));
        DateTime? offeredAt = null;
        fake.Activity = (name, input) =>
        {
            if (name == CallbackActivities.OfferToAgent) offeredAt ??= fake.Now;
            return Activities(fake)(name, input);
        };

        await fake.RunAsync(Run(callback));

        Assert.Equal(nudgedAt.UtcDateTime, offeredAt);
    }

    [Fact]
    public async Task ACallbackWaitingForItsOwnNumber_OffersAgainAsSoonAsItsLastAgentCallEnds()
    {
        // Attempt 1 reached a busy customer; attempt 2 is due, but the number is still held by offer 1's agent call.
        var at = T0.AddMinutes(1);
        var busy = Queued().StartOffer(Alice, at).Callback.AgentCallPlaced(1, "CA-agent-1", at).Callback.AgentAccepted(1, at).Callback
            .CustomerNotReached(1, CustomerOutcome.Busy, "CA-c1", at).Callback;
        var waiting = busy.WaitForTurn("another call to this number is live; waiting", busy.DueAt.AddSeconds(30), busy.DueAt, forLine: false).Callback;
        var ended = waiting.DueAt.AddSeconds(1);
        var fake = new FakeOrchestration(waiting.DueAt).At(ended, new AgentCallEnded(1));
        DateTime? offeredAt = null;
        fake.Activity = (name, input) =>
        {
            if (name == CallbackActivities.OfferToAgent) offeredAt ??= fake.Now;
            return name == CallbackActivities.OfferToAgent
                ? new StepOutcome(((CallbackRun)input!) with { State = waiting.Cancel(CancelReason.Operator, ended).Callback }, [])
                : Saved((SaveStep)input!);
        };

        await fake.RunAsync(Run(waiting, new HeldOffer(1, "alice")));

        Assert.Equal(ended.UtcDateTime, offeredAt);
    }

    [Fact]
    public async Task ACallbackCancelledWhileAFailedStepWaitsToBeRetried_EndsWithoutAnotherActivity()
    {
        var callback = Queued();
        var fake = new FakeOrchestration(T0).At(callback.DueAt.AddSeconds(5), new CancelRequested(CancelReason.Operator));
        fake.Activity = (name, input) => name == CallbackActivities.OfferToAgent ? throw FakeOrchestration.Failure(name) : Activities(fake)(name, input);

        var status = await fake.RunAsync(Run(callback));

        Assert.Equal(CallbackStatus.Cancelled, status);
        Assert.Equal([CallbackActivities.OfferToAgent, CallbackActivities.SaveCallback], fake.Activities.Select(a => a.Name));
    }
}
