using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CallbackFunctions.Domain.Contacts;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Telephony;
using Microsoft.AspNetCore.Http.HttpResults;

using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Rules;

/// <summary>When callbacks may ring on a day, in the callback's time zone.</summary>
/// <param name="Open">Opening time, <c>HH:mm</c> (24-hour).</param>
/// <param name="Close">Closing time, <c>HH:mm</c>; at or before <c>open</c>, the window runs past midnight (<c>00:00</c> to <c>00:00</c> is all day).</param>
public sealed record WindowBody([Required] string? Open, [Required] string? Close);

/// <summary>When callbacks may ring, in the callback's time zone: a call missed outside it gets no callback; an attempt due outside it waits for the next opening.</summary>
/// <param name="Weekdays">Monday to Friday's window; null = closed all day.</param>
/// <param name="Weekend">Saturday and Sunday's window; null = closed all day.</param>
public sealed record ScheduleBody(WindowBody? Weekdays, WindowBody? Weekend);

/// <summary>
/// A callback rule, as <c>PUT /api/rules/{kind}</c> takes it: it replaces the rule, and a field left out takes its default.
/// Durations are <c>[d.]hh:mm:ss</c>. Bad values answer 400 with every field's error at once.
/// </summary>
/// <param name="Enabled">Whether the rule makes callbacks (default true); switching it off cancels every pending callback it made.</param>
/// <param name="Intervals">One dialing interval per attempt, each a duration from 1 to 60 minutes (the settings <c>Callbacks__MinInterval</c>, <c>__MaxInterval</c>), 1 to 10 of them (<c>Callbacks__MaxAttempts</c>): the first counts from the missed call, each next from the previous unsuccessful attempt. Default: the setting <c>Callbacks__Intervals</c>.</param>
/// <param name="CallerId">The caller ID presented when the number the customer called is not one of ours (any phone number format; stored E.164). Default none.</param>
/// <param name="Queue">Scenario rule: the one queue its callbacks go to (required there). Contact-center rule: the queue when <c>forwardToQueue</c>. A queue name: letters, digits, <c>_</c>, <c>.</c>, <c>-</c>; at most 64.</param>
/// <param name="ForwardToQueue">Contact-center rule: true sends callbacks to <c>queue</c>; false (default) back where the call was lost.</param>
/// <param name="CustomerRingTimeout">How long the customer's phone rings before the attempt ends: a duration from 5 to 600 seconds. Default: the setting <c>Callbacks__CustomerRingTimeout</c> (30 s).</param>
/// <param name="TimeZone">IANA time zone id (<c>America/Chicago</c>) used when the customer's number does not map to exactly one zone. Default: the setting <c>Callbacks__DefaultTimeZone</c>.</param>
/// <param name="Schedule">When callbacks may ring; null or left out = always.</param>
/// <param name="AgentPrompt">Played to the agent before the whisper; null (default) = none.</param>
/// <param name="Recording">Recording of the callback call; null (default) = off.</param>
/// <param name="Voicemail">What an answering machine on the customer's leg means: <c>off</c> (default; no detection), <c>counts-as-reached</c> or <c>counts-as-not-answered</c>.</param>
/// <param name="Retries">Outcomes with their own counter and intervals, by outcome (<c>busy</c>, <c>noAnswer</c>, <c>machine</c>, <c>failed</c>, <c>agentNotReached</c>): 1 to 10 durations each, within the interval bounds. Outcomes left out share <c>intervals</c>.</param>
/// <param name="MinimumConnection">A customer leg connected for less counts as not reached: a duration from 0 (default, off) to 10 minutes.</param>
/// <param name="Whisper">Which parts the whisper to the agent speaks before they press 1: <c>name</c>, <c>type</c>, <c>location</c>, <c>queue</c>, <c>comment</c>, each true or false. A part left out (or null) is on; without the object (default), every part is.</param>
public sealed record RuleBody(bool? Enabled, List<string>? Intervals, string? CallerId, string? Queue, bool? ForwardToQueue,
    string? CustomerRingTimeout, string? TimeZone, ScheduleBody? Schedule, PromptBody? AgentPrompt = null, RecordingBody? Recording = null,
    string? Voicemail = null, Dictionary<string, List<string>>? Retries = null, string? MinimumConnection = null, WhisperBody? Whisper = null);

/// <summary>A rule's saved versions.</summary>
/// <param name="Items">Newest first, at most 100.</param>
public sealed record RuleVersionList(IReadOnlyList<RuleVersionView> Items);

