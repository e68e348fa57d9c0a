using CallbackFunctions.CallbackAlert;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Contacts;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Domain.Telephony;

namespace CallbackFunctions.Tests.CallbackAlert;

/// <summary>What the agent hears before pressing 1 (seed 004's alert, spoken), part by part as the rule allows.</summary>
public sealed class AgentWhisperTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
    private static readonly OurNumber Dallas = new("+14155550100", "Dallas store", "Spring flyer");

    private static Callback Made(ContactRef? contact, string? comment = "Renewal questions") =>
        Callback.Create(new NewCallback("cb-1", "support", "+14155550111", "+14155550100", CallbackOrigin.Scheduled, null, "scheduled",
            Comment: comment, Contact: contact), new CallbackPolicy { Intervals = [TimeSpan.FromMinutes(1)] }, T0).Callback with { Attempt = 1 };

    private static readonly ContactRef Ana = new("ana", "Ana Lima", [ContactType.Customer, ContactType.Lead], null, null);

    [Fact]
    public void EveryPart_IsSpoken_ByDefault()
    {
        Assert.Equal("Automatic callback, attempt 1. Ana Lima, lead and customer, at 1 4 1 5 5 5 5 0 1 1 1 had a callback scheduled 3 minutes ago, in the support queue."
            + " They dialled the Dallas store line, from Spring flyer. Note: Renewal questions. Press 1 to connect, or 2 to pass.",
            AgentWhisper.Text(Made(Ana), T0.AddMinutes(3), Dallas, WhisperParts.All));
    }

    [Fact]
    public void EachPart_SwitchedOff_IsLeftOut_AndTheNumberIsAlwaysSpoken()
    {
        var none = new WhisperParts(Name: false, Type: false, Location: false, Queue: false, Comment: false);
        Assert.Equal("Automatic callback, attempt 1. The customer at 1 4 1 5 5 5 5 0 1 1 1 had a callback scheduled 3 minutes ago. Press 1 to connect, or 2 to pass.",
            AgentWhisper.Text(Made(Ana), T0.AddMinutes(3), Dallas, none));
        foreach (var (parts, gone) in new (WhisperParts, string)[]
        {
            (WhisperParts.All with { Name = false }, "Ana Lima"), (WhisperParts.All with { Type = false }, "lead and customer"),
            (WhisperParts.All with { Location = false }, "Dallas store"), (WhisperParts.All with { Queue = false }, "support queue"),
            (WhisperParts.All with { Comment = false }, "Renewal"),
        })
        {
            var text = AgentWhisper.Text(Made(Ana), T0.AddMinutes(3), Dallas, parts);
            Assert.DoesNotContain(gone, text, StringComparison.Ordinal);
            Assert.Contains("1 4 1 5 5 5 5 0 1 1 1", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AnUnknownCaller_IsSaidSo_ACallerWithoutAContactIsTheCustomer_AndNoLocationSaysNothing()
    {
        var unknown = Contact.ForUnknownCaller("u-cb-1", "+14155550111");
        Assert.StartsWith("Automatic callback, attempt 1. An unknown caller at 1 4 1", AgentWhisper.Text(Made(ContactRef.Of(unknown)), T0, null, WhisperParts.All), StringComparison.Ordinal);
        var plain = AgentWhisper.Text(Made(null, comment: null), T0, new OurNumber("+14155550100", null, null), WhisperParts.All);
        Assert.Equal("Automatic callback, attempt 1. The customer at 1 4 1 5 5 5 5 0 1 1 1 had a callback scheduled less than a minute ago, in the support queue."
            + " Press 1 to connect, or 2 to pass.", plain);
    }
}
