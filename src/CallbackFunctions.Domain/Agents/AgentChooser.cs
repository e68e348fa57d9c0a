namespace CallbackFunctions.Domain.Agents;

/// <summary>
/// Picks the agent to offer a callback to: free, serving the callback's queue, not already tried in this round,
/// longest idle first (seed 000: eligible agents; seed 004: a rejected callback goes to the next available agent).
/// </summary>
public static class AgentChooser
{
    public static Agent? Choose(IEnumerable<Agent> agents, string queue, IReadOnlyCollection<string> alreadyTried) =>
        agents.Where(a => a.IsFree && a.Serves(queue) && !alreadyTried.Contains(a.Id))
              .OrderBy(a => a.IdleSince)
              .ThenBy(a => a.Id, StringComparer.Ordinal)
              .FirstOrDefault();
}
