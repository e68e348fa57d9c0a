using System.Globalization;
using CallbackFunctions.Telephony;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// Distinct, valid E.164 numbers (+1415555xxxx first, then neighbouring area codes), each checked with the app's own
/// <see cref="PhoneNumberNormalizer"/> (libphonenumber) so that the app accepts every one as it is.
/// </summary>
public static class NumberPool
{
    private static readonly string[] CallerAreas = ["415", "628", "650", "408", "510", "925", "707", "831", "209", "559", "916", "530"];
    private static readonly string[] AgentAreas = ["212", "646", "718", "917", "347"];
    private static readonly string[] Exchanges = ["555", "234", "456", "678", "789"];

    public static IReadOnlyList<string> Callers(PhoneNumberNormalizer numbers, int count) => Take(numbers, CallerAreas, count, "callers");

    public static IReadOnlyList<string> Agents(PhoneNumberNormalizer numbers, int count) => Take(numbers, AgentAreas, count, "agents");

    private static List<string> Take(PhoneNumberNormalizer numbers, string[] areas, int count, string what)
    {
        var result = new List<string>(count);
        foreach (var exchange in Exchanges)
            foreach (var area in areas)
                for (var line = 0; line < 10_000; line++)
                {
                    var candidate = string.Create(CultureInfo.InvariantCulture, $"+1{area}{exchange}{line:D4}");
                    if (numbers.Normalize(candidate).E164 != candidate) continue;
                    result.Add(candidate);
                    if (result.Count == count) return result;
                }
        throw new InvalidOperationException($"only {result.Count} valid numbers for {what}, {count} needed");
    }
}
