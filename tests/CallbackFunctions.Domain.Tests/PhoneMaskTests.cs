using CallbackFunctions.Domain.Telephony;

namespace CallbackFunctions.Domain.Tests;

public class PhoneMaskTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Mask_WithoutANumber_SaysNone(string? number)
    {
        Assert.Equal("(none)", PhoneMask.Mask(number));
    }

    [Theory]
    [InlineData("+15551231234", "+1555***1234")]
    [InlineData("+447700900123", "+4477***0123")]
    [InlineData("+3541234567", "+3541***4567")]
    public void Mask_WithALongNumber_KeepsCountryPrefixAndLastFour(string number, string expected)
    {
        Assert.Equal(expected, PhoneMask.Mask(number));
    }

    [Theory]
    [InlineData("12345678", "******78")]
    [InlineData("1234", "**34")]
    public void Mask_WithAShortNumber_KeepsOnlyTheLastTwo(string number, string expected)
    {
        Assert.Equal(expected, PhoneMask.Mask(number));
    }

    [Fact]
    public void Mask_WithAUsNumber_NeverContainsTheWholeNumber()
    {
        Assert.DoesNotContain("5551231234", PhoneMask.Mask("+15551231234"), StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_WithANineCharacterNumber_HidesAtLeastOneDigit()
    {
        var masked = PhoneMask.Mask("+50012345");

        Assert.NotEqual("+50012345", masked.Replace("***", "", StringComparison.Ordinal));
        Assert.Equal("+50***2345", masked);
    }
}
