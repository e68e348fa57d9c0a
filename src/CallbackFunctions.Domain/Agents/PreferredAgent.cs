namespace CallbackFunctions.Domain.Agents;

/// <summary>Where a callback's preferred (bound) agent stands when the callback reaches the front of its line.</summary>
public enum PreferredAgentState
{
    /// <summary>Free to take it: ring them.</summary>
    Available,
    /// <summary>On a call or in wrap-up: worth waiting for, up to the queue's <c>preferredAgentWait</c>.</summary>
    Busy,
    /// <summary>Logged in but not taking calls (a break).</summary>
    Unavailable,
    LoggedOut,
    /// <summary>No longer handles calls for the callback's queue.</summary>
    NoLongerServesQueue,
}

/// <summary>What to do with a callback bound to a preferred agent, and the sentence its timeline records.</summary>
public abstract record PreferredAgentDecision(string Reason)
{
    /// <summary>Offer it to the preferred agent now.</summary>
    public sealed record RingPreferred(string AgentId, string Reason) : PreferredAgentDecision(Reason);

    /// <summary>The agent is busy: wait for them until <see cref="Until"/>; meanwhile the queue's next callback is
    /// handled as usual (this one does not block the line).</summary>
    public sealed record KeepWaiting(DateTimeOffset Until, string Reason) : PreferredAgentDecision(Reason);

    /// <summary>Treat it as though no agent was named: any agent of the queue.</summary>
    public sealed record FallBackToQueue(string Reason) : PreferredAgentDecision(Reason);
}

/// <summary>
/// seed 002 "How callbacks are handled": a callback with a specified agent calls that agent if available; if they are on
/// a call or in wrap-up it keeps trying for a configurable time (<c>preferredAgentWait</c>) while the next call is
/// handled too; if they are on a break, logged out or no longer handle the queue, or stayed busy too long, the queue's
/// agents take it instead (issue 15 §3).
/// </summary>
public static class PreferredAgent
{
    /// <param name="waitingSince">When the callback first found the agent busy (or became due): the wait runs from here.</param>
    /// <param name="preferredAgentWait">The queue's setting; zero falls back at once when the agent is busy.</param>
    public static PreferredAgentDecision Decide(string agentId, string agentName, PreferredAgentState state, string queue,
        DateTimeOffset waitingSince, DateTimeOffset now, TimeSpan preferredAgentWait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(preferredAgentWait, TimeSpan.Zero);
        var anyAgent = $"any agent of {queue}";
        switch (state)
        {
            case PreferredAgentState.Available:
                return new PreferredAgentDecision.RingPreferred(agentId, $"ringing preferred agent {agentName}");
            case PreferredAgentState.Busy:
                var until = waitingSince + preferredAgentWait;
                var waited = now - waitingSince;
                return now < until
                    ? new PreferredAgentDecision.KeepWaiting(until, $"preferred agent {agentName} busy: waiting for them until {until:u}")
                    : new PreferredAgentDecision.FallBackToQueue($"preferred agent {agentName} busy for {Say(waited)}: {anyAgent}");
            case PreferredAgentState.Unavailable:
                return new PreferredAgentDecision.FallBackToQueue($"preferred agent {agentName} unavailable: {anyAgent}");
            case PreferredAgentState.LoggedOut:
                return new PreferredAgentDecision.FallBackToQueue($"preferred agent {agentName} logged out: {anyAgent}");
            case PreferredAgentState.NoLongerServesQueue:
                return new PreferredAgentDecision.FallBackToQueue($"preferred agent {agentName} no longer serves {queue}: {anyAgent}");
            default:
                throw new ArgumentOutOfRangeException(nameof(state), state, null);
        }
    }

    /// <summary>
    /// The state of the domain's <see cref="Agent"/> for <paramref name="queue"/>: not serving it first, then not
    /// available, then held by a callback (busy). No agent record at all (removed) counts as logged out.
    /// </summary>
    public static PreferredAgentState StateOf(Agent? agent, string queue) => agent switch
    {
        null => PreferredAgentState.LoggedOut,
        _ when !agent.Serves(queue) => PreferredAgentState.NoLongerServesQueue,
        { Available: false } => PreferredAgentState.Unavailable,
        { HeldBy: not null } => PreferredAgentState.Busy,
        _ => PreferredAgentState.Available,
    };

    /// <summary>"45 s" under a minute, else whole minutes: "2 min".</summary>
    private static string Say(TimeSpan waited) =>
        waited < TimeSpan.FromMinutes(1) ? $"{Math.Max(0, (int)waited.TotalSeconds)} s" : $"{(int)waited.TotalMinutes} min";
}
