using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;

namespace CallbackFunctions.Domain.Tests.Contacts;

/// <summary>A callback's contact (issue 16): who may take it, and what is left of them when the contact is changed or deleted.</summary>
public sealed class CallbackContactTests
{
    private static readonly ContactRef Private = new("c-1", "Ana Lima", [ContactType.Customer, ContactType.Lead], null, "owner-7");

    private static Story WithContact(ContactRef? contact) => Story.Queued(request: Build.MissedCall() with { Contact = contact });

    [Fact]
    public void APrivateContactsCallback_GoesOnlyToItsOwnersAgents_EvenWhenAnotherWaitedLonger()
    {
        var c = WithContact(Private).Callback;
        var other = Build.Agent("other", idleSince: Build.T0.AddHours(-5));
        var owner = Build.Agent("owner", idleSince: Build.T0.AddMinutes(-1)) with { OwnershipCodes = ["OWNER-7"] };
        Assert.Equal("owner", AgentChooser.Choose([other, owner], c.Queue, c.Access, c.ExcludedAgents, c.DueAt)?.Id);
        Assert.Null(AgentChooser.Choose([other], c.Queue, c.Access, c.ExcludedAgents, c.DueAt));
    }

    [Fact]
    public void Deleted_LeavesTheNumberOnly_AndAnyoneMayTakeIt()
    {
        var story = WithContact(Private);
        story.Advance(TimeSpan.FromSeconds(5)).Apply((c, now) => c.ContactChanged("c-1", null, now));
        Assert.Null(story.Callback.Contact);
        Assert.Equal(ContactAccess.Anyone, story.Callback.Access);
        Assert.Equal(Build.Caller, story.Callback.Caller);
        Assert.Equal("contact c-1 deleted: calling back the number only", story.Callback.Timeline[^1].Reason);
        Assert.Equal(CallbackStatus.Queued, story.Callback.Status);
    }

    [Fact]
    public void Changed_TakesTheNewAccess_AndARepeatChangesNothing()
    {
        var story = WithContact(Private);
        var common = Private with { OwnershipCode = null, Types = [ContactType.Lead, ContactType.Customer] };
        story.Apply((c, now) => c.ContactChanged("c-1", common, now));
        Assert.Equal(ContactAccess.Anyone, story.Callback.Access);
        Expect.Ignored(story.Callback, story.Try((c, now) => c.ContactChanged("c-1", common with { Types = [ContactType.Customer, ContactType.Lead] }, now)));
    }

    [Fact]
    public void AnotherContactsChange_OrAFinalCallback_ChangesNothing()
    {
        var story = WithContact(Private);
        Expect.Ignored(story.Callback, story.Try((c, now) => c.ContactChanged("c-2", null, now)));
        var done = Story.In(CallbackStatus.Completed);
        Expect.Ignored(done.Callback, done.Try((c, now) => c.ContactChanged("c-1", null, now)));
    }

    [Fact]
    public void AContactSavedForTheNumberOfACallbackWithout_IsTakenWithItsAccess_AndARepeatChangesNothing()
    {
        var story = WithContact(null).Advance(TimeSpan.FromSeconds(30));
        var wakeAt = story.Callback.WakeAt;
        story.Apply((c, now) => c.ContactFound(Build.Caller, Private, now));
        Assert.Equal(Private, story.Callback.Contact);
        Assert.Equal(new ContactAccess(null, "owner-7"), story.Callback.Access);
        Assert.Equal("contact c-1 saved for this number", story.Callback.Timeline[^1].Reason);
        Assert.Equal(CallbackStatus.Queued, story.Callback.Status);
        Assert.Equal(wakeAt, story.Callback.WakeAt);
        Expect.Ignored(story.Callback, story.Try((c, now) => c.ContactFound(Build.Caller, Private, now)));
    }

    [Fact]
    public void AContactFound_ForAnotherNumber_ACallbackWithAContact_OrAFinalOne_ChangesNothing()
    {
        var without = WithContact(null);
        Expect.Ignored(without.Callback, without.Try((c, now) => c.ContactFound("+14155559999", Private, now)));
        var with = WithContact(Private with { Id = "c-2" });
        Expect.Ignored(with.Callback, with.Try((c, now) => c.ContactFound(Build.Caller, Private, now)));
        var done = Story.In(CallbackStatus.Completed);
        Expect.Ignored(done.Callback, done.Try((c, now) => c.ContactFound(Build.Caller, Private, now)));
    }

    [Fact]
    public void AMergedRequest_BringsTheContactAsItFoundIt_ANoneKeepsTheOne()
    {
        var story = WithContact(null);
        var trigger = new Trigger(TriggerKind.IvrRequest, story.Now.AddMinutes(1), story.Now.AddMinutes(1), story.Now.AddMinutes(5), "CA-2");
        story.Advance(TimeSpan.FromMinutes(1)).Apply((c, now) => c.Merge(trigger, "IVR request", now, contact: Private));
        Assert.Same(Private, story.Callback.Contact);
        var third = trigger with { ReceivedAt = story.Now.AddMinutes(1), Source = "CA-3" };
        story.Advance(TimeSpan.FromMinutes(1)).Apply((c, now) => c.Merge(third, "IVR request", now));
        Assert.Same(Private, story.Callback.Contact);
    }

    [Fact]
    public void Unbind_LetsAnyEligibleAgentTakeIt_AndSaysWhy_OnlyWhileQueued()
    {
        var story = Story.Queued(request: Build.MissedCall() with { Contact = Private, BoundAgent = "missed-it" });
        var unbound = story.Callback.Unbind("agent Bob may not call this contact back: any eligible agent of support", story.Now);
        Assert.Null(unbound.BoundAgent);
        Assert.Equal("agent Bob may not call this contact back: any eligible agent of support", unbound.Timeline[^1].Reason);
        var ringing = Story.Queued(request: Build.MissedCall() with { BoundAgent = "a1" }).Offered().Callback;
        Assert.Same(ringing, ringing.Unbind("no", Build.T0));
    }

    [Fact]
    public void Labels_AreTheSeedsWords_InOrder()
    {
        Assert.Equal(["lead", "customer"], Private.Labels);
        Assert.Equal(["previous customer"], (Private with { Types = [ContactType.PreviousCustomer] }).Labels);
    }
}
