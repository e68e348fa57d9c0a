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
}
