using System.Globalization;
using CallbackFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallbackFunctions.Recordings;

public sealed record CallRecordingView(string RecordingSid, string CallbackId, int Attempt, string CallSid, string Url, int? DurationSeconds,
    DateTimeOffset RecordedAt, DateTimeOffset AvailableUntil);

/// <summary>
/// Recordings of callback calls (seed 001 "outbound call recording"): <c>recording-status</c> (the customer
/// <c>&lt;Dial&gt;</c>'s recording status callback) stores them; <c>GET /api/recordings</c> lists those still within
/// their rule's storage period.
/// </summary>
public static class RecordingEndpoints
{
    public static RouteGroupBuilder MapRecordingWebhooks(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/recording-status", RecordingStatus).WithSummary("Recording status callback of the customer <Dial>: stores the recording");
        return twilio;
    }

    public static RouteGroupBuilder MapRecordings(this RouteGroupBuilder api)
    {
        api.MapGet("/recordings", List).WithTags("Recordings")
            .WithSummary("A callback's recordings still within their rule's storage period (older ones are deleted at Twilio)");
        return api;
    }

    private static async Task<IResult> RecordingStatus(HttpRequest request, string callbackId, int attempt, RecordingRepository recordings,
        CallbackRepository callbacks, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var logger = loggers.CreateLogger("CallbackFunctions.Recordings");
        string? sid = form["RecordingSid"];
        string? status = form["RecordingStatus"];
        // Only a completed recording has a file to keep (and, later, to delete); in-progress is a notice, absent has none.
        if (status != "completed" || string.IsNullOrEmpty(sid))
        {
            if (status != "in-progress") RecordingLog.NotKept(logger, callbackId, attempt, sid, status);
            return Results.NoContent();
        }
        var rule = (await callbacks.GetAsync(callbackId, ct))?.Value.Rule;
        var recording = new CallRecording(callbackId, sid, form["CallSid"].ToString(), attempt, rule, form["RecordingUrl"].ToString(),
            int.TryParse(form["RecordingDuration"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? seconds : null,
            RecordedAt(form["RecordingStartTime"]) ?? time.GetUtcNow());
        if (await recordings.TryAddAsync(recording, ct))
            RecordingLog.Stored(logger, callbackId, attempt, sid, recording.CallSid, recording.DurationSeconds);
        return Results.NoContent();
    }

    private static async Task<Results<Ok<List<CallRecordingView>>, ValidationProblem>> List(string? callbackId, RecordingRepository recordings,
        RecordingRetention retention, TimeProvider time, CancellationToken ct)
    {
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

    /// <summary><c>RecordingStartTime</c> is RFC 2822 like Twilio's other dates (TWILIO.md §1.1); absent or odd, we use our clock.</summary>
    private static DateTimeOffset? RecordedAt(string? text) =>
        DateTimeOffset.TryParseExact(text, "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
}
