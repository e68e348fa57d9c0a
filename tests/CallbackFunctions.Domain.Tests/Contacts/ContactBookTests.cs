using CallbackFunctions.Domain.Contacts;

namespace CallbackFunctions.Domain.Tests.Contacts;

/// <summary>issue 16 §1: a number belongs to at most one contact; seed 000: the number they called from is called back.</summary>
public sealed class ContactBookTests
{
    private const string Home = "+15551230001";
    private const string Mobile = "+15551230002";
    private const string Office = "+15551230003";

    private static Contact Contact(string id, params string[] numbers) =>
        new() { Id = id, Name = id, Numbers = [.. numbers], Types = [ContactType.Lead] };

    [Fact]
    public void FindByNumber_FindsTheContactHoldingAnyOfItsNumbers()
    {
        Contact[] book = [Contact("ada", Home, Mobile), Contact("bob", Office)];

        Assert.Equal("ada", ContactBook.FindByNumber(book, Mobile)?.Id);
        Assert.Equal("bob", ContactBook.FindByNumber(book, Office)?.Id);
        Assert.Null(ContactBook.FindByNumber(book, "+15559999999"));
    }

    [Fact]
    public void Conflicts_ANumberAnotherContactHolds_IsAProblemOnThatNumber()
    {
        Contact[] book = [Contact("ada", Home, Mobile)];

        Assert.Equal(["numbers[1]: already a number of contact ada"], ContactBook.Conflicts(book, Contact("bob", Office, Mobile)));
    }

    [Fact]
    public void Conflicts_ReplacingAContactWithItsOwnNumbers_IsNone()
    {
        Contact[] book = [Contact("ada", Home, Mobile), Contact("bob", Office)];

        Assert.Empty(ContactBook.Conflicts(book, Contact("ada", Mobile, Home) with { Name = "Ada L." }));
    }

    [Fact]
    public void SharedNumbers_OfAConsistentBook_IsEmpty_AndNamesANumberTwoContactsHold()
    {
        Assert.Empty(ContactBook.SharedNumbers([Contact("ada", Home, Mobile), Contact("bob", Office)]));
        Assert.Equal([Mobile], ContactBook.SharedNumbers([Contact("ada", Home, Mobile), Contact("bob", Office, Mobile)]));
    }

    [Theory]
    [InlineData(Home)]
    [InlineData(Mobile)]
    [InlineData(Office)]
    public void NumberToCallBack_AContactWithSeveralNumbers_IsTheOneTheyCalledFrom(string calledFrom)
    {
        var ada = Contact("ada", Home, Mobile, Office);

        Assert.Equal(calledFrom, ContactBook.NumberToCallBack(ada, calledFrom));
    }
}
