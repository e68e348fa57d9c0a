using System.Text.RegularExpressions;
using CallbackFunctions.Domain.Telephony;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using HttpMethod = Twilio.Http.HttpMethod;

namespace CallbackFunctions.Twilio;

/// <summary>A call as the rest of the app reads it, mapped from the SDK's <see cref="CallResource"/> (TWILIO.md §1.3).</summary>
public sealed record TwilioCall(string Sid, string? To, string? From, TwilioCallStatus? CallStatus, DateTimeOffset? CreatedAt, TimeSpan? Duration);

public sealed record CreateCallRequest(string To, string From, Uri Url, Uri StatusCallback, TimeSpan Timeout);

/// <summary>The three ways a Create Call can end: a call exists; Twilio said no; or we cannot know (timeout, 5xx).</summary>
public abstract record CreateCallResult
{
    public sealed record Created(string CallSid) : CreateCallResult;
    public sealed record Rejected(int Code, string Message) : CreateCallResult;
    public sealed record Ambiguous(string Why) : CreateCallResult;
}

/// <summary>
/// A Twilio request that failed. <see cref="Status"/> is Twilio's HTTP status, or 0 when no answer the SDK could read
/// came back (a timeout, a connection failure, an error page without Twilio's JSON body). The message has phone
/// numbers masked; the SDK's own exception is not kept, since its message carries the request URL and response body.
/// </summary>
public sealed class TwilioRequestException(string message, int status, int code) : Exception(message)
{
    public int Status { get; } = status;
    public int Code { get; } = code;
}

