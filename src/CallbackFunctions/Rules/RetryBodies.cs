using CallbackFunctions.Http;
using System.Collections.Immutable;
using System.Globalization;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Rules;

/// <summary>
/// The per-outcome retry lists in the rules API: <c>"retries": {"busy": ["00:01:00"], "noAnswer": [...], "machine": [...],
/// "failed": [...], "agentNotReached": [...]}</c>; an outcome left out shares the dialing intervals.
/// </summary>
public static class RetryBodies
{
    private static readonly IReadOnlyDictionary<string, RetryOutcome> Names = new Dictionary<string, RetryOutcome>(StringComparer.OrdinalIgnoreCase)
    {
        ["busy"] = RetryOutcome.Busy,
        ["noAnswer"] = RetryOutcome.NoAnswer,
        ["machine"] = RetryOutcome.Machine,
        ["failed"] = RetryOutcome.Failed,
        ["agentNotReached"] = RetryOutcome.AgentNotReached,
    };

    public static ImmutableDictionary<RetryOutcome, ImmutableArray<TimeSpan>> Parse(Dictionary<string, List<string>>? body, Dictionary<string, string[]> errors)
    {
        var result = ImmutableDictionary<RetryOutcome, ImmutableArray<TimeSpan>>.Empty;
        foreach (var (name, texts) in body ?? [])
        {
            if (!Names.TryGetValue(name, out var outcome))
            {
                errors["retries"] = [$"{RequestValues.Quote(name)} is not an outcome: use {string.Join(", ", Names.Keys)}"];
                continue;
            }
            var intervals = new List<TimeSpan>();
            foreach (var text in texts ?? [])
                if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t)) intervals.Add(t);
                else errors[$"retries.{Name(outcome)}"] = [$"{RequestValues.Quote(text)} is not a duration like 00:05:00"];
            result = result.SetItem(outcome, [.. intervals]);
        }
        return result;
    }

    public static Dictionary<string, List<string>> View(ImmutableDictionary<RetryOutcome, ImmutableArray<TimeSpan>> retries) =>
        retries.OrderBy(r => r.Key).ToDictionary(r => Name(r.Key), r => r.Value.Select(t => t.ToString("c", CultureInfo.InvariantCulture)).ToList());

    public static TimeSpan? ParseDuration(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null) return null;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t)) return t;
        errors[field] = ["a duration like 00:00:05"];
        return null;
    }

    private static string Name(RetryOutcome outcome) => Names.First(n => n.Value == outcome).Key;
}
