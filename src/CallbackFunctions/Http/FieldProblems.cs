namespace CallbackFunctions.Http;

/// <summary>
/// The domain's checks say each problem as <c>"field: what is wrong"</c> with the API's field names (QueueSettings,
/// CallbackRule, Contact, Eligibility, ...); these put them into a problem+json's <c>errors</c>, a field's several
/// problems together.
/// </summary>
public static class FieldProblems
{
    /// <summary>The field a problem names and what it says of it.</summary>
    public static (string Field, string What) Split(string problem)
    {
        var colon = problem.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? ("", problem.Trim()) : (problem[..colon], problem[(colon + 1)..].Trim());
    }

    /// <summary>Adds each problem to its field's errors, but not for a field <paramref name="skip"/> says already has its word.</summary>
    public static void AddTo(IDictionary<string, string[]> errors, IEnumerable<string> problems, Func<string, bool>? skip = null)
    {
        foreach (var problem in problems)
        {
            var (field, what) = Split(problem);
            if (skip?.Invoke(field) == true) continue;
            errors[field] = [.. errors.TryGetValue(field, out var had) ? had : [], what];
        }
    }

    /// <summary>The problems as a problem+json's errors.</summary>
    public static Dictionary<string, string[]> Of(IEnumerable<string> problems)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        AddTo(errors, problems);
        return errors;
    }

    /// <summary>
    /// A skip for <see cref="AddTo"/>: a field that did not read (one of <paramref name="refused"/>, or a part or a whole
    /// of one) stands at a stand-in value and already has its error, so the domain's word on it is left out.
    /// </summary>
    public static Func<string, bool> ReadBadly(IEnumerable<string> refused)
    {
        var keys = refused.ToList();
        return field => keys.Any(k => k == field || k.StartsWith(field + ".", StringComparison.Ordinal) || field.StartsWith(k + ".", StringComparison.Ordinal));
    }
}
