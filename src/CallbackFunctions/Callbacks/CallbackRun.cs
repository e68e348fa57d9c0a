using System.Collections.Immutable;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Callbacks;

/// <summary>
/// What a callback's orchestration carries from step to step: the callback as the domain decided it, the projection's
/// ETag and version (so a repeated or late projection write never overwrites a newer one), the offer whose holds
/// (agent, line, customer number) are still taken, and whether the state has changes the table does not show yet
/// (made while the agent was on the line: they are written with that call's end, and shown meanwhile by the
/// orchestration's custom status, <see cref="CallbackSnapshot"/>).
/// </summary>
public sealed record CallbackRun(Callback State, string ETag, long Version, HeldOffer? Held = null, bool Unsaved = false);

/// <summary>An offer whose holds are taken until its agent call ends, whatever the callback does meanwhile.</summary>
public sealed record HeldOffer(int Offer, string AgentId)
{
    public string Holder(string callbackId) => Agent.Holder(callbackId, Offer);
}

/// <summary>The run after an activity carried out a step, and the callbacks it freed something for.</summary>
public sealed record StepOutcome(CallbackRun Run, ImmutableArray<Wake> Wakes);

/// <summary>Tell another callback that something it waits for (an agent, a line) is free.</summary>
public sealed record Wake(string CallbackId, CallbackEvent Event);

/// <summary>Carry out a decision the orchestration made: save the projection, release holds, hang up legs.</summary>
public sealed record SaveStep(CallbackRun Run, Decision Decision);

