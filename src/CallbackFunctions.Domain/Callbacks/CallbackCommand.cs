using System.Text.Json.Serialization;

namespace CallbackFunctions.Domain.Callbacks;

/// <summary>
/// Something the application must carry out after saving a decision, besides what the new state says (its next
/// wake-up is <see cref="Callback.WakeAt"/>; a new offer is its <see cref="Callback.AgentLeg"/>). Plain data: it may
/// travel as a message.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "command")]
[JsonDerivedType(typeof(ReleaseAgent), "releaseAgent")]
[JsonDerivedType(typeof(HangUpCall), "hangUpCall")]
public abstract record CallbackCommand;

/// <summary>Free the agent this offer held; <paramref name="Cooldown"/>: the queue's cooldown that starts for them (seed 004).</summary>
public sealed record ReleaseAgent(string AgentId, string Holder, CooldownAfter Cooldown = CooldownAfter.None) : CallbackCommand;

/// <summary>Which of the queue's cooldowns (<see cref="Agents.CooldownSettings"/>) an agent's release starts.</summary>
public enum CooldownAfter
{
    None,
    /// <summary>The agent rejected the offer (pressed 2, or the alert's Reject).</summary>
    Reject,
    /// <summary>The agent's callback completed (the customer, or their voicemail, was reached).</summary>
    Complete,
}

/// <summary>Hang up a live leg that no longer serves a live callback.</summary>
public sealed record HangUpCall(string CallSid) : CallbackCommand;
