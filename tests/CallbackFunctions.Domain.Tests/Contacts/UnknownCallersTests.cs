using CallbackFunctions.Domain.Contacts;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Domain.Tests.Contacts;

/// <summary>seed 000 "Action on no Lead found": the account's unknownCallers setting.</summary>
public sealed class UnknownCallersTests
{
    private static readonly Contact Ada = new() { Id = "c-ada", Name = "Ada", Numbers = [Build.Caller], Types = [ContactType.Customer] };

    [Fact]
    public void Decide_CreateContact_ForACallerWithNoContact_CreatesOneWithOnlyTheNumberTypeUnknown()
    {
        var create = Assert.IsType<CallerContact.Create>(UnknownCallers.Decide(UnknownCallerPolicy.CreateContact, null, Build.Caller, "c-CA1"));

        Assert.Equal("c-CA1", create.Contact.Id);
        Assert.Equal<string>([Build.Caller], create.Contact.Numbers);
        Assert.Equal<ContactType>([ContactType.Unknown], create.Contact.Types);
        Assert.Null(create.Contact.Name);
    }

    [Fact]
    public void Decide_Ignore_ForACallerWithNoContact_MakesNone()
    {
        var none = Assert.IsType<CallerContact.None>(UnknownCallers.Decide(UnknownCallerPolicy.Ignore, null, Build.Caller, "c-CA1"));

        Assert.Equal("no contact has this number; unknownCallers is ignore", none.Reason);
    }

    [Theory]
    [InlineData(UnknownCallerPolicy.CreateContact)]
    [InlineData(UnknownCallerPolicy.Ignore)]
    public void Decide_ForAKnownCaller_IsTheirContact_WhateverThePolicy(UnknownCallerPolicy policy)
    {
        var known = Assert.IsType<CallerContact.Known>(UnknownCallers.Decide(policy, Ada, Build.Caller, "c-CA1"));

        Assert.Same(Ada, known.Contact);
    }

    [Fact]
    public void Default_IsIgnore_SoNothingChangesForAnAccountThatNeverSetIt()
    {
        Assert.Equal(UnknownCallerPolicy.Ignore, default(UnknownCallerPolicy));
        Assert.Equal(UnknownCallerPolicy.Ignore, new AccountState(false, null).UnknownCallers);
    }

    [Fact]
    public void AccountState_TakesEitherPolicy_AndRefusesAnyOtherValue_NamingTheField()
    {
        Assert.Empty(new AccountState(false, null, UnknownCallers: UnknownCallerPolicy.CreateContact).Validate());
        Assert.Empty(new AccountState(false, null, UnknownCallers: UnknownCallerPolicy.Ignore).Validate());

        var problem = Assert.Single(new AccountState(false, null, UnknownCallers: (UnknownCallerPolicy)7).Validate());
        Assert.Equal("unknownCallers: ignore or createContact", problem);
    }

    [Fact]
    public void Decide_TheSameCallTwice_CreatesTheSameContact()
    {
        var first = Assert.IsType<CallerContact.Create>(UnknownCallers.Decide(UnknownCallerPolicy.CreateContact, null, Build.Caller, "c-CA1"));
        var second = Assert.IsType<CallerContact.Create>(UnknownCallers.Decide(UnknownCallerPolicy.CreateContact, null, Build.Caller, "c-CA1"));

        Assert.Equal(first.Contact.Id, second.Contact.Id);
        Assert.Equal<string>(first.Contact.Numbers, second.Contact.Numbers);
    }
}
