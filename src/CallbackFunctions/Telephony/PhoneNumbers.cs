using CallbackFunctions.Settings;
using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace CallbackFunctions.Telephony;

/// <summary>Phone numbers to E.164 with libphonenumber; withheld and invalid numbers are told apart for the logs.</summary>
public sealed class PhoneNumberNormalizer(IOptions<CallbackOptions> options)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    // Twilio's stand-ins for a withheld caller ID (TWILIO.md §3.1), and the digits some carriers send for it.
    private static readonly HashSet<string> Withheld = new(StringComparer.OrdinalIgnoreCase)
    {
        "anonymous", "unknown", "restricted", "private", "blocked", "unavailable", "+266696687", "266696687", "+7378742833", "+2562533", "+86282452253",
    };

    public NormalizedNumber Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || Withheld.Contains(raw.Trim())) return new(null, "withheld caller ID");
        if (raw.StartsWith("client:", StringComparison.Ordinal) || raw.StartsWith("sip:", StringComparison.Ordinal))
            return new(null, "not a phone number");
        try
        {
            var number = Util.Parse(raw, options.Value.DefaultRegion);
            if (!Util.IsValidNumber(number)) return new(null, "invalid phone number");
            return new(Util.Format(number, PhoneNumberFormat.E164), null);
        }
        catch (NumberParseException)
        {
            return new(null, "unreadable phone number");
        }
    }
}

public sealed record NormalizedNumber(string? E164, string? Problem)
{
    public bool IsValid => E164 is not null;
}
