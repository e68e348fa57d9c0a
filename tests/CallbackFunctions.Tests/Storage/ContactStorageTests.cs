using Azure.Data.Tables;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Storage;
using CallbackFunctions.Tests.Support;

namespace CallbackFunctions.Tests.Storage;

/// <summary>issue 16 §1: contacts and their number index on Azurite, several app instances writing at once.</summary>
public sealed class ContactStorageTests : StackTestBase
{
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    /// <summary>A repository of its own, as another app instance would have.</summary>
    private ContactRepository Instance() => new(Stack.Service<StorageAccount>());

    private static Contact Person(string id, params string[] numbers) =>
        new() { Id = id, Name = "Name " + id, Numbers = [.. numbers], Types = [ContactType.Lead] };

    [Fact]
    public async Task PutsAtOnce_ClaimingOneNumber_ExactlyOneWins_AndTheOthersAreToldWhose()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => Instance().SaveAsync(Person($"c{i}", $"+1415555{i:D4}", "+14155559999"), default))));

        var winner = Assert.Single(results.OfType<ContactSave.Saved>()).Contact.Value;
        var refused = results.OfType<ContactSave.NumbersHeld>().ToList();
        Assert.Equal(7, refused.Count);
        Assert.All(refused, r => Assert.Equal($"already a number of contact {winner.Id}", Assert.Single(r.Problems, p => p.Key == "numbers[1]").Value));
        Assert.Equal(winner.Id, (await Instance().FindByNumberAsync("+14155559999", default))!.Value.Id);
        // A refused contact is not saved at all, nor is its other number claimed.
        var losers = Enumerable.Range(0, 8).Select(i => $"c{i}").Where(id => id != winner.Id).ToList();
        foreach (var id in losers) Assert.Null(await Instance().GetAsync(id, default));
        Assert.Empty(await Instance().OwnersAsync(losers.Select(id => $"+1415555{int.Parse(id[1..]):D4}"), default));
    }

    [Fact]
    public async Task APutAgain_KeepsItsNumbers_AndTheNumbersItDrops_AreFreeForOthers()
    {
        var repository = Instance();
        Assert.IsType<ContactSave.Saved>(await repository.SaveAsync(Person("ann", "+14155550101", "+14155550102"), default));
        var again = Assert.IsType<ContactSave.Saved>(await repository.SaveAsync(Person("ann", "+14155550101", "+14155550102") with { Name = "Ann B." }, default));
        Assert.Equal("Ann B.", again.Contact.Value.Name);
        Assert.Equal("Name ann", again.Before?.Name);

        Assert.IsType<ContactSave.Saved>(await repository.SaveAsync(Person("ann", "+14155550102", "+14155550103"), default));

        Assert.Null(await repository.FindByNumberAsync("+14155550101", default));
        Assert.Equal("ann", (await repository.FindByNumberAsync("+14155550103", default))!.Value.Id);
        var held = Assert.IsType<ContactSave.NumbersHeld>(await repository.SaveAsync(Person("bob", "+14155550101", "+14155550103"), default));
        Assert.Equal(["numbers[1]"], held.Problems.Keys);
        Assert.IsType<ContactSave.Saved>(await repository.SaveAsync(Person("bob", "+14155550101"), default));
        Assert.Equal("bob", (await repository.FindByNumberAsync("+14155550101", default))!.Value.Id);
    }

    [Fact]
    public async Task Delete_FreesTheNumbers_AndAnswersWhatItWas()
    {
        var repository = Instance();
        await repository.SaveAsync(Person("ann", "+14155550111"), default);

        Assert.Equal("ann", (await repository.DeleteAsync("ann", default))!.Id);
        Assert.Null(await repository.DeleteAsync("ann", default));
        Assert.Null(await repository.FindByNumberAsync("+14155550111", default));
        Assert.IsType<ContactSave.Saved>(await repository.SaveAsync(Person("bob", "+14155550111"), default));
    }

    [Fact]
    public async Task Follow_IsIdempotent_APutKeepsTheStatus_AndAMissingContactIsNoChange()
    {
        var repository = Instance();
        await repository.SaveAsync(Person("ann", "+14155550121"), default);

        await repository.FollowAsync("ann", "cb-1", CallbackStatus.Queued, default);
        var twice = await repository.FollowAsync("ann", "cb-1", CallbackStatus.Queued, default);
        Assert.False(twice!.Changed);
        await repository.SaveAsync(Person("ann", "+14155550121") with { Types = [ContactType.Customer] }, default);
        var queued = (await repository.GetAsync("ann", default))!.Value;
        Assert.Equal(ContactStatus.DialbackQueued, queued.Status);
        Assert.Equal(ContactStatus.None, queued.StatusBefore);
        Assert.Equal(["cb-1"], queued.LiveCallbacks.ToArray());

        await repository.FollowAsync("ann", "cb-1", CallbackStatus.Completed, default);
        await repository.FollowAsync("ann", "cb-1", CallbackStatus.Completed, default);
        var done = (await repository.GetAsync("ann", default))!.Value;
        Assert.Equal(ContactStatus.None, done.Status);
        Assert.Empty(done.LiveCallbacks);
        Assert.Null(await repository.FollowAsync("nobody", "cb-1", CallbackStatus.Queued, default));
    }

    [Fact]
    public async Task FollowsAtOnce_FromTwoCallbacks_BothCount()
    {
        await Instance().SaveAsync(Person("ann", "+14155550131"), default);

        await Task.WhenAll(Task.Run(() => Instance().FollowAsync("ann", "cb-1", CallbackStatus.Queued, default)),
            Task.Run(() => Instance().FollowAsync("ann", "cb-2", CallbackStatus.Queued, default)));

        Assert.Equal(["cb-1", "cb-2"], (await Instance().GetAsync("ann", default))!.Value.LiveCallbacks.Order());
    }

    [Fact]
    public async Task AnUnknownCaller_TwiceAtOnce_MakesOneContact_AndTheSameIdAgainIsThatContact()
    {
        const string number = "+14155550141";
        var made = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => Task.Run(() => Instance().AddUnknownCallerAsync(Contact.ForUnknownCaller($"unknown-CA{i}", number), default))));

        var id = made[0].Value.Id;
        Assert.All(made, m => Assert.Equal(id, m.Value.Id));
        Assert.Equal(id, (await Instance().FindByNumberAsync(number, default))!.Value.Id);
        var (all, _) = await Instance().ListAsync(null, 100, default);
        Assert.Equal(id, Assert.Single(all).Id);
        Assert.Equal(id, (await Instance().AddUnknownCallerAsync(Contact.ForUnknownCaller(id, number), default)).Value.Id);
        Assert.True(Assert.Single(all).IsUnknownCaller);
    }

    [Fact]
    public async Task ANumberRowWhoseContactDoesNotListIt_CountsAsAbsent_AndIsTakenOver()
    {
        // No write of ours leaves one (a contact and its rows change in one transaction); a hand edit of the table can.
        await Stack.Service<StorageAccount>().Contacts.AddEntityAsync(new TableEntity("contact", "+14155550151") { ["ContactId"] = "ghost" });

        Assert.Null(await Instance().FindByNumberAsync("+14155550151", default));
        Assert.IsType<ContactSave.Saved>(await Instance().SaveAsync(Person("ann", "+14155550151"), default));
        Assert.Equal("ann", (await Instance().FindByNumberAsync("+14155550151", default))!.Value.Id);
    }

    [Fact]
    public async Task List_IsByIdInPages_WithoutTheNumberRows()
    {
        var ids = new[] { "c3", "a1", "b2", "9z" };
        for (var i = 0; i < ids.Length; i++) await Instance().SaveAsync(Person(ids[i], $"+1415555016{i}"), default);

        var (first, more) = await Instance().ListAsync(null, 3, default);
        Assert.Equal(["9z", "a1", "b2"], first.Select(c => c.Id));
        Assert.True(more);
        var (rest, none) = await Instance().ListAsync("b2", 3, default);
        Assert.Equal(["c3"], rest.Select(c => c.Id));
        Assert.False(none);
    }

    [Fact]
    public async Task OurNumbers_AreSavedReplacedListedAndDeleted()
    {
        var numbers = new NumberRepository(Stack.Service<StorageAccount>());
        await numbers.SaveAsync(new OurNumber("+14155550171", "Downtown store", "Billboard A"), default);
        await numbers.SaveAsync(new OurNumber("+14155550170", null, "Radio"), default);
        await numbers.SaveAsync(new OurNumber("+14155550171", "Uptown store", null), default);

        Assert.Equal(new OurNumber("+14155550171", "Uptown store", null), await numbers.GetAsync("+14155550171", default));
        Assert.Equal(["+14155550170", "+14155550171"], (await numbers.ListAsync(1000, default)).Select(n => n.Number));
        Assert.True(await numbers.DeleteAsync("+14155550171", default));
        Assert.False(await numbers.DeleteAsync("+14155550171", default));
        Assert.Null(await numbers.GetAsync("+14155550171", default));
    }
}
