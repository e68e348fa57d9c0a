using System.Globalization;
using CallbackFunctions.Domain.Callbacks;

namespace CallbackFunctions.Domain.Rules;

/// <summary>What a warning is about: stable, so a client or a test can tell warnings apart without reading the sentence.</summary>
public enum RuleWarningKind
{
    /// <summary>The first dialing interval is not shorter than the expiry: every callback expires before its first attempt.</summary>
    NoAttemptBeforeExpiry,
    /// <summary>The opening hours are closed every day: every call is missed outside them.</summary>
    NeverOpen,
    /// <summary>The opening hours are closed at the moment the rule is looked at.</summary>
    ClosedNow,
}

/// <summary>One warning about a rule: a sentence an operator reads as it is.</summary>
public sealed record RuleWarning(RuleWarningKind Kind, string Message);

/// <summary>
/// Why a valid rule would still make no callback, ever or for now (issue 14): a rule passes its validation with a first
/// interval past the expiry or hours that never open, and is then saved and silently makes nothing. These are not
/// errors: the operator may mean it (a rule closed tonight is normal), so the rule is saved and told back with them.
/// </summary>
public static class RuleWarnings
{
    /// <param name="rule">The rule as it is (or would be) saved.</param>
    /// <param name="settings">The timing every callback starts from (the app's settings); the rule's own values apply
    /// over it, as they do for a new callback (<see cref="CallbackRule.ApplyTo"/>), and the expiry is the settings'.</param>
    /// <param name="zone">The rule's time zone; null when it names none (its hours cannot then be read for "now").</param>
    /// <param name="now">The moment the rule is looked at.</param>
    public static IReadOnlyList<RuleWarning> For(CallbackRule rule, CallbackPolicy settings, TimeZoneInfo? zone, DateTimeOffset now)
    {
        var warnings = new List<RuleWarning>();
        var timing = rule.ApplyTo(settings);
        // seed 000: no attempt starts at or after the expiry (Callback.StartOffer), and a missed call's first attempt is
        // due its first interval after it, while its expiry counts from the same moment.
        if (!timing.Intervals.IsDefaultOrEmpty && timing.Intervals[0] >= timing.Expiry)
            warnings.Add(new(RuleWarningKind.NoAttemptBeforeExpiry,
                $"No callback will ever be made for a missed call: the first dialing interval ({Span(timing.Intervals[0])}) is not shorter " +
                $"than the callback expiry ({Span(timing.Expiry)}), so every callback expires before its first attempt. " +
                "Shorten the first interval or lengthen the expiry."));
        if (rule.Schedule.NeverOpen)
            warnings.Add(new(RuleWarningKind.NeverOpen,
                "No callback will ever be made: the opening hours are closed every day (no weekday and no weekend hours), so every " +
                "call is missed outside them. Give the weekdays or the weekend hours, or leave the schedule out to be always open."));
        else if (zone is not null && !rule.Schedule.IsOpen(now, zone))
        {
            var opens = rule.Schedule.NextOpening(now, zone);
            warnings.Add(new(RuleWarningKind.ClosedNow,
                $"Closed now: it is {Local(now, zone)} in {zone.Id}, outside the opening hours, so a call missed now gets no callback " +
                $"and callbacks already waiting are not dialled until it opens, at {Local(opens, zone)} ({zone.Id}). " +
                "The hours are read in the customer's own time zone when their number tells it."));
        }
        return warnings;
    }

    private static string Span(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);

    private static string Local(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("dddd d MMMM HH:mm", CultureInfo.InvariantCulture);
}
