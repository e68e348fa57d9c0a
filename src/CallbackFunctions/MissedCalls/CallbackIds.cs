using System.Security.Cryptography;
using System.Text;

namespace CallbackFunctions.MissedCalls;

/// <summary>
/// Callback ids derived from the inbound CallSid, so a webhook Twilio repeats (or our spool replays) lands on the same
/// callback instead of making a second one.
/// </summary>
public static class CallbackIds
{
    public static string For(string? callSid, string queue, string kind)
    {
        var seed = string.IsNullOrEmpty(callSid) ? Guid.NewGuid().ToString("N") : $"{callSid}|{queue}|{kind}";
        return "cb-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..20];
    }
}
