using System.Collections.Immutable;

namespace CallbackFunctions.Domain.Callbacks;

/// <summary>
/// What the lifecycle decided: the callback's new state and the commands to carry out, or (when
/// <see cref="IgnoredBecause"/> is set) the reason the event changed nothing: a duplicate, a stale leg, an illegal move.
/// </summary>
public sealed record Decision(Callback Callback, ImmutableArray<CallbackCommand> Commands, string? IgnoredBecause = null)
{
    public bool Changed => IgnoredBecause is null;

    public static Decision Ignore(Callback callback, string reason) => new(callback, [], reason);
}
