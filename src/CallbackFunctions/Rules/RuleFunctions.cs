using System.Globalization;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Telephony;
using Microsoft.AspNetCore.Http.HttpResults;

using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Rules;

public sealed record WindowBody(string? Open, string? Close);
public sealed record ScheduleBody(WindowBody? Weekdays, WindowBody? Weekend);
public sealed record RuleBody(bool? Enabled, List<string>? Intervals, string? CallerId, string? Queue, bool? ForwardToQueue,
    string? CustomerRingTimeout, string? TimeZone, ScheduleBody? Schedule, PromptBody? AgentPrompt = null, RecordingBody? Recording = null,
    string? Voicemail = null, Dictionary<string, List<string>>? Retries = null, string? MinimumConnection = null);

public sealed record RuleView(string Kind, int Version, bool Enabled, IReadOnlyList<string> Intervals, string? CallerId, string? Queue,
    bool ForwardToQueue, string CustomerRingTimeout, string? TimeZone, ScheduleBody Schedule, PromptBody? AgentPrompt, RecordingView Recording,
    string Voicemail, Dictionary<string, List<string>> Retries, string MinimumConnection)
{
    public static RuleView From(CallbackRule r) => new(RuleKindNames.Name(r.Kind), r.Version, r.Enabled, [.. r.Intervals.Select(Span)], r.CallerId, r.Queue,
        r.ForwardToQueue, Span(r.CustomerRingTimeout), r.TimeZone, new ScheduleBody(Window(r.Schedule.Weekdays), Window(r.Schedule.Weekend)),
        CallFeatureBodies.View(r.AgentPrompt), CallFeatureBodies.View(r.Recording), VoicemailNames.Name(r.Voicemail),
        RetryBodies.View(r.Retries), Span(r.MinimumConnection));

    private static string Span(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
    private static WindowBody? Window(DailyWindow? w) => w is null ? null : new(w.Open.ToString("HH:mm", CultureInfo.InvariantCulture), w.Close.ToString("HH:mm", CultureInfo.InvariantCulture));

    /// <summary>
    /// Why this rule, as it stands, makes no callback ever (its first interval is not shorter than the callback expiry;
    /// its hours are closed every day) or none now (closed at this moment in its time zone, with when it next opens):
    /// one sentence each, for the operator. The rule is valid and saved all the same; empty when there is nothing to say.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record AccountView(bool Frozen, DateTimeOffset? ChangedAt, int MaxLines, double CallsPerSecond, string Note);
public sealed record LinesBody(int? MaxLines, double? CallsPerSecond);

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

/// <summary><c>/api/rules</c> (the two automatic callback rules) and <c>/api/account</c> (the freeze switch, lines and pacing), seed 001.</summary>
public sealed class RuleFunctions(RuleBook book, PhoneNumberNormalizer numbers, TimeZones zones, TimeProvider time)
{
    [ApiOperation("Rules", "Both rules: missed in scenario, missed in contact center.", Answer = typeof(List<RuleView>))]
    [Function("ListRules")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "rules")] HttpRequest request, CancellationToken ct)
    {
        var set = await book.CurrentAsync(ct);
        return TypedResults.Ok(new List<RuleView> { View(set.Scenario), View(set.ContactCenter) });
    }

    [ApiOperation("Rules", "One rule: 'scenario' or 'contact-center'.", Answer = typeof(RuleView))]
    [Function("GetRule")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "rules/{kind}")] HttpRequest request, string kind, CancellationToken ct) =>
        RuleKindNames.Parse(kind) is { } k ? TypedResults.Ok(View((await book.CurrentAsync(ct))[k])) : UnknownKind(kind);

    [ApiOperation("Rules", "Replace a rule (a new version; switching it off cancels its pending callbacks). The answer's warnings say why a saved rule would make no callback, ever or now.", Body = typeof(RuleBody), Answer = typeof(RuleView))]
    [Function("PutRule")]
    public Task<IResult> Put([HttpTrigger(AuthorizationLevel.Function, "put", Route = "rules/{kind}")] HttpRequest request, string kind,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<RuleBody>(request, body => PutAsync(kind, body, client, ct), ct);

    [ApiOperation("Rules", "Whether the account is frozen, its lines and pacing.", Answer = typeof(AccountView))]
    [Function("GetAccount")]
    public async Task<IResult> GetAccount([HttpTrigger(AuthorizationLevel.Function, "get", Route = "account")] HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok(View((await book.CurrentAsync(ct)).Account));

    [ApiOperation("Rules", "Switch every rule off, cancel every live callback and stop all dialing.", Answer = typeof(AccountView))]
    [Function("FreezeAccount")]
    public async Task<IResult> Freeze([HttpTrigger(AuthorizationLevel.Function, "post", Route = "account/freeze")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        TypedResults.Ok(View(await book.FreezeAsync(client, ct)));

    [ApiOperation("Rules", "Allow dialing again; rules stay off until each is enabled by hand.", Answer = typeof(AccountView))]
    [Function("UnfreezeAccount")]
    public async Task<IResult> Unfreeze([HttpTrigger(AuthorizationLevel.Function, "post", Route = "account/unfreeze")] HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok(View(await book.UnfreezeAsync(ct)));

    [ApiOperation("Rules", "At most maxLines callback calls at once (1-15) and callsPerSecond new calls a second.", Body = typeof(LinesBody), Answer = typeof(AccountView))]
    [Function("PutLines")]
    public Task<IResult> PutLines([HttpTrigger(AuthorizationLevel.Function, "put", Route = "account/lines")] HttpRequest request, CancellationToken ct) =>
        RequestValues.WithBodyAsync<LinesBody>(request, body => PutLinesAsync(body, ct), ct);

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
        var features = CallFeatureBodies.Parse(body.AgentPrompt, body.Recording, body.Voicemail, errors);
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
            Retries = retries,
            MinimumConnection = minimumConnection,
        };
        if (errors.Count > 0)
        {
            // Every error at once: the rule's own checks too, for the fields that read well (a field that did not
            // stands at its default here, and already has its error).
            foreach (var problem in rule.Validate(book.Bounds))
            {
                var field = problem.Split(':')[0];
                if (!errors.Keys.Any(k => k == field || k.StartsWith(field + ".", StringComparison.Ordinal) || field.StartsWith(k + ".", StringComparison.Ordinal)))
                    errors[field] = [.. errors.GetValueOrDefault(field) ?? [], problem[(problem.IndexOf(':') + 1)..].Trim()];
            }
            return TypedResults.ValidationProblem(errors);
        }
        var (saved, problems) = await book.SaveAsync(rule, client, ct);
        if (saved is null)
            return TypedResults.ValidationProblem(problems.GroupBy(p => p.Split(':')[0]).ToDictionary(g => g.Key, g => g.Select(p => p[(p.IndexOf(':') + 1)..].Trim()).ToArray()));
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
        var current = (await book.CurrentAsync(ct)).Account;
        var (saved, problems) = await book.SetLinesAsync(body.MaxLines ?? current.MaxLines, body.CallsPerSecond ?? current.CallsPerSecond, ct);
        return saved is null
            ? TypedResults.ValidationProblem(problems.ToDictionary(p => p.Split(':')[0], p => new[] { p[(p.IndexOf(':') + 1)..].Trim() }))
            : TypedResults.Ok(View(saved));
    }

    private static AccountView View(AccountState a) => new(a.Frozen, a.ChangedAt, a.MaxLines, a.CallsPerSecond, a.Frozen
        ? "Frozen: every rule is disabled and no callback dials."
        : "Not frozen. Rules switched off by a freeze stay off: enable each one again (PUT /api/rules/{kind} with \"enabled\": true).");

    private static ProblemHttpResult UnknownKind(string kind) =>
        TypedResults.Problem(title: "Unknown rule", detail: $"{RequestValues.Quote(kind)} is not a rule: use 'scenario' or 'contact-center'.", statusCode: 404);
}
