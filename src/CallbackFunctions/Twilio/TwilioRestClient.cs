using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CallbackFunctions.Settings;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Twilio;

/// <summary>A call as Twilio's REST API returns it (TWILIO.md §1.3): only the fields we read.</summary>
public sealed record TwilioCall(
    [property: JsonPropertyName("sid")] string Sid,
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("date_created")] string? DateCreated,
    [property: JsonPropertyName("duration")] string? Duration = null)
{
    public TwilioCallStatus? CallStatus => TwilioCallStatusParser.Parse(Status);

    public DateTimeOffset? CreatedAt =>
        DateTimeOffset.TryParseExact(DateCreated, "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at : null;
}

public sealed record CreateCallRequest(string To, string From, Uri Url, Uri StatusCallback, TimeSpan Timeout);

/// <summary>The three ways a Create Call can end: a call exists; Twilio said no; or we cannot know (timeout, 5xx).</summary>
public abstract record CreateCallResult
{
    public sealed record Created(string CallSid) : CreateCallResult;
    public sealed record Rejected(int Code, string Message) : CreateCallResult;
    public sealed record Ambiguous(string Why) : CreateCallResult;
}

/// <summary>
/// Our Twilio adapter over HttpClient (the SDK is not available here, DESIGN §1): create, fetch, list and hang up calls;
/// delete recordings.
/// 429 is retried with backoff (Twilio did not process it); a timeout or 5xx is ambiguous and left to the caller to
/// reconcile by listing calls before any retry.
/// </summary>
public sealed class TwilioRestClient(HttpClient http, IOptionsMonitor<TwilioOptions> options, TimeProvider time)
{
    private TwilioOptions O => options.CurrentValue;

    public async Task<CreateCallResult> CreateCallAsync(CreateCallRequest request, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", request.To),
            new("From", request.From),
            new("Url", request.Url.AbsoluteUri),
            new("Method", "POST"),
            new("StatusCallback", request.StatusCallback.AbsoluteUri),
            new("StatusCallbackMethod", "POST"),
            new("StatusCallbackEvent", "completed"),
            new("Timeout", ((int)Math.Clamp(request.Timeout.TotalSeconds, 1, 600)).ToString(CultureInfo.InvariantCulture)),
        };
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, AccountUri("Calls.json")) { Content = new FormUrlEncodedContent(form) }, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new CreateCallResult.Ambiguous(e.GetType().Name + ": " + e.Message);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Created || response.IsSuccessStatusCode)
            {
                var call = await response.Content.ReadFromJsonAsync<TwilioCall>(ct);
                return call is null ? new CreateCallResult.Ambiguous("empty response") : new CreateCallResult.Created(call.Sid);
            }
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                return new CreateCallResult.Ambiguous($"HTTP {(int)response.StatusCode}");
            var error = await ReadErrorAsync(response, ct);
            return new CreateCallResult.Rejected(error.Code, error.Message);
        }
    }

    public async Task<TwilioCall?> FetchCallAsync(string callSid, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, AccountUri($"Calls/{callSid}.json")), ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<TwilioCall>(ct);
    }

    /// <summary>The most recent calls to <paramref name="to"/> from <paramref name="from"/> (newest first, one page).</summary>
    public async Task<IReadOnlyList<TwilioCall>> ListCallsAsync(string to, string from, CancellationToken ct)
    {
        var query = $"To={Uri.EscapeDataString(to)}&From={Uri.EscapeDataString(from)}&PageSize=50";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, AccountUri($"Calls.json?{query}")), ct);
        await EnsureSuccessAsync(response, ct);
        var page = await response.Content.ReadFromJsonAsync<CallPage>(ct);
        return page?.Calls ?? [];
    }

    /// <summary>The legs a call dialled (a <c>&lt;Dial&gt;</c> from it), newest first.</summary>
    public async Task<IReadOnlyList<TwilioCall>> ListChildCallsAsync(string parentCallSid, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, AccountUri($"Calls.json?ParentCallSid={Uri.EscapeDataString(parentCallSid)}&PageSize=20")), ct);
        await EnsureSuccessAsync(response, ct);
        var page = await response.Content.ReadFromJsonAsync<CallPage>(ct);
        return page?.Calls ?? [];
    }

    /// <summary>Ends a call whatever its state; a call already over is fine (21220).</summary>
    public async Task HangUpAsync(string callSid, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, AccountUri($"Calls/{callSid}.json"))
        {
            Content = new FormUrlEncodedContent([new("Status", "completed")]),
        }, ct);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound) return;
        var error = await ReadErrorAsync(response, ct);
        if (error.Code == 21220) return;
        throw new HttpRequestException($"Twilio hang-up failed: {error.Code} {error.Message}", null, response.StatusCode);
    }

    /// <summary>Deletes a recording (TWILIO.md §1.6, 204). False when Twilio no longer has it (404): gone either way.</summary>
    public async Task<bool> DeleteRecordingAsync(string recordingSid, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, AccountUri($"Recordings/{Uri.EscapeDataString(recordingSid)}.json")), ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, ct);
        return true;
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            using var request = make();
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Credentials());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(O.RequestTimeout);
            var response = await http.SendAsync(request, timeout.Token);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= 4) return response;
            var wait = response.Headers.RetryAfter?.Delta ?? delay;
            response.Dispose();
            await Task.Delay(wait, time, ct);
            delay *= 2;
        }
    }

    private string Credentials()
    {
        var o = O;
        var (user, secret) = string.IsNullOrEmpty(o.ApiKeySid) ? (o.AccountSid, o.AuthToken) : (o.ApiKeySid, o.ApiKeySecret ?? "");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}"));
    }

    private Uri AccountUri(string relative) => new(O.ApiBaseUrl, $"/2010-04-01/Accounts/{O.AccountSid}/{relative}");

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var error = await ReadErrorAsync(response, ct);
        throw new HttpRequestException($"Twilio answered {(int)response.StatusCode}: {error.Code} {error.Message}", null, response.StatusCode);
    }

    private static async Task<TwilioError> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<TwilioError>(ct) ?? new TwilioError(0, response.ReasonPhrase ?? "");
        }
        catch (JsonException)
        {
            return new TwilioError(0, $"HTTP {(int)response.StatusCode}");
        }
    }

    private sealed record TwilioError([property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("message")] string Message);

    private sealed record CallPage([property: JsonPropertyName("calls")] List<TwilioCall> Calls);
}
