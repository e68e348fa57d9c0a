using CallbackFunctions.Domain.Contacts;

namespace CallbackFunctions.Domain.Tests.Contacts;

/// <summary>issue 16 §1: a contact's fields and their bounds, every problem at once.</summary>
public sealed class ContactTests
{
    private static Contact Lead() => new()
    {
        Id = "c-1",
        Name = "Ada Lovelace",
        Numbers = ["+15551231234", "+15551239999"],
        Types = [ContactType.Lead],
        OwnershipCode = "team-7",
        Campaign = "spring.2026",
    };

    private static string Field(string problem) => problem[..problem.IndexOf(':', StringComparison.Ordinal)];

    [Fact]
    public void Validate_AGoodContact_HasNoProblems()
    {
        Assert.Empty(Lead().Validate());
    }

    [Fact]
    public void Validate_NoNameNoOwnerNoCampaign_IsACommonContactWithoutProblems()
    {
        var contact = Lead() with { Name = null, OwnershipCode = null, Campaign = null };

        Assert.Empty(contact.Validate());
        Assert.False(contact.IsPrivate);
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryProblemAtOnce()
    {
        var contact = Lead() with
        {
            Name = new string('x', Contact.MaxName + 1),
            Numbers = ["+15551231234", "555-123", "+15551231234"],
            Types = [ContactType.Lead, ContactType.Unknown],
            OwnershipCode = "-team",
            Campaign = "spring 2026",
        };

        Assert.Equal(
            ["name: at most 100 characters",
             "numbers[1]: not an E.164 number (like +15551231234)",
             "numbers[2]: the same number as numbers[0]",
             "types: unknown stands alone (not with lead, customer or previousCustomer)",
             "ownershipCode: letters, digits, '_', '.', '-', starting with a letter or digit, at most 64, or null for a common contact",
             "campaign: letters, digits, '_', '.', '-', starting with a letter or digit, at most 64, or null for none"],
            contact.Validate());
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void Validate_Name_AtMost100Characters(int length, bool valid)
    {
        var problems = (Lead() with { Name = new string('n', length) }).Validate();

        Assert.Equal(valid, problems.Count == 0);
    }

    [Fact]
    public void Validate_BlankName_IsAProblem()
    {
        Assert.Equal("name", Field(Assert.Single((Lead() with { Name = "  " }).Validate())));
    }

    [Theory]
    [InlineData(0, "numbers: at least one")]
    [InlineData(10, null)]
    [InlineData(11, "numbers: at most 10")]
    public void Validate_Numbers_OneToTen(int count, string? problem)
    {
        var contact = Lead() with { Numbers = [.. Enumerable.Range(0, count).Select(i => $"+1555123{i:D4}")] };

        Assert.Equal(problem is null ? [] : [problem], contact.Validate());
    }

    [Theory]
    [InlineData("+15551231234", true)]
    [InlineData("+442071234567", true)]
    [InlineData("15551231234", false)]
    [InlineData("+05551231234", false)]
    [InlineData("+1555123123412345", false)]
    [InlineData("+1555123 1234", false)]
    [InlineData("+15551231234\n", false)]
    public void IsE164_OnlyTheNormalisedShape(string number, bool valid)
    {
        Assert.Equal(valid, Contact.IsE164(number));
    }

    [Fact]
    public void Validate_NoTypes_IsAProblem()
    {
        Assert.Equal("types", Field(Assert.Single((Lead() with { Types = [] }).Validate())));
    }

    [Fact]
    public void Validate_ACustomerWhoIsAlsoALead_IsFine()
    {
        Assert.Empty((Lead() with { Types = [ContactType.Customer, ContactType.Lead] }).Validate());
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("Team_7.b-c", true)]
    [InlineData("7", true)]
    [InlineData("_team", false)]
    [InlineData(".team", false)]
    [InlineData("team/7", false)]
    [InlineData("team\n", false)]
    [InlineData("", false)]
    public void IdShape_LettersDigitsAndSeparators_StartingWithALetterOrDigit(string id, bool valid)
    {
        Assert.Equal(valid, IdShape.IsValid(id));
    }

    [Fact]
    public void IdShape_AtMost64Characters()
    {
        Assert.True(IdShape.IsValid(new string('a', 64)));
        Assert.False(IdShape.IsValid(new string('a', 65)));
    }

    [Fact]
    public void ForUnknownCaller_HasOnlyTheNumber_TypeUnknown_AndIsValid()
    {
        var contact = Contact.ForUnknownCaller("c-CA123", "+15551231234");

        Assert.Equal("c-CA123", contact.Id);
        Assert.Null(contact.Name);
        Assert.Equal<string>(["+15551231234"], contact.Numbers);
        Assert.Equal<ContactType>([ContactType.Unknown], contact.Types);
        Assert.Null(contact.OwnershipCode);
        Assert.Null(contact.Campaign);
        Assert.Equal(ContactStatus.None, contact.Status);
        Assert.True(contact.IsUnknownCaller);
        Assert.Empty(contact.Validate());
    }

    [Fact]
    public void IsUnknownCaller_OnceTheyAreALead_IsFalse()
    {
        var known = Contact.ForUnknownCaller("c-1", "+15551231234") with { Types = [ContactType.Lead] };

        Assert.False(known.IsUnknownCaller);
    }
}
