using System.Collections.Immutable;

namespace CallbackFunctions.Domain.Callbacks;

/// <summary>
/// One entry of a callback's timeline. A status change has <see cref="From"/> != <see cref="To"/>; an event inside a
/// status (an offer placed, a CallSid learned) keeps them equal. <see cref="CallSids"/> names the Twilio calls involved:
/// "original" (the lost inbound call), "agent" and "customer" legs.
/// </summary>
public sealed record TimelineEvent(
    DateTimeOffset At,
    CallbackStatus? From,
    CallbackStatus To,
    string Reason,
    ImmutableSortedDictionary<string, string> CallSids)
{
    public static ImmutableSortedDictionary<string, string> Sids(params (string Role, string? Sid)[] sids) =>
        sids.Where(s => !string.IsNullOrEmpty(s.Sid))
            .Aggregate(ImmutableSortedDictionary<string, string>.Empty, (d, s) => d.SetItem(s.Role, s.Sid!));
}
