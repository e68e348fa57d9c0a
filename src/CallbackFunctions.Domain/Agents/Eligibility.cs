using System.Collections.Immutable;
using CallbackFunctions.Domain.Contacts;

namespace CallbackFunctions.Domain.Agents;

/// <summary>
/// Who may call a contact back, from the contact: its campaign (null = none) and its ownership code (null = common).
/// A callback with no contact (an unknown caller under <c>ignore</c>) has <see cref="Anyone"/>.
/// </summary>
public sealed record ContactAccess(string? Campaign, string? OwnershipCode)
{
    public static readonly ContactAccess Anyone = new(null, null);

    public static ContactAccess Of(Contact? contact) => contact is null ? Anyone : new(contact.Campaign, contact.OwnershipCode);

    public bool IsRestricted => Campaign is not null || OwnershipCode is not null;
}

/// <summary>
/// seed 000 "How are the Agents Selected?": "Which Agents are eligible to make the Dial-back are based on their Campaign
/// Access rights, and Lead Ownership Code (i.e., the Lead Ownership Code of the Dial-back Lead must be in the Agents'
/// list of Lead Ownership Codes) ... Common Redials will naturally go to any Agent that are active in the respective
/// Campaign." Codes and campaigns match ignoring case, as queue names do.
/// </summary>
public static class Eligibility
{
    public const int MaxCodes = 20;

    /// <summary>
    /// Whether <paramref name="agent"/> may take a callback of <paramref name="queue"/> for a contact with
    /// <paramref name="access"/>: serving the queue; with the contact's campaign, if it has one; with its ownership
    /// code, if it is privately owned. Whether the agent is free now is <see cref="Cooldowns.IsFreeAt"/>'s question.
    /// </summary>
    public static bool MayTake(Agent agent, string queue, ContactAccess access) => agent.Serves(queue) && HasAccess(agent, access);

    /// <summary>The contact's part alone (campaign and ownership), for an agent a callback is bound to whatever their queues.</summary>
    public static bool HasAccess(Agent agent, ContactAccess access) =>
        (access.Campaign is null || agent.Campaigns.Contains(access.Campaign, StringComparer.OrdinalIgnoreCase)) &&
        (access.OwnershipCode is null || agent.OwnershipCodes.Contains(access.OwnershipCode, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// The timeline's sentence when no agent is free to take it: as today for a callback anyone may take; "no eligible
    /// agent" when the contact's campaign or ownership narrows who may (issue 16 §2). Ids only: no name, no number.
    /// </summary>
    /// <param name="roundTried">Whether agents were offered it in this round and none took it.</param>
    public static string NoneFree(ContactAccess access, bool roundTried)
    {
        if (!access.IsRestricted)
            return roundTried ? "every available agent was offered it; waiting for one" : "no agent available; waiting for one";
        var who = string.Join(", ", new[]
        {
            access.Campaign is null ? null : $"campaign {access.Campaign}",
            access.OwnershipCode is null ? null : $"owner {access.OwnershipCode}",
        }.OfType<string>());
        return roundTried
            ? $"every available eligible agent ({who}) was offered it; waiting for one"
            : $"no eligible agent ({who}) available; waiting for one";
    }

    /// <summary>Every problem with an agent's campaigns and ownership codes at once, <c>"field: what is wrong"</c>.</summary>
    public static IReadOnlyList<string> Validate(ImmutableArray<string> campaigns, ImmutableArray<string> ownershipCodes) =>
        [.. ValidateCodes("campaigns", campaigns), .. ValidateCodes("ownershipCodes", ownershipCodes)];

    private static IEnumerable<string> ValidateCodes(string field, ImmutableArray<string> codes)
    {
        if (codes.IsDefault) { yield return $"{field}: required (an empty list for none)"; yield break; }
        if (codes.Length > MaxCodes) yield return $"{field}: at most {MaxCodes}";
        for (var i = 0; i < codes.Length; i++)
        {
            if (!IdShape.IsValid(codes[i])) yield return $"{field}[{i}]: {IdShape.Expected}";
            else if (codes.IndexOf(codes[i], 0, i, StringComparer.OrdinalIgnoreCase) is var first and >= 0)
                yield return $"{field}[{i}]: the same as {field}[{first}]";
        }
    }
}
