using System.Collections.Immutable;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Domain.Queues;

/// <summary>
/// seed 002 "call slots": a time of day at which callbacks of the queue may be booked, and how many callbacks it takes.
/// Queues have no opening days of their own yet, so a slot is offered every day.
/// </summary>
public sealed record CallbackSlot(TimeOnly At, int Capacity);

/// <summary>
/// What an operator sets per queue (issue 15): its callback slots, what a caller hears while waiting, how long a
/// callback waits for its preferred agent, when a scheduled callback is retried, how many callbacks may be pending, the
/// queue's time zone, and its agents' cooldowns (issue 16). A queue never configured has <see cref="Default"/>, which
/// changes nothing from before there were queue settings. Stored now; the features that act on them come in later steps
/// of issue 15.
/// </summary>
public sealed record QueueSettings
{
    public static readonly QueueSettings Default = new();

    /// <summary>A slot every quarter hour of a day is the finest a caller could choose from on a phone keypad.</summary>
    public const int MaxSlots = 96;
    public const int MaxSlotCapacity = 1000;
    public const int MaxPendingLimit = 10_000;
    public static readonly TimeSpan MaxPreferredAgentWait = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinRetryAfter = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    /// <summary>seed 002 "call slots": none by default (callers are offered no slot to pick).</summary>
    public ImmutableArray<CallbackSlot> Slots { get; init; } = [];

    /// <summary>What a caller waiting in the queue hears between the offers to be called back; null = nothing.</summary>
    public Prompt? HoldMessage { get; init; }

    /// <summary>seed 002: "Contact continues trying to call the agent for a configurable time" before the callback falls
    /// back to the queue's agents.</summary>
    public TimeSpan PreferredAgentWait { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>seed 002: a scheduled callback whose customer was not reached is due again "a fixed number of minutes
    /// from the current time, as configured by a company administrator".</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many live callbacks in the queue before it stops offering more; null = no limit.</summary>
    public int? MaxPending { get; init; }

    /// <summary>The queue's IANA time zone (slots and local times); null = the rule's or the customer's, as before.</summary>
    public string? TimeZone { get; init; }

    /// <summary>seed 004: an agent who rejected a callback of the queue is offered none for this long; zero = no cooldown.</summary>
    public TimeSpan RejectCooldown { get; init; }

    /// <summary>seed 004: an agent who completed a callback of the queue is offered none for this long; zero = no cooldown.</summary>
    public TimeSpan CompleteCooldown { get; init; }

    /// <summary>The queue's cooldowns (<see cref="Agents.Cooldowns"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Agents.CooldownSettings Cooldowns => new(RejectCooldown, CompleteCooldown);

    /// <summary>Every problem with these settings at once, each <c>"field: what is wrong"</c> (the API's field names).</summary>
    /// <param name="isTimeZone">Whether an id names a time zone this machine knows.</param>
    public IReadOnlyList<string> Validate(Func<string, bool> isTimeZone)
    {
        var problems = new List<string>();
        if (Slots.IsDefault) problems.Add("slots: required (an empty list for none)");
        else
        {
            if (Slots.Length > MaxSlots) problems.Add($"slots: at most {MaxSlots}");
            for (var i = 0; i < Slots.Length; i++)
            {
                var slot = Slots[i];
                if (slot.At.Second != 0 || slot.At.Millisecond != 0 || slot.At.Microsecond != 0) problems.Add($"slots[{i}].at: a time of day in whole minutes (HH:mm)");
                if (slot.Capacity < 1 || slot.Capacity > MaxSlotCapacity) problems.Add($"slots[{i}].capacity: between 1 and {MaxSlotCapacity} callbacks");
                if (Slots.Take(i).Any(s => s.At == slot.At)) problems.Add($"slots[{i}].at: {slot.At:HH\\:mm} is already a slot");
            }
        }
        if (HoldMessage is { } message) problems.AddRange(message.Validate("holdMessage"));
        if (PreferredAgentWait < TimeSpan.Zero || PreferredAgentWait > MaxPreferredAgentWait)
            problems.Add("preferredAgentWait: between 00:00:00 (fall back at once) and 01:00:00");
        if (RetryAfter < MinRetryAfter || RetryAfter > MaxRetryAfter) problems.Add("retryAfter: between 00:01:00 and 1.00:00:00 (24 hours)");
        if (MaxPending is < 1 or > MaxPendingLimit) problems.Add($"maxPending: between 1 and {MaxPendingLimit}, or null for no limit");
        if (TimeZone is not null && !isTimeZone(TimeZone)) problems.Add("timeZone: not an IANA time zone id (like America/Chicago)");
        problems.AddRange(Cooldowns.Validate());
        return problems;
    }

    /// <summary>The same settings with the slots in the order of the day (how they are stored and shown).</summary>
    public QueueSettings Ordered() => Slots.IsDefault ? this : this with { Slots = [.. Slots.OrderBy(s => s.At)] };
}
