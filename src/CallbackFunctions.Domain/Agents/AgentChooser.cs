namespace CallbackFunctions.Domain.Agents;

/// <summary>
/// Picks the agent to offer a callback to: free, serving the callback's queue, not already tried in this round,
/// longest idle first (seed 000: eligible agents; seed 004: a rejected callback goes to the next available agent).
/// </summary>
public static class AgentChooser
{
    /// <param name="boundTo">An agent the callback is bound to (seed 001: back to the agent who missed it): only them.</param>
    public static Agent? Choose(IEnumerable<Agent> agents, string queue, IReadOnlyCollection<string> alreadyTried, string? boundTo = null) =>
        agents.Where(a => a.IsFree && (boundTo is null ? a.Serves(queue) : a.Id == boundTo) && !alreadyTried.Contains(a.Id))
              .OrderBy(a => a.IdleSince)
              .ThenBy(a => a.Id, StringComparer.Ordinal)
              .FirstOrDefault();

    /// <summary>
    /// The same choice among the agents who may take a callback for a contact with <paramref name="access"/>
    /// (<see cref="Eligibility"/>, seed 000) and are free at <paramref name="now"/>, cooldowns included
    /// (<see cref="Cooldowns"/>, seed 004). An agent the callback is bound to must have the access too: a private
    /// contact goes only to its owner's agents, whoever missed the call.
    /// </summary>
    public static Agent? Choose(IEnumerable<Agent> agents, string queue, ContactAccess access, IReadOnlyCollection<string> alreadyTried,
        DateTimeOffset now, string? boundTo = null) =>
        Choose(agents.Where(a => a.IsFreeAt(now) && (boundTo is null ? Eligibility.MayTake(a, queue, access) : Eligibility.HasAccess(a, access))),
            queue, alreadyTried, boundTo);
}
