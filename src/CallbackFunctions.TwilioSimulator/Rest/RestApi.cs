using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CallbackFunctions.TwilioSimulator.Calls;
using CallbackFunctions.TwilioSimulator.Control;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace CallbackFunctions.TwilioSimulator.Rest;

/// <summary>The slice of Twilio's REST API 2010-04-01 that the app calls (TWILIO.md §1, §8.1–8.6).</summary>
internal static class RestApi
{
    private const string Base = "/2010-04-01/Accounts/{accountSid}";
    private static readonly string[] ListFilters =
        ["To", "From", "ParentCallSid", "Status", "StartTime", "StartTime<", "StartTime>", "EndTime", "EndTime<", "EndTime>", "PageSize", "Page", "PageToken"];

    private static readonly string[] RestStatuses = ["queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"];

    public static void MapTwilioRest(this IEndpointRouteBuilder app, CallEngine engine, ILogger logger)
    {
        app.Map(Base + "/Calls.json", (HttpContext http, string accountSid) =>
            Guarded(http, engine, logger, accountSid, http.Request.Method switch
            {
                "POST" => () => CreateAsync(http, engine, logger),
                "GET" => () => Task.FromResult(List(http, engine)),
                _ => null,
            })).WithMetadata(new RestRouteDoc(
                new RestOperation("POST", "Create Call (form: To, From, one of Url, Twiml, ApplicationSid; StatusCallback, Timeout, MachineDetection, Record, ...): 201 + call JSON"),
                new RestOperation("GET", "List Calls, newest first (To, From, ParentCallSid, Status, StartTime/EndTime filters; PageSize, Page, PageToken)")));
        app.Map(Base + "/Calls/{callSid}.json", (HttpContext http, string accountSid, string callSid) =>
            Guarded(http, engine, logger, accountSid, http.Request.Method switch
            {
                "GET" => () => Task.FromResult(Fetch(engine, callSid)),
                "POST" => () => UpdateAsync(http, engine, callSid),
                _ => null,
            })).WithMetadata(new RestRouteDoc(
                new RestOperation("GET", "Fetch Call: 200 + call JSON"),
                new RestOperation("POST", "Update Call (Status=canceled or completed, or Url or Twiml to redirect the live call): 200 + call JSON")));
        app.Map(Base + "/Recordings/{recordingSid}.json", (HttpContext http, string accountSid, string recordingSid) =>
            Guarded(http, engine, logger, accountSid, http.Request.Method == "DELETE" ? () => Task.FromResult(DeleteRecording(engine, recordingSid, null)) : null))
            .WithMetadata(new RestRouteDoc(new RestOperation("DELETE", "Delete Recording (RE...): 204")));
        app.Map(Base + "/Calls/{callSid}/Recordings/{recordingSid}.json", (HttpContext http, string accountSid, string callSid, string recordingSid) =>
            Guarded(http, engine, logger, accountSid, http.Request.Method == "DELETE" ? () => Task.FromResult(DeleteRecording(engine, recordingSid, callSid)) : null))
            .WithMetadata(new RestRouteDoc(new RestOperation("DELETE", "Delete a call's Recording: 204")));
        app.Map("/2010-04-01/{**rest}", (HttpContext http) =>
            Refuse(http, logger, Authenticate(http, engine.Options, accountSid: null) ?? new TwilioError(404, TwilioError.NotFound, $"The requested resource {http.Request.Path} was not found")))
            .WithMetadata(new RestRouteDoc(new RestOperation("any", "Anything else: 401 without valid credentials, else 404 (code 20404), Twilio's error JSON")));
    }

    /// <summary>Unknown paths outside /sim: Twilio's 404 body.</summary>
    public static IResult NotFound(HttpContext http) =>
        new TwilioError(404, TwilioError.NotFound, $"The requested resource {http.Request.Path} was not found").ToResult();

