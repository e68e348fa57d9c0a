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

/// <summary>Free the agent this offer held.</summary>
public sealed record ReleaseAgent(string AgentId, string Holder) : CallbackCommand;

/// <summary>Hang up a live leg that no longer serves a live callback.</summary>
public sealed record HangUpCall(string CallSid) : CallbackCommand;
