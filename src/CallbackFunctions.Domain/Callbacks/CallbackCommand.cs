using System.Text.Json.Serialization;

namespace CallbackFunctions.Domain.Callbacks;

/// <summary>Something the application must carry out after saving a decision. Plain data: it may travel as a message.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "command")]
[JsonDerivedType(typeof(ScheduleWakeUp), "scheduleWakeUp")]
[JsonDerivedType(typeof(DialAgent), "dialAgent")]
[JsonDerivedType(typeof(ReleaseAgent), "releaseAgent")]
[JsonDerivedType(typeof(HangUpCall), "hangUpCall")]
public abstract record CallbackCommand;

/// <summary>Wake the callback up at <paramref name="At"/> (its orchestration's next durable timer), unless something happens first.</summary>
public sealed record ScheduleWakeUp(DateTimeOffset At) : CallbackCommand;

/// <summary>Place the agent's call for this offer (the intent is already saved on the callback).</summary>
public sealed record DialAgent(AgentLeg Leg) : CallbackCommand;

/// <summary>Free the agent this offer held.</summary>
public sealed record ReleaseAgent(string AgentId, string Holder) : CallbackCommand;

/// <summary>Hang up a live leg that no longer serves a live callback.</summary>
public sealed record HangUpCall(string CallSid) : CallbackCommand;