    private static async Task<IResult> Guarded(
        HttpContext http, CallEngine engine, ILogger logger, string accountSid, Func<Task<IResult>>? handler)
    {
        var isCreate = handler is not null && http.Request.Method == "POST" && http.Request.Path.Value!.EndsWith("/Calls.json", StringComparison.Ordinal);
        if (Authenticate(http, engine.Options, accountSid) is { } denied)
        {
            if (isCreate)
            {
                engine.CountCreate();
                engine.RejectCreate();
            }

            return Refuse(http, logger, denied);
        }

        if (handler is null)
        {
            return Refuse(http, logger, new TwilioError(405, TwilioError.MethodNotAllowed, $"Method {http.Request.Method} not allowed on {http.Request.Path}"));
        }

        var result = await handler().ConfigureAwait(false);
        if (result is ErrorResult error)
        {
            return Refuse(http, logger, error.Error);
        }

        return result;
    }

    private static IResult Refuse(HttpContext http, ILogger logger, TwilioError error)
    {
        logger.RestRefused(http.Request.Method, http.Request.Path.Value ?? "", error.Status, error.Code, error.Message);
        return error.ToResult();
    }

    /// <summary>Basic auth: AccountSid:AuthToken or ApiKeySid:ApiKeySecret, and the path's AccountSid must be ours (TWILIO.md §8.1).</summary>
    private static TwilioError? Authenticate(HttpContext http, SimulatorOptions options, string? accountSid)
    {
        var denied = new TwilioError(401, TwilioError.Unauthorized, "Authentication Error - invalid username");
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return denied;
        }

