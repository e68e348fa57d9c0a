using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;

namespace CallbackFunctions.Domain.Tests.Contacts;

/// <summary>seed 000 "Dial-back logic": a contact shows DialbackQueued while a callback for them is live, then gets back the status it had before.</summary>
public sealed class ContactStatusTests
{
    private static Contact Lead(ContactStatus status = ContactStatus.None) => new()
    {
        Id = "c-1",
        Name = "Ada",
        Numbers = [Build.Caller],
        Types = [ContactType.Lead],
        Status = status,
    };

    private static Contact Follow(Contact contact, string callbackId, CallbackStatus status)
    {
        var change = ContactStatuses.Follow(contact, callbackId, status);
        Assert.True(change.Changed, change.IgnoredBecause);
        return change.Contact;
    }

    [Fact]
    public void Follow_ACallbackQueued_ShowsDialbackQueued_AndKeepsTheStatusBefore()
    {
        var queued = Follow(Lead(ContactStatus.AutomaticRedial), "cb-1", CallbackStatus.Queued);

        Assert.Equal(ContactStatus.DialbackQueued, queued.Status);
        Assert.Equal(ContactStatus.AutomaticRedial, queued.StatusBefore);
        Assert.Equal<string>(["cb-1"], queued.LiveCallbacks);
    }

    [Theory]
    [InlineData(CallbackStatus.Completed)]
    [InlineData(CallbackStatus.Cancelled)]
    [InlineData(CallbackStatus.Expired)]
    [InlineData(CallbackStatus.Failed)]
    public void Follow_TheCallbackLeavesTheLine_GivesBackTheStatusBefore(CallbackStatus end)
    {
        var queued = Follow(Lead(ContactStatus.AutomaticRedial), "cb-1", CallbackStatus.Queued);

        var after = Follow(queued, "cb-1", end);

        Assert.Equal(ContactStatus.AutomaticRedial, after.Status);
        Assert.Null(after.StatusBefore);
        Assert.Empty(after.LiveCallbacks);
    }

    [Theory]
    [InlineData(CallbackStatus.DialingAgent)]
    [InlineData(CallbackStatus.DialingCustomer)]
    [InlineData(CallbackStatus.Queued)]
    public void Follow_TheSameLiveCallbackMovingOn_ChangesNothing(CallbackStatus next)
    {
        var queued = Follow(Lead(), "cb-1", CallbackStatus.Queued);

        var change = ContactStatuses.Follow(queued, "cb-1", next);

        Assert.False(change.Changed);
        Assert.Same(queued, change.Contact);
    }

    [Fact]
    public void Follow_TheSameEndTwice_IsIgnoredTheSecondTime()
    {
        var ended = Follow(Follow(Lead(ContactStatus.AutomaticRedial), "cb-1", CallbackStatus.Queued), "cb-1", CallbackStatus.Expired);

        var again = ContactStatuses.Follow(ended, "cb-1", CallbackStatus.Expired);

        Assert.False(again.Changed);
        Assert.Equal(ContactStatus.AutomaticRedial, again.Contact.Status);
    }

    [Fact]
    public void Follow_AQueuedEventRedeliveredAfterDialbackQueued_NeverLosesTheStatusBefore()
    {
        var once = Follow(Lead(ContactStatus.AutomaticRedial), "cb-1", CallbackStatus.Queued);
        var twice = ContactStatuses.Follow(once, "cb-1", CallbackStatus.Queued).Contact;

        Assert.Equal(ContactStatus.AutomaticRedial, twice.StatusBefore);
        Assert.Equal(ContactStatus.AutomaticRedial, Follow(twice, "cb-1", CallbackStatus.Completed).Status);
    }

    [Fact]
    public void Follow_AnEndForACallbackNeverSeenLive_IsIgnored()
    {
        var contact = Lead(ContactStatus.AutomaticRedial);

        var change = ContactStatuses.Follow(contact, "cb-9", CallbackStatus.Completed);

        Assert.False(change.Changed);
        Assert.Equal("callback cb-9 is not live for this contact", change.IgnoredBecause);
        Assert.Same(contact, change.Contact);
    }

    [Fact]
    public void Follow_TwoLiveCallbacksInTwoQueues_StaysDialbackQueuedUntilTheLastLeaves()
    {
        var both = Follow(Follow(Lead(ContactStatus.AutomaticRedial), "cb-sales", CallbackStatus.Queued), "cb-support", CallbackStatus.Queued);
        Assert.Equal(ContactStatus.AutomaticRedial, both.StatusBefore);

        var one = Follow(both, "cb-sales", CallbackStatus.Completed);
        Assert.Equal(ContactStatus.DialbackQueued, one.Status);
        Assert.Equal<string>(["cb-support"], one.LiveCallbacks);

        var none = Follow(one, "cb-support", CallbackStatus.Cancelled);
        Assert.Equal(ContactStatus.AutomaticRedial, none.Status);
    }

    [Theory]
    [InlineData(CallbackStatus.Expired, ContactStatus.AutomaticRedial)]
    [InlineData(CallbackStatus.Failed, ContactStatus.AutomaticRedial)]
    [InlineData(CallbackStatus.Completed, ContactStatus.None)]
    [InlineData(CallbackStatus.Cancelled, ContactStatus.None)]
    public void Follow_AnUnknownCallersContact_NeverReached_IsSavedAsAutomaticRedial(CallbackStatus end, ContactStatus expected)
    {
        var contact = Contact.ForUnknownCaller("c-CA1", Build.Caller);

        var after = Follow(Follow(contact, "cb-1", CallbackStatus.Queued), "cb-1", end);

        Assert.Equal(expected, after.Status);
    }

    [Fact]
    public void Follow_AKnownContactNeverReached_GetsBackItsStatusNotAutomaticRedial()
    {
        var after = Follow(Follow(Lead(), "cb-1", CallbackStatus.Queued), "cb-1", CallbackStatus.Expired);

        Assert.Equal(ContactStatus.None, after.Status);
    }

    [Fact]
    public void Follow_ACallbackThroughItsLifecycle_FollowsEveryStatusItTakes()
    {
        var story = Story.Queued();
        var contact = Lead(ContactStatus.AutomaticRedial);
        var seen = new List<ContactStatus>();
        void See() { contact = ContactStatuses.Follow(contact, story.Callback.Id, story.Callback.Status).Contact; seen.Add(contact.Status); }

        See();
        story.Offered(); See();
        story.Placed(); See();
        story.Accepted(); See();
        story.Answered(); See();

        Assert.Equal(CallbackStatus.Completed, story.Callback.Status);
        Assert.Equal(
            [ContactStatus.DialbackQueued, ContactStatus.DialbackQueued, ContactStatus.DialbackQueued, ContactStatus.DialbackQueued, ContactStatus.AutomaticRedial],
            seen);
    }
}
