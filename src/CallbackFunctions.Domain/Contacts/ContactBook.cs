namespace CallbackFunctions.Domain.Contacts;

/// <summary>
/// Rules over a set of contacts: a number belongs to at most one contact (issue 16), and which of a contact's numbers
/// a callback dials (seed 000).
/// </summary>
public static class ContactBook
{
    /// <summary>The contact holding <paramref name="number"/> (E.164), or null: at most one does.</summary>
    public static Contact? FindByNumber(IEnumerable<Contact> contacts, string number) =>
        contacts.FirstOrDefault(c => c.Numbers.Contains(number, StringComparer.Ordinal));

    /// <summary>
    /// The numbers of <paramref name="candidate"/> another contact already holds, each as <c>"numbers[i]: ..."</c>. The
    /// candidate's own stored version (same id) is no conflict: a PUT replacing a contact keeps its numbers.
    /// </summary>
    public static IReadOnlyList<string> Conflicts(IEnumerable<Contact> contacts, Contact candidate)
    {
        var others = contacts.Where(c => !string.Equals(c.Id, candidate.Id, StringComparison.Ordinal)).ToList();
        var problems = new List<string>();
        for (var i = 0; i < candidate.Numbers.Length; i++)
            if (FindByNumber(others, candidate.Numbers[i]) is { } owner)
                problems.Add($"numbers[{i}]: already a number of contact {owner.Id}");
        return problems;
    }

    /// <summary>The numbers more than one of <paramref name="contacts"/> hold (none, when the book is consistent).</summary>
    public static IReadOnlyList<string> SharedNumbers(IEnumerable<Contact> contacts) =>
        [.. contacts.SelectMany(c => c.Numbers.Distinct(StringComparer.Ordinal))
                    .GroupBy(n => n, StringComparer.Ordinal)
                    .Where(g => g.Count() > 1)
                    .Select(g => g.Key)];

    /// <summary>
    /// seed 000 "The Lead has multiple numbers?": "the calling number will be prioritised as the Dial-back". Whatever
    /// numbers the contact has, the callback dials the one they called from.
    /// </summary>
    public static string NumberToCallBack(Contact? contact, string calledFrom) => calledFrom;
}