        string user, password;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return denied;
            }

            (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return denied;
        }

        var valid = (user == options.AccountSid && SecretEquals(password, options.AuthToken)) ||
                    (options.ApiKeySid is not null && options.ApiKeySecret is not null && user == options.ApiKeySid && SecretEquals(password, options.ApiKeySecret));
        return valid && (accountSid is null || accountSid == options.AccountSid) ? null : denied;
    }

    private static bool SecretEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private static async Task<IResult> CreateAsync(HttpContext http, CallEngine engine, ILogger logger)
    {
        engine.CountCreate();
        var (form, formError) = await ReadFormAsync(http).ConfigureAwait(false);
        if (formError is not null)
        {
            engine.RejectCreate();
            return new ErrorResult(formError);
        }

        var (spec, error) = CallParameters.ParseCreate(form!, engine.Options);
        if (error is not null)
        {
            engine.RejectCreate();
            return new ErrorResult(error);
        }

        var fault = engine.TakeCreateFault();
        if (fault is { } kind)
        {
            logger.CreateFaultApplied(kind);
            switch (kind)
            {
                case CreateFaultKind.Status500:
                    engine.RejectCreate();
                    return new ErrorResult(new TwilioError(500, TwilioError.InternalError, "Internal server error (simulated)"));
                case CreateFaultKind.Status429:
                    engine.RejectCreate();
                    return new ErrorResult(new TwilioError(429, TwilioError.TooManyRequests, "Too Many Requests (simulated)"));
            }
        }

        var body = engine.CreateOutbound(spec!, l => CallResource.Json(l, engine.Options.AccountSid));
        if (engine.Faults.CreateDelayMs > 0)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(engine.Faults.CreateDelayMs), engine.Options.TimeProvider, http.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
        }

        if (fault == CreateFaultKind.CreatedThen500)
        {
            return new ErrorResult(new TwilioError(500, TwilioError.InternalError, "Internal server error (simulated, but the call was created)"));
        }

        if (fault == CreateFaultKind.Timeout)
        {
            using var held = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, engine.RunToken);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), engine.Options.TimeProvider, held.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
        }

        return Results.Json(body, RestJson.Options, statusCode: 201);
    }

    private static IResult Fetch(CallEngine engine, string callSid) =>
        engine.Find(callSid) is { } leg
            ? Results.Json(engine.Read(leg, l => CallResource.Json(l, engine.Options.AccountSid)), RestJson.Options)
            : new ErrorResult(CallNotFound(callSid));

    private static async Task<IResult> UpdateAsync(HttpContext http, CallEngine engine, string callSid)
    {
        if (engine.Find(callSid) is not { } leg)
        {
            return new ErrorResult(CallNotFound(callSid));
        }

        var (form, formError) = await ReadFormAsync(http).ConfigureAwait(false);
        if (formError is not null)
        {
            return new ErrorResult(formError);
        }

        var (spec, error) = CallParameters.ParseUpdate(form!);
        if (error is not null)
        {
            return new ErrorResult(error);
        }

        if (!engine.Update(leg, spec!))
        {
            return new ErrorResult(TwilioError.BadRequest(TwilioError.NotInProgress, "Call is not in-progress. Cannot redirect."));
        }

        return Results.Json(engine.Read(leg, l => CallResource.Json(l, engine.Options.AccountSid)), RestJson.Options);
    }

    private static IResult DeleteRecording(CallEngine engine, string recordingSid, string? callSid) =>
        engine.DeleteRecording(recordingSid, callSid)
            ? Results.NoContent()
            : new ErrorResult(new TwilioError(404, TwilioError.NotFound, $"The requested resource Recording {recordingSid} was not found"));

    private static TwilioError CallNotFound(string callSid) =>
        new(404, TwilioError.NotFound, $"The requested resource /Calls/{callSid}.json was not found");

    /// <summary>TWILIO.md §1.1: form bodies only, parameters in the body and not the query string.</summary>
    private static async Task<(IFormCollection? Form, TwilioError? Error)> ReadFormAsync(HttpContext http)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ||
            !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TwilioError.Parameter($"Content-Type must be application/x-www-form-urlencoded, not '{request.ContentType}'."));
        }

        if (request.Query.Count > 0)
        {
            return (null, TwilioError.Parameter($"Parameters belong in the form body, not the query string ('{request.QueryString}')."));
        }

        return (await request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false), null);
    }

    /// <summary>List Calls (TWILIO.md §1.5): newest first, filtered, paged with Page/PageToken and next_page_uri.</summary>
    private static IResult List(HttpContext http, CallEngine engine)
    {
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (!ListFilters.Contains(key, StringComparer.Ordinal))
            {
                return new ErrorResult(TwilioError.Parameter($"Unknown parameter '{key}'."));
            }

            if (query[key].Count > 1)
            {
                return new ErrorResult(TwilioError.Parameter($"Parameter '{key}' was given {query[key].Count} times."));
            }
        }

        string? Get(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;
        var status = Get("Status");
        if (status is not null && !RestStatuses.Contains(status, StringComparer.Ordinal))
        {
            return new ErrorResult(TwilioError.Parameter($"Status '{status}' must be one of: {string.Join(", ", RestStatuses)}."));
        }

        var dates = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var name in new[] { "StartTime", "StartTime<", "StartTime>", "EndTime", "EndTime<", "EndTime>" })
        {
            if (Get(name) is not { } raw)
            {
                continue;
            }

            if (!DateTimeOffset.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                return new ErrorResult(TwilioError.Parameter($"{name} '{raw}' must be a date YYYY-MM-DD."));
            }

            dates[name] = date;
        }

        var pageSize = 50;
        if (Get("PageSize") is { } rawSize && !(int.TryParse(rawSize, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) && pageSize is >= 1 and <= 1000))
        {
            return new ErrorResult(TwilioError.Parameter($"PageSize '{rawSize}' must be from 1 to 1000."));
        }

        var page = 0;
        if (Get("Page") is { } rawPage && !int.TryParse(rawPage, NumberStyles.None, CultureInfo.InvariantCulture, out page))
        {
            return new ErrorResult(TwilioError.Parameter($"Page '{rawPage}' must be a whole number."));
        }

        var (to, from, parent) = (Get("To"), Get("From"), Get("ParentCallSid"));
        var accountSid = engine.Options.AccountSid;
        var rows = engine.NewestFirst()
            .Select(leg => engine.Read(leg, l => (Leg: l, Json: CallResource.Json(l, accountSid), l.StartTime, l.EndTime, Status: l.Status.Rest())))
            .Where(r => (to is null || r.Leg.To == to) && (from is null || r.Leg.From == from) &&
                        (parent is null || r.Leg.ParentCallSid == parent) && (status is null || r.Status == status) &&
                        InRange(r.StartTime, dates, "StartTime") && InRange(r.EndTime, dates, "EndTime"))
            .ToList();

        var start = page * pageSize;
        if (Get("PageToken") is { } token)
        {
            // PA<sid>: the page after that call; PB<sid>: the page before it.
            var anchor = token.Length > 2 ? rows.FindIndex(r => r.Leg.Sid == token[2..]) : -1;
            if (anchor < 0 || !(token.StartsWith("PA", StringComparison.Ordinal) || token.StartsWith("PB", StringComparison.Ordinal)))
            {
                return new ErrorResult(TwilioError.Parameter($"PageToken '{token}' is not valid for this list."));
            }

            start = token.StartsWith("PA", StringComparison.Ordinal) ? anchor + 1 : Math.Max(0, anchor - pageSize);
        }

        var items = rows.Skip(start).Take(pageSize).ToList();
        var filters = query.Where(q => q.Key is not ("PageSize" or "Page" or "PageToken"))
            .Select(q => WebUtility.UrlEncode(q.Key) + "=" + WebUtility.UrlEncode(q.Value.ToString()))
            .ToList();
        string PageUri(int pageNumber, string? pageToken) =>
            $"/2010-04-01/Accounts/{accountSid}/Calls.json?" + string.Join('&', filters.Append($"PageSize={pageSize}").Append($"Page={pageNumber}")
                .Concat(pageToken is null ? [] : [$"PageToken={pageToken}"]));

        var hasNext = start + items.Count < rows.Count && items.Count > 0;
        return Results.Json(
            new Dictionary<string, object?>
            {
                ["calls"] = items.Select(i => i.Json).ToList(),
                ["page"] = page,
                ["page_size"] = pageSize,
                ["start"] = start,
                ["end"] = items.Count == 0 ? start : start + items.Count - 1,
                ["uri"] = PageUri(page, Get("PageToken")),
                ["first_page_uri"] = PageUri(0, null),
                ["next_page_uri"] = hasNext ? PageUri(page + 1, "PA" + items[^1].Leg.Sid) : null,
                ["previous_page_uri"] = page > 0 && items.Count > 0 ? PageUri(page - 1, "PB" + items[0].Leg.Sid) : null,
            },
            RestJson.Options);
    }

    /// <summary><c>X</c> = on that UTC date, <c>X&gt;</c> = on or after, <c>X&lt;</c> = before (TWILIO.md §1.5).</summary>
    private static bool InRange(DateTimeOffset? value, Dictionary<string, DateTimeOffset> dates, string name)
    {
        if (!dates.TryGetValue(name, out var on) & !dates.TryGetValue(name + ">", out var after) & !dates.TryGetValue(name + "<", out var before))
        {
            return true;
        }

        if (value is not { } v)
        {
            return false;
        }

        return (!dates.ContainsKey(name) || (v >= on && v < on.AddDays(1))) &&
               (!dates.ContainsKey(name + ">") || v >= after) &&
               (!dates.ContainsKey(name + "<") || v < before);
    }

    /// <summary>A handler's refusal, logged and written by <see cref="Guarded"/>.</summary>
    private sealed class ErrorResult(TwilioError error) : IResult
    {
        public TwilioError Error { get; } = error;

        public Task ExecuteAsync(HttpContext httpContext) => Error.ToResult().ExecuteAsync(httpContext);
    }
}
