namespace CallbackFunctions.Domain.Telephony;

/// <summary>Masks phone numbers for logs and printed timelines: <c>+15551231234</c> becomes <c>+1555***1234</c>.</summary>
public static class PhoneMask
{
    public static string Mask(string? number)
    {
        if (string.IsNullOrEmpty(number)) return "(none)";
        if (number.Length <= 8) return new string('*', number.Length - Math.Min(2, number.Length)) + number[^Math.Min(2, number.Length)..];
        // Keep the country and area prefix (up to 5 characters) and the last 4, hiding at least 2 in between.
        var prefix = Math.Clamp(number.Length - 6, 2, 5);
        return string.Concat(number.AsSpan(0, prefix), "***", number.AsSpan(number.Length - 4));
    }
}