/// <summary>One saved version of a rule.</summary>
/// <param name="Version">Its version number.</param>
/// <param name="SavedAt">When it was saved (UTC).</param>
/// <param name="Rule">The rule as that version had it.</param>
public sealed record RuleVersionView(int Version, DateTimeOffset SavedAt, RuleView Rule);

/// <summary>A callback rule as it stands (durations are <c>[d.]hh:mm:ss</c>).</summary>
/// <param name="Kind"><c>scenario</c> (calls missed in the IVR) or <c>contact-center</c> (calls missed at a queue or an agent).</param>
/// <param name="Version">The rule's version: 0 until first saved, one more with each save.</param>
/// <param name="Enabled">Whether the rule makes callbacks.</param>
/// <param name="Intervals">One dialing interval per attempt: the first from the missed call, each next from the previous unsuccessful attempt.</param>
/// <param name="CallerId">The caller ID presented when the number the customer called is not one of ours (E.164), or null.</param>
/// <param name="Queue">Scenario: the one queue its callbacks go to. Contact center: the queue when <c>forwardToQueue</c>.</param>
/// <param name="ForwardToQueue">Contact center: true sends callbacks to <c>queue</c>; false back where the call was lost.</param>
/// <param name="CustomerRingTimeout">How long the customer's phone rings before the attempt ends (5 to 600 seconds).</param>
/// <param name="TimeZone">IANA time zone id used when the customer's number does not tell, or null.</param>
/// <param name="Schedule">When callbacks may ring (always: both windows <c>00:00</c> to <c>00:00</c>).</param>
/// <param name="AgentPrompt">Played to the agent before the whisper, or null.</param>
/// <param name="Recording">Recording of the callback call.</param>
/// <param name="Voicemail"><c>off</c>, <c>counts-as-reached</c> or <c>counts-as-not-answered</c>.</param>
/// <param name="Retries">Outcomes with their own counter and intervals; the others share <c>intervals</c>.</param>
/// <param name="MinimumConnection">A customer leg connected for less counts as not reached (<c>00:00:00</c> = off).</param>
/// <param name="Whisper">Which parts the whisper to the agent speaks before they press 1.</param>
public sealed record RuleView(string Kind, int Version, bool Enabled, IReadOnlyList<string> Intervals, string? CallerId, string? Queue,
    bool ForwardToQueue, string CustomerRingTimeout, string? TimeZone, ScheduleBody Schedule, PromptBody? AgentPrompt, RecordingView Recording,
    string Voicemail, Dictionary<string, List<string>> Retries, string MinimumConnection, WhisperView Whisper)
{
    public static RuleView From(CallbackRule r) => new(RuleKindNames.Name(r.Kind), r.Version, r.Enabled, [.. r.Intervals.Select(Span)], r.CallerId, r.Queue,
        r.ForwardToQueue, Span(r.CustomerRingTimeout), r.TimeZone, new ScheduleBody(Window(r.Schedule.Weekdays), Window(r.Schedule.Weekend)),
        CallFeatureBodies.View(r.AgentPrompt), CallFeatureBodies.View(r.Recording), VoicemailNames.Name(r.Voicemail),
        RetryBodies.View(r.Retries), Span(r.MinimumConnection), CallFeatureBodies.View(r.Whisper));

    private static string Span(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
    private static WindowBody? Window(DailyWindow? w) => w is null ? null : new(w.Open.ToString("HH:mm", CultureInfo.InvariantCulture), w.Close.ToString("HH:mm", CultureInfo.InvariantCulture));

    /// <summary>
    /// Why this rule, as it stands, makes no callback ever (its first interval is not shorter than the callback expiry;
    /// its hours are closed every day) or none now (closed at this moment in its time zone, with when it next opens):
    /// one sentence each, for the operator. The rule is valid and saved all the same; empty when there is nothing to say.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The account: its freeze switch, lines, pacing and unknown callers.</summary>
/// <param name="Frozen">Frozen: every rule is off and no callback dials.</param>
/// <param name="ChangedAt">When the account was last frozen or unfrozen (UTC), or null if never.</param>
/// <param name="MaxLines">At most this many callback calls at once (1 to 15).</param>
/// <param name="CallsPerSecond">At most this many new calls a second (more than 0, at most 100; Twilio's pace for the account).</param>
/// <param name="UnknownCallers">A callback for a caller no contact has the number of: <c>ignore</c> (it goes on with the number only) or <c>createContact</c> (a contact with only the number is made, type unknown).</param>
/// <param name="Note">What the state means for the operator, in words.</param>
public sealed record AccountView(bool Frozen, DateTimeOffset? ChangedAt, int MaxLines, double CallsPerSecond, string UnknownCallers, string Note);

/// <summary>The account's lines and pacing; a field left out keeps its value.</summary>
/// <param name="MaxLines">At most this many callback calls at once: 1 to 15.</param>
/// <param name="CallsPerSecond">At most this many new calls a second: more than 0, at most 100.</param>
public sealed record LinesBody(int? MaxLines, double? CallsPerSecond);

/// <summary>What a callback for a caller no contact knows gets.</summary>
/// <param name="UnknownCallers"><c>ignore</c> (the account's default: the callback goes on with the number only) or <c>createContact</c> (a contact with only the number is made, type unknown).</param>
public sealed record UnknownCallersBody([Required] string? UnknownCallers);

/// <summary>The unknown-caller policies as the API spells them.</summary>
public static class UnknownCallerNames
{
    public static string Name(UnknownCallerPolicy policy) => policy == UnknownCallerPolicy.CreateContact ? "createContact" : "ignore";

    public static UnknownCallerPolicy? Parse(string text) => text.ToLowerInvariant() switch
    {
        "ignore" => UnknownCallerPolicy.Ignore,
        "createcontact" => UnknownCallerPolicy.CreateContact,
        _ => null,
    };
}

/// <summary>The rule kinds as the API and the webhooks spell them.</summary>
public static class RuleKindNames
{
    public static string Name(RuleKind kind) => kind.Name();

    public static RuleKind? Parse(string text) => text.ToLowerInvariant() switch
    {
        "scenario" => RuleKind.Scenario,
        "contact-center" => RuleKind.ContactCenter,
        _ => null,
    };
}

/// <summary><c>/api/rules</c> (the two automatic callback rules) and <c>/api/account</c> (the freeze switch, lines and pacing, seed 001; unknown callers, issue 16).</summary>
public sealed class RuleFunctions(RuleBook book, PhoneNumberNormalizer numbers, TimeZones zones, TimeProvider time)
{
    // For the OpenAPI document.
    private const string Kind = "kind (scenario|contact-center): the rule: for calls missed in the IVR, or in the contact center";
    private const string UnknownRule = "404: Not a rule";

    [ApiOperation("Rules", "Both rules: missed in scenario, missed in contact center.", Answer = typeof(List<RuleView>), Responses = ["200: The scenario rule, then the contact-center rule"])]
    [Function("ListRules")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/rules")] HttpRequest request, CancellationToken ct)
    {
        var set = await book.CurrentAsync(ct);
        return TypedResults.Ok(new List<RuleView> { View(set.Scenario), View(set.ContactCenter) });
    }

    [ApiOperation("Rules", "One rule: 'scenario' or 'contact-center'.", Path = [Kind], Answer = typeof(RuleView), Responses = ["200: The rule", UnknownRule])]
    [Function("GetRule")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/rules/{kind}")] HttpRequest request, string kind, CancellationToken ct) =>
        RuleKindNames.Parse(kind) is { } k ? TypedResults.Ok(View((await book.CurrentAsync(ct))[k])) : UnknownKind(kind);

    [ApiOperation("Rules", "A rule's saved versions, newest first (at most 100): each as it was saved, and when.", Path = [Kind], Answer = typeof(RuleVersionList),
        Responses = ["200: The versions (none before the rule was first saved)", UnknownRule])]
    [Function("GetRuleVersions")]
    public async Task<IResult> Versions([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/rules/{kind}/versions")] HttpRequest request, string kind,
        CancellationToken ct) =>
        RuleKindNames.Parse(kind) is { } k
            ? TypedResults.Ok(new RuleVersionList([.. (await book.VersionsAsync(k, MaxVersionsShown, ct)).Select(v => new RuleVersionView(v.Rule.Version, v.SavedAt, View(v.Rule)))]))
            : UnknownKind(kind);

    /// <summary>At most this many versions of a rule in one answer.</summary>
    public const int MaxVersionsShown = 100;

    [ApiOperation("Rules", "Replace a rule (a new version; switching it off cancels its pending callbacks). The answer's warnings say why a saved rule would make no callback, ever or now.", Path = [Kind], Body = typeof(RuleBody), Answer = typeof(RuleView),
        Responses = ["200: The rule as saved, with its new version and its warnings", "400: Bad field values: every field's error at once", UnknownRule])]
    [Function("PutRule")]
    public Task<IResult> Put([HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/rules/{kind}")] HttpRequest request, string kind,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<RuleBody>(request, body => PutAsync(kind, body, client, ct), ct);

    [ApiOperation("Account", "Whether the account is frozen, its lines and pacing.", Answer = typeof(AccountView), Responses = ["200: The account"])]
    [Function("GetAccount")]
    public async Task<IResult> GetAccount([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/account")] HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok(View((await book.CurrentAsync(ct)).Account));

    [ApiOperation("Account", "Switch every rule off, cancel every live callback and stop all dialing.", Answer = typeof(AccountView), Responses = ["200: The account, frozen"])]
    [Function("FreezeAccount")]
    public async Task<IResult> Freeze([HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/account/freeze")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        TypedResults.Ok(View(await book.FreezeAsync(client, ct)));

    [ApiOperation("Account", "Allow dialing again; rules stay off until each is enabled by hand.", Answer = typeof(AccountView), Responses = ["200: The account, not frozen"])]
    [Function("UnfreezeAccount")]
    public async Task<IResult> Unfreeze([HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/account/unfreeze")] HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok(View(await book.UnfreezeAsync(ct)));

    [ApiOperation("Account", "At most maxLines callback calls at once (1-15) and callsPerSecond new calls a second.", Body = typeof(LinesBody), Answer = typeof(AccountView),
        Responses = ["200: The account as saved", "400: A value out of bounds"])]
    [Function("PutLines")]
    public Task<IResult> PutLines([HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/account/lines")] HttpRequest request, CancellationToken ct) =>
        RequestValues.WithBodyAsync<LinesBody>(request, body => PutLinesAsync(body, ct), ct);

    [ApiOperation("Account", "Whether a caller no contact knows gets a contact made for them (createContact) or not (ignore, the default).", Body = typeof(UnknownCallersBody),
        Answer = typeof(AccountView), Responses = ["200: The account as saved", "400: Neither ignore nor createContact"])]
    [Function("PutUnknownCallers")]
    public Task<IResult> PutUnknownCallers([HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/account/unknown-callers")] HttpRequest request, CancellationToken ct) =>
        RequestValues.WithBodyAsync<UnknownCallersBody>(request, body => PutUnknownCallersAsync(body, ct), ct);

    private async Task<IResult> PutAsync(string kind, RuleBody body, DurableTaskClient client, CancellationToken ct)
    {
        if (RuleKindNames.Parse(kind) is not { } k) return UnknownKind(kind);
        var errors = new Dictionary<string, string[]>();
        // Intervals or a ring timeout left out take the unsaved rule's, which are the app's settings (Callbacks__Intervals,
        // Callbacks__CustomerRingTimeout), as README says.
        var unsaved = book.Default(k);
        var intervals = new List<TimeSpan>();
        if (body.Intervals is null) intervals.AddRange(unsaved.Intervals);
        foreach (var text in body.Intervals ?? [])
            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t)) intervals.Add(t);
            else errors["intervals"] = [$"{RequestValues.Quote(text)} is not a duration like 00:05:00"];
        var ring = unsaved.CustomerRingTimeout;
        if (body.CustomerRingTimeout is not null && !TimeSpan.TryParse(body.CustomerRingTimeout, CultureInfo.InvariantCulture, out ring))
            errors["customerRingTimeout"] = ["a duration like 00:00:30"];
        string? callerId = null;
        if (!string.IsNullOrWhiteSpace(body.CallerId))
        {
            var n = numbers.Normalize(body.CallerId);
            if (n.IsValid) callerId = n.E164;
            else errors["callerId"] = [$"not a valid phone number ({n.Problem})"];
        }
        if (body.Queue is not null && !MissedCallFunctions.IsValidQueue(body.Queue)) errors["queue"] = ["not a valid queue name"];
        if (body.TimeZone is not null && zones.Find(body.TimeZone) is null) errors["timeZone"] = [$"{RequestValues.Quote(body.TimeZone)} is not an IANA time zone"];
        var weekdays = ParseWindow(body.Schedule?.Weekdays, "schedule.weekdays", errors);
        var weekend = ParseWindow(body.Schedule?.Weekend, "schedule.weekend", errors);
        var features = CallFeatureBodies.Parse(body.AgentPrompt, body.Recording, body.Voicemail, body.Whisper, errors);
        var retries = RetryBodies.Parse(body.Retries, errors);
        var minimumConnection = RetryBodies.ParseDuration(body.MinimumConnection, "minimumConnection", errors) ?? TimeSpan.Zero;

        var rule = new CallbackRule
        {
            Kind = k,
            Enabled = body.Enabled ?? true,
            Intervals = [.. intervals],
            CallerId = callerId,
            Queue = body.Queue,
            ForwardToQueue = body.ForwardToQueue ?? false,
            CustomerRingTimeout = ring,
            TimeZone = body.TimeZone,
            Schedule = body.Schedule is null ? OpeningHours.Always : new OpeningHours(weekdays, weekend),
            AgentPrompt = features.AgentPrompt,
            Recording = features.Recording,
            Voicemail = features.Voicemail,
            Whisper = features.Whisper,
            Retries = retries,
            MinimumConnection = minimumConnection,
        };
        if (errors.Count > 0)
        {
            // Every error at once: the rule's own checks too, for the fields that read well (a field that did not
            // stands at its default here, and already has its error).
            FieldProblems.AddTo(errors, rule.Validate(book.Bounds), FieldProblems.ReadBadly(errors.Keys));
            return TypedResults.ValidationProblem(errors);
        }
        var (saved, problems) = await book.SaveAsync(rule, client, ct);
        if (saved is null)
            return TypedResults.ValidationProblem(FieldProblems.Of(problems));
        return TypedResults.Ok(View(saved));
    }

    /// <summary>The rule as the API shows it, with its warnings (issue 14) against the timing settings, in its time zone, now.</summary>
    private RuleView View(CallbackRule rule) => RuleView.From(rule) with
    {
        Warnings = [.. RuleWarnings.For(rule, book.TimingSettings, zones.Find(rule.TimeZone), time.GetUtcNow()).Select(w => w.Message)],
    };

    private static DailyWindow? ParseWindow(WindowBody? body, string name, Dictionary<string, string[]> errors)
    {
        if (body is null) return null;
        if (TimeOnly.TryParse(body.Open, CultureInfo.InvariantCulture, out var open) && TimeOnly.TryParse(body.Close, CultureInfo.InvariantCulture, out var close))
            return new DailyWindow(open, close);
        errors[name] = ["open and close as HH:mm (close at or before open runs past midnight; null = closed all day)"];
        return null;
    }

    private async Task<IResult> PutLinesAsync(LinesBody body, CancellationToken ct)
    {
        var (saved, problems) = await book.ChangeSettingsAsync(
            a => a with { MaxLines = body.MaxLines ?? a.MaxLines, CallsPerSecond = body.CallsPerSecond ?? a.CallsPerSecond }, ct);
        return saved is null ? Problems(problems) : TypedResults.Ok(View(saved));
    }

    private async Task<IResult> PutUnknownCallersAsync(UnknownCallersBody body, CancellationToken ct)
    {
        if (body.UnknownCallers is null) return Problems(["unknownCallers: required: ignore or createContact"]);
        if (UnknownCallerNames.Parse(body.UnknownCallers) is not { } policy)
            return Problems([$"unknownCallers: {RequestValues.Quote(body.UnknownCallers)} is not one of ignore, createContact"]);
        var (saved, problems) = await book.ChangeSettingsAsync(a => a with { UnknownCallers = policy }, ct);
        return saved is null ? Problems(problems) : TypedResults.Ok(View(saved));
    }

    private static ValidationProblem Problems(IReadOnlyList<string> problems) =>
        TypedResults.ValidationProblem(FieldProblems.Of(problems));

    private static AccountView View(AccountState a) => new(a.Frozen, a.ChangedAt, a.MaxLines, a.CallsPerSecond, UnknownCallerNames.Name(a.UnknownCallers), a.Frozen
        ? "Frozen: every rule is disabled and no callback dials."
        : "Not frozen. Rules switched off by a freeze stay off: enable each one again (PUT /api/rules/{kind} with \"enabled\": true).");

    private static ProblemHttpResult UnknownKind(string kind) =>
        TypedResults.Problem(title: "Unknown rule", detail: $"{RequestValues.Quote(kind)} is not a rule: use 'scenario' or 'contact-center'.", statusCode: 404);
}
