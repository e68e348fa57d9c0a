using CallbackFunctions.MissedCalls;
using CallbackFunctions.Twilio;

namespace CallbackFunctions.Tests.Twilio;

public sealed class TwilioAdapterTests
{
    private static readonly KeyValuePair<string, string>[] VectorForm =
    [
        new("CallSid", "CA1234567890ABCDE"), new("Caller", "+14158675310"), new("Digits", "1234"),
        new("From", "+14158675310"), new("To", "+18005551212"),
    ];

    [Fact]
    public void Signature_ForTwiliosPublishedVector_MatchesIt()
    {
        // TWILIO.md §6 test vector.
        Assert.Equal("L/OH5YylLD5NRKLltdqwSvS0BnU=", TwilioSignature.Compute("12345", "https://example.com/myapp.php?foo=1&bar=2", VectorForm));
    }

    [Theory]
    [InlineData("https://example.com/myapp.php?foo=1&bar=2", true)]
    [InlineData("https://example.com:443/myapp.php?foo=1&bar=2", true)]   // default port added: accepted like the SDKs do
    [InlineData("https://example.com/myapp.php?foo=1&bar=3", false)]      // another query
    [InlineData("http://example.com/myapp.php?foo=1&bar=2", false)]       // another scheme
    public void Signature_IsCheckedAgainstTheUrl(string url, bool valid)
    {
        Assert.Equal(valid, TwilioSignature.IsValid("12345", url, VectorForm, "L/OH5YylLD5NRKLltdqwSvS0BnU="));
    }

    [Fact]
    public void Signature_WithAChangedParameterOrNoToken_IsRejected()
    {
        var tampered = VectorForm.Select(p => p.Key == "To" ? new KeyValuePair<string, string>("To", "+18005551213") : p).ToList();
        Assert.False(TwilioSignature.IsValid("12345", "https://example.com/myapp.php?foo=1&bar=2", tampered, "L/OH5YylLD5NRKLltdqwSvS0BnU="));
        Assert.False(TwilioSignature.IsValid("", "https://example.com/myapp.php?foo=1&bar=2", VectorForm, "L/OH5YylLD5NRKLltdqwSvS0BnU="));
        Assert.False(TwilioSignature.IsValid("12345", "https://example.com/myapp.php?foo=1&bar=2", VectorForm, null));
    }

    [Theory]
    [InlineData("hangup", null, null, InboundOutcome.Lost)]
    [InlineData("queue-full", null, null, InboundOutcome.Lost)]
    [InlineData("bridged", null, null, InboundOutcome.Served)]
    [InlineData("redirected", null, null, InboundOutcome.Neither)]
    [InlineData(null, "no-answer", null, InboundOutcome.Lost)]
    [InlineData(null, "completed", null, InboundOutcome.Served)]
    [InlineData(null, null, "busy", InboundOutcome.Lost)]
    [InlineData(null, null, "completed", InboundOutcome.Neither)]
    [InlineData("surprise", null, null, InboundOutcome.Neither)]
    public void InboundOutcome_FromTwiliosParameters_IsReadAsDocumented(string? queueResult, string? dialCallStatus, string? callStatus, InboundOutcome expected)
    {
        Assert.Equal(expected, InboundOutcomeReader.Read(queueResult, dialCallStatus, callStatus).Outcome);
    }

    [Fact]
    public void InboundOutcome_WithAnUnknownValue_ReportsIt()
    {
        Assert.Equal("QueueResult=surprise", InboundOutcomeReader.Read("surprise", null, null).Unknown);
    }
}
