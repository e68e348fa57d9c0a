using System.Collections.Immutable;

namespace CallbackFunctions.Domain.Agents;

/// <summary>
/// An agent as the domain sees it: who they are, which queues they serve, whether they said they are available, and
/// whether a callback currently holds them (from the offer until their leg ends).
/// </summary>
public sealed record Agent
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Phone { get; init; }
    public required ImmutableArray<string> Queues { get; init; }
    public bool Available { get; init; }
    /// <summary>The callback offer holding this agent ("{callbackId}/{offer}"), or null when free.</summary>
    public string? HeldBy { get; init; }
    /// <summary>When the agent last became free; the longest idle is offered first.</summary>
    public DateTimeOffset IdleSince { get; init; }

    public bool Serves(string queue) => Queues.Contains(queue, StringComparer.OrdinalIgnoreCase);

    public bool IsFree => Available && HeldBy is null;

    public Agent Hold(string holder) => this with { HeldBy = holder };

    /// <summary>The agent's last offers (at most <see cref="HandledKept"/>), newest last: a queue's recent handling time (issue 15 §5).</summary>
    public ImmutableArray<HandledOffer> Handled { get; init; } = [];

    public const int HandledKept = 10;

    /// <summary>Free again; <paramref name="handled"/>: the offer that held them, kept for the handling time.</summary>
    public Agent Release(DateTimeOffset now, HandledOffer? handled = null) => this with
    {
        HeldBy = null,
        IdleSince = now,
        Handled = handled is null ? Handled : [.. Handled.Add(handled).TakeLast(HandledKept)],
    };

    /// <summary>
    /// The hold ends without the agent being called (the offer was not made after all): free again, their place in
    /// line kept, since nothing took their time.
    /// </summary>
    public Agent Unhold() => this with { HeldBy = null };

    public static string Holder(string callbackId, int offer) => $"{callbackId}/{offer}";

    /// <summary>seed 000 "campaign access rights": the campaigns this agent may call back for (<see cref="Eligibility"/>).</summary>
    public ImmutableArray<string> Campaigns { get; init; } = [];

    /// <summary>seed 000 "lead ownership code": the private owners whose contacts this agent may call back (<see cref="Eligibility"/>).</summary>
    public ImmutableArray<string> OwnershipCodes { get; init; } = [];

    /// <summary>seed 004 "cooldown": not offered callbacks before this instant (<see cref="Cooldowns"/>); null = no cooldown.</summary>
    public DateTimeOffset? CooldownUntil { get; init; }

    /// <summary>The offer (<see cref="Holder"/>) whose reject or completion started the cooldown: started once per offer.</summary>
    public string? CooldownCause { get; init; }
}

/// <summary>An offer an agent had: its queue, when the agent's call ended, and how long it took from the offer.</summary>
public sealed record HandledOffer(string Queue, DateTimeOffset EndedAt, TimeSpan Took);
