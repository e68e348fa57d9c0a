namespace CallbackFunctions.Domain.Agents;

/// <summary>
/// seed 004: "Depending on your management's settings, you may also be placed in a Cooldown status", after rejecting a
/// callback or after completing one. Per queue (issue 16 §3: <c>rejectCooldown</c>, <c>completeCooldown</c>); zero, the
/// default, means none.
/// </summary>
public sealed record CooldownSettings(TimeSpan RejectCooldown, TimeSpan CompleteCooldown)
{
    public static readonly CooldownSettings None = new(TimeSpan.Zero, TimeSpan.Zero);
    public static readonly TimeSpan Max = TimeSpan.FromHours(1);

    /// <summary>Every problem at once, <c>"field: what is wrong"</c> with the queue API's field names.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (RejectCooldown < TimeSpan.Zero || RejectCooldown > Max) problems.Add("rejectCooldown: between 00:00:00 (none) and 01:00:00");
        if (CompleteCooldown < TimeSpan.Zero || CompleteCooldown > Max) problems.Add("completeCooldown: between 00:00:00 (none) and 01:00:00");
        return problems;
    }
}

/// <summary>
/// An agent's cooldown: not offered callbacks until <see cref="Agent.CooldownUntil"/>, and offered again from that very
/// instant. Time is a parameter; nothing here reads a clock.
/// </summary>
public static class Cooldowns
{
    /// <summary>seed 004 "Reject Callback": the agent rejected an offer at <paramref name="now"/>.</summary>
    /// <param name="cause">The offer rejected: a cooldown it started already is not started again (the choice and the release both apply it).</param>
    public static Agent AfterReject(Agent agent, CooldownSettings settings, DateTimeOffset now, string? cause = null) =>
        Start(agent, now + settings.RejectCooldown, now, cause);

    /// <summary>seed 004 "Once completing the callback, the Agent may be placed in a Cooldown status".</summary>
    public static Agent AfterComplete(Agent agent, CooldownSettings settings, DateTimeOffset now, string? cause = null) =>
        Start(agent, now + settings.CompleteCooldown, now, cause);

    /// <summary>The cooldown <paramref name="after"/> names (none: the agent as it is).</summary>
    public static Agent After(Agent agent, Callbacks.CooldownAfter after, CooldownSettings settings, DateTimeOffset now, string? cause = null) => after switch
    {
        Callbacks.CooldownAfter.Reject => AfterReject(agent, settings, now, cause),
        Callbacks.CooldownAfter.Complete => AfterComplete(agent, settings, now, cause),
        _ => agent,
    };

    /// <summary>True before <see cref="Agent.CooldownUntil"/>; false at it and after.</summary>
    public static bool InCooldown(Agent agent, DateTimeOffset now) => agent.CooldownUntil is { } until && now < until;

    /// <summary>Free for an offer at <paramref name="now"/>: available, held by no callback, and not cooling down.</summary>
    public static bool IsFreeAt(this Agent agent, DateTimeOffset now) => agent.IsFree && !InCooldown(agent, now);

    // A cooldown never shortens one already running (a reject during a longer completion pause), and a zero one sets
    // nothing; so applying the same event twice gives the same agent.
    private static Agent Start(Agent agent, DateTimeOffset until, DateTimeOffset now, string? cause)
    {
        if (until <= now || (cause is not null && agent.CooldownCause == cause)) return agent;
        return agent.CooldownUntil is { } running && running >= until ? agent : agent with { CooldownUntil = until, CooldownCause = cause };
    }
}