/// <summary>
/// Twilio's REST API through the official SDK (DESIGN §1): create, fetch, list and hang up calls; delete recordings.
/// The SDK retries nothing. We retry 429 with backoff (Twilio did not process it); a timeout or 5xx is ambiguous and
/// left to the caller to reconcile by listing calls before any retry, so a call is never created twice.
/// </summary>
public sealed partial class TwilioCalls(TwilioRestClientFactory clients, TimeProvider time, ILogger<TwilioCalls> logger)
{
    private const int MaxTries = 4;
    private const int NotInProgress = 21220;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);

    public async Task<CreateCallResult> CreateCallAsync(CreateCallRequest request, CancellationToken ct)
    {
        var options = new CreateCallOptions(new PhoneNumber(request.To), new PhoneNumber(request.From))
        {
            Url = request.Url,
            Method = HttpMethod.Post,
            StatusCallback = request.StatusCallback,
            StatusCallbackMethod = HttpMethod.Post,
            StatusCallbackEvent = ["completed"],
            Timeout = (int)Math.Clamp(request.Timeout.TotalSeconds, 1, 600),
        };
        try
        {
            var call = await SendAsync(client => CallResource.CreateAsync(options, client), ct);
            return new CreateCallResult.Created(call.Sid);
        }
        catch (TwilioRequestException e) when (e.Status is 0 or 429 or >= 500)
        {
            // No answer, an error after Twilio may have acted, or still too busy after our retries: only a look-up can tell.
            return new CreateCallResult.Ambiguous(e.Message);
        }
        catch (TwilioRequestException e)
        {
            return new CreateCallResult.Rejected(e.Code, e.Message);
        }
    }

    /// <summary>Null when Twilio has no such call (404).</summary>
    public async Task<TwilioCall?> FetchCallAsync(string callSid, CancellationToken ct)
    {
        try
        {
            return Map(await SendAsync(client => CallResource.FetchAsync(pathSid: callSid, client: client), ct));
        }
        catch (TwilioRequestException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// The most recent calls to <paramref name="to"/> from <paramref name="from"/> (newest first, one page). No start-time
    /// filter: a call still queued has no start time yet (TWILIO.md §1.3), and it is exactly the call a reconciliation
    /// looks for; callers compare <see cref="TwilioCall.CreatedAt"/> instead.
    /// </summary>
    public Task<IReadOnlyList<TwilioCall>> ListCallsAsync(string to, string from, CancellationToken ct) =>
        ReadFirstPageAsync(new ReadCallOptions { To = new PhoneNumber(to), From = new PhoneNumber(from), PageSize = 50 }, ct);

    /// <summary>The legs a call dialled (a <c>&lt;Dial&gt;</c> from it), newest first.</summary>
    public Task<IReadOnlyList<TwilioCall>> ListChildCallsAsync(string parentCallSid, CancellationToken ct) =>
        ReadFirstPageAsync(new ReadCallOptions { ParentCallSid = parentCallSid, PageSize = 20 }, ct);

    /// <summary>Ends a call whatever its state; a call already over (21220) or unknown (404) is fine.</summary>
    public async Task HangUpAsync(string callSid, CancellationToken ct)
    {
        try
        {
            await SendAsync(client => CallResource.UpdateAsync(new UpdateCallOptions(callSid) { Status = CallResource.UpdateStatusEnum.Completed }, client), ct);
        }
        catch (TwilioRequestException e) when (e.Status == 404 || e.Code == NotInProgress)
        {
        }
    }

    /// <summary>Deletes a recording (TWILIO.md §1.6, 204). False when Twilio no longer has it (404): gone either way.</summary>
    public async Task<bool> DeleteRecordingAsync(string recordingSid, CancellationToken ct)
    {
        try
        {
            return await SendAsync(client => RecordingResource.DeleteAsync(pathSid: recordingSid, client: client), ct);
        }
        catch (TwilioRequestException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private async Task<IReadOnlyList<TwilioCall>> ReadFirstPageAsync(ReadCallOptions options, CancellationToken ct)
    {
        var calls = await SendAsync(client => CallResource.ReadAsync(options, client), ct);
        // One page is enough, and enumerating further would make the SDK fetch the next page synchronously.
        calls.AutoPaging = false;
        return [.. calls.Select(Map)];
    }

    /// <summary>One request on a fresh client; 429 retried with backoff (the SDK does not expose Retry-After).</summary>
    private async Task<T> SendAsync<T>(Func<ITwilioRestClient, Task<T>> request, CancellationToken ct)
    {
        var client = clients.Create();
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await request(client);
            }
            catch (ApiException e) when (IsTooManyRequests(e) && attempt < MaxTries)
            {
                TwilioLog.TooManyRequests(logger, attempt, backoff);
                await Task.Delay(backoff, time, ct);
                backoff *= 2;
            }
            catch (ApiException e) when (IsTooManyRequests(e))
            {
                throw new TwilioRequestException($"HTTP 429, Twilio error {e.Code}: still too many requests after {MaxTries} tries", e.Status, e.Code);
            }
            catch (TwilioException e)
            {
                throw Describe(e);
            }
        }
    }

    private static bool IsTooManyRequests(ApiException e) => e.Status == 429 || e.Code == 20429;

    private static TwilioRequestException Describe(TwilioException e) => e switch
    {
        ApiException { Status: > 0 } api => new($"HTTP {api.Status}, Twilio error {api.Code}: {MaskNumbers(api.Message)}", api.Status, api.Code),
        // The SDK found no Twilio error body: "Api Error: <status> - <body>". The body is not ours to log.
        ApiException api => new($"{api.Message.Split(" - ")[0]} (no Twilio error body)", 0, api.Code),
        // Our timeout (HttpClient.Timeout) or a connection failure: the SDK wraps what HttpClient threw.
        _ when e.InnerException is TaskCanceledException or TimeoutException => new("no answer from Twilio within Twilio:RequestTimeout", 0, 0),
        _ => new($"no answer from Twilio ({e.InnerException?.GetType().Name ?? e.GetType().Name})", 0, 0),
    };

    /// <summary>Twilio's messages quote numbers ("The 'To' number +1415... is not a valid phone number"): mask them.</summary>
    private static string MaskNumbers(string message) => PhoneNumberPattern().Replace(message, m => PhoneMask.Mask(m.Value));

    [GeneratedRegex(@"\+\d{6,15}")]
    private static partial Regex PhoneNumberPattern();

    private static TwilioCall Map(CallResource call) => new(
        call.Sid,
        call.To,
        call.From,
        TwilioCallStatusParser.Parse(call.Status?.ToString()),
        // The SDK turns Twilio's UTC dates into local DateTimes; back to UTC exactly (the conversion keeps DST ambiguity).
        call.DateCreated is { } created ? new DateTimeOffset(created.ToUniversalTime()) : null,
        int.TryParse(call.Duration, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds) : null);
}
