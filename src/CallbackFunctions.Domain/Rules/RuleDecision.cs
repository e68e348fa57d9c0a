namespace CallbackFunctions.Domain.Rules;

/// <summary>What a lost call means under the rules: a callback with these settings, or none, and why.</summary>
public abstract record RuleDecision
{
    /// <summary>No callback: <see cref="Code"/> is a stable word for tools (one of the constants below), <see cref="Reason"/>
    /// a sentence for people that names the rule (kind and version) and, where it decided, the time zone.</summary>
    public sealed record NoCallback(string Code, string Reason) : RuleDecision
    {
        public const string AccountFrozen = "account-frozen";
        public const string RuleDisabled = "rule-disabled";
        public const string NoCallerId = "no-caller-id";
        public const string OutsideHours = "outside-hours";
    }

    /// <summary>A callback that cannot start (seed 001: no time zone) is still recorded, and ends Failed at once.</summary>
    public sealed record FailedAtOnce(string Queue, string CallerId, string Reason) : RuleDecision;

    public sealed record Make(string Queue, string CallerId, string TimeZone, string? BoundAgent = null) : RuleDecision;

    /// <summary>
    /// seed 000/001: the account switch, the rule switch, the time zone (the customer's number, else the rule's),
    /// opening hours at the moment of the missed call, routing and caller ID.
    /// </summary>
    /// <param name="isRequest">An IVR callback request (seed 003) is the caller's explicit wish, not an automatic rule:
    /// the rule's switch and the opening hours at request time do not stop it (its attempts still wait for opening hours).</param>
    public static RuleDecision For(CallbackRule rule, AccountState account, string lostInQueue, string? dialledNumber, bool dialledNumberIsOurs,
        string? customerTimeZone, Func<string, TimeZoneInfo?> findZone, DateTimeOffset missedAt, bool isRequest = false, string? lostAtAgent = null)
    {
        if (account.Frozen) return new NoCallback(NoCallback.AccountFrozen, "the account is frozen");
        if (!rule.Enabled && !isRequest) return new NoCallback(NoCallback.RuleDisabled, $"the {Named(rule)} is disabled");
        var queue = rule.RouteTo(lostInQueue);
        var callerId = dialledNumberIsOurs && !string.IsNullOrEmpty(dialledNumber) ? dialledNumber : rule.CallerId;
        if (string.IsNullOrEmpty(callerId))
            return new NoCallback(NoCallback.NoCallerId, $"no caller ID: the dialled number is not ours and the {Named(rule)} sets none");
        var zoneId = customerTimeZone ?? rule.TimeZone;
        if (zoneId is null || findZone(zoneId) is not { } zone)
            return new FailedAtOnce(queue, callerId, "no time zone: the customer's number does not tell and the rule sets none");
        // seed 000: calls made outside of opening hours are not part of the dial-back logic.
        if (!isRequest && !rule.Schedule.IsOpen(missedAt, zone))
            return new NoCallback(NoCallback.OutsideHours, $"missed outside opening hours, {Named(rule)}, {zoneId}");
        // Contact center without forwarding: back to the agent who missed it, when the call was lost at an agent.
        var bound = rule.Kind == RuleKind.ContactCenter && !rule.ForwardToQueue ? lostAtAgent : null;
        return new Make(queue, callerId, zoneId, bound);
    }

    /// <summary>The rule as an operator finds it in the API: "contact-center rule v3".</summary>
    private static string Named(CallbackRule rule) => $"{rule.Kind.Name()} rule v{rule.Version}";
}
