using System.Globalization;
using CallbackFunctions.Storage;
using CallbackFunctions.Http;
using CallbackFunctions.Twilio;
using Microsoft.Azure.Functions.Worker;

namespace CallbackFunctions.Recordings;

/// <summary>A recording of a callback call.</summary>
/// <param name="RecordingSid">Twilio's id of the recording (<c>RE</c> and 32 hex digits).</param>
/// <param name="CallbackId">The callback it belongs to.</param>
/// <param name="Attempt">The attempt it was made in, from 1.</param>
/// <param name="CallSid">The call it belongs to: the agent's (a <c>&lt;Dial&gt;</c> recording is the parent call's).</param>
/// <param name="Url">Where Twilio serves it (Twilio's credentials needed to fetch it).</param>
/// <param name="DurationSeconds">Its length in seconds, when Twilio said.</param>
/// <param name="RecordedAt">When it started (UTC).</param>
/// <param name="AvailableUntil">When it leaves the list and is deleted at Twilio (UTC): its start plus the rule's current storage period.</param>
public sealed record CallRecordingView(string RecordingSid, string CallbackId, int Attempt, string CallSid, string Url, int? DurationSeconds,
    DateTimeOffset RecordedAt, DateTimeOffset AvailableUntil);

/// <summary>
/// Recordings of callback calls (seed 001 "outbound call recording"): <c>recording-status</c> (the customer
/// <c>&lt;Dial&gt;</c>'s recording status callback) stores them; <c>GET /api/recordings</c> lists those still within
/// their rule's storage period.
/// </summary>
public sealed class RecordingFunctions(TwilioWebhook twilio, RecordingRepository recordings, CallbackRepository callbacks, RecordingRetention retention,
    TimeProvider time, ILoggerFactory loggers)
{
    /// <summary>The longest recording URL kept (Twilio's are about 130 characters).</summary>
    public const int MaxUrlLength = 2048;

    [ApiOperation("Twilio webhooks", "Recording status callback of the customer <Dial>: stores a completed recording", Query = [WebhookUrls.Parameters.Callback, WebhookUrls.Parameters.Attempt], Responses = ["204: Stored, or nothing to store", "400: A parameter the route cannot use (no RecordingSid, a bad URL)"])]
    [Function("RecordingStatus")]
    public Task<IResult> RecordingStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/twilio/recording-status")] HttpRequest request, CancellationToken ct) =>
        twilio.RunAsync(request, budget => AgentCalls.AgentCallFunctions.Callback(request, out var id) is { } problem ? Task.FromResult(problem)
            : RequestValues.TryRequiredNumber(request, "attempt", out var attempt, out problem)
                ? RecordingStatusAsync(request, id, attempt, budget)
                : Task.FromResult(problem!), ct);

    [ApiOperation("Recordings", "A callback's recordings still within their rule's storage period (older ones are deleted at Twilio).", Query = ["callbackId: the callback whose recordings to list (required)"], Answer = typeof(List<CallRecordingView>),
        Responses = ["200: Its recordings, oldest first", "400: No callbackId"])]
    [Function("ListRecordings")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/recordings")] HttpRequest request, CancellationToken ct)
    {
        var callbackId = RequestValues.Text(request, "callbackId");
        if (string.IsNullOrWhiteSpace(callbackId))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["callbackId"] = ["the callback whose recordings to list"] });
        var periods = await retention.CurrentAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok((await recordings.ListAsync(callbackId, ct))
            .Where(r => periods.IsAvailable(r, now))
            .OrderBy(r => r.RecordedAt)
            .Select(r => new CallRecordingView(r.RecordingSid, r.CallbackId, r.Attempt, r.CallSid, r.Url, r.DurationSeconds, r.RecordedAt, periods.AvailableUntil(r)))
            .ToList());
    }

    /// <summary>Stores a completed recording (once); any other status stores nothing.</summary>
    private async Task<IResult> RecordingStatusAsync(HttpRequest request, string callbackId, int attempt, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var logger = loggers.CreateLogger("CallbackFunctions.Recordings");
        string? status = form["RecordingStatus"];
        // Only a completed recording has a file to keep (and, later, to delete); in-progress is a notice, absent has none.
        if (status != "completed")
        {
            if (status != "in-progress") RecordingLog.NotKept(logger, callbackId, attempt, RequestValues.Quote(form["RecordingSid"]), RequestValues.Quote(status));
            return Results.NoContent();
        }
        // What is kept is Twilio's: its ids, and a media URL (what a recording is deleted and fetched by).
        var sid = TwilioSids.Read(form, "RecordingSid", TwilioSids.Recording);
        var callSid = TwilioSids.Read(form, "CallSid", TwilioSids.Call);
        string? url = form["RecordingUrl"];
        if (sid is null || callSid is null || !IsMediaUrl(url))
            return Results.Problem(sid is null ? "RecordingSid is not a Twilio recording id (RE and 32 hex digits)"
                : callSid is null ? "CallSid is not a Twilio call id (CA and 32 hex digits)"
                : $"RecordingUrl is not an absolute http(s) URL of at most {MaxUrlLength} characters", statusCode: StatusCodes.Status400BadRequest);
        var rule = (await callbacks.GetAsync(callbackId, ct))?.Value.Rule;
        var recording = new CallRecording(callbackId, sid, callSid, attempt, rule, url!,
            int.TryParse(form["RecordingDuration"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? seconds : null,
            RecordedAt(form["RecordingStartTime"]) ?? time.GetUtcNow());
        if (await recordings.TryAddAsync(recording, ct))
            RecordingLog.Stored(logger, callbackId, attempt, sid, recording.CallSid, recording.DurationSeconds);
        return Results.NoContent();
    }

    private static bool IsMediaUrl(string? url) =>
        url is { Length: > 0 and <= MaxUrlLength } && Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https";

    /// <summary><c>RecordingStartTime</c> is RFC 2822 like Twilio's other dates (TWILIO.md §1.1); absent or odd, we use our clock.</summary>
    private static DateTimeOffset? RecordedAt(string? text) =>
        DateTimeOffset.TryParseExact(text, "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
}
