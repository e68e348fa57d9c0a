using PhoneNumbers;

namespace CallbackFunctions.Telephony;

/// <summary>
/// Time zones for callbacks (seed 001): detected from the customer's number with libphonenumber's time-zone mapper
/// when the number maps to exactly one zone (a number spanning zones is ambiguous: null), and IANA ids resolved to
/// <see cref="TimeZoneInfo"/>.
/// </summary>
public sealed class TimeZones
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper Mapper = PhoneNumberToTimeZonesMapper.GetInstance();

    public string? ForNumber(string e164)
    {
        try
        {
            var zones = Mapper.GetTimeZonesForNumber(Util.Parse(e164, null));
            return zones.Count == 1 && Find(zones[0]) is not null ? zones[0] : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    public TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
    }
}
