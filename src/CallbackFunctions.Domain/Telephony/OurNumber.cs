namespace CallbackFunctions.Domain.Telephony;

/// <summary>
/// One of our Twilio numbers, the one a customer dialled (issue 16, seed 004): a tracking number per store or advert.
/// Its <see cref="Location"/> and <see cref="AdSource"/> are what the agent's callback alert shows about the call, so
/// they belong to the number dialled, not to the contact who dialled it.
/// </summary>
public sealed record OurNumber(string Number, string? Location, string? AdSource)
{
    public const int MaxText = 100;

    /// <summary>Every problem at once, each <c>"field: what is wrong"</c> with the API's field names (location, adSource).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Check("location", Location, problems);
        Check("adSource", AdSource, problems);
        return problems;
    }

    private static void Check(string field, string? text, List<string> problems)
    {
        if (text is null) return;
        if (string.IsNullOrWhiteSpace(text)) problems.Add($"{field}: not blank (leave it out for none)");
        else if (text.Length > MaxText) problems.Add($"{field}: at most {MaxText} characters (this one has {text.Length})");
        else if (text.Any(char.IsControl)) problems.Add($"{field}: no control characters (line breaks, tabs, ...)");
    }
}
