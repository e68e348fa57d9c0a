using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Twilio.TwiML;

namespace CallbackFunctions.Twilio;

/// <summary>
/// What every Twilio route does around its own work: refuses a request that cannot be a Twilio webhook before reading
/// more of it than a webhook could be (413 for a body over <see cref="MaxBodyBytes"/>, 415 for a body that is not a
/// form, 400 for a form the reader refuses), checks <c>X-Twilio-Signature</c> (a bad or missing one gets 403 and
/// nothing runs), and makes sure Twilio always gets valid TwiML in time (DESIGN §4): when storage or a Twilio request
/// fails a webhook that could not spool it (the agent and customer legs), the caller hears an apology and the leg ends,
/// instead of Twilio's error message after a 500. The lifecycle recovers by itself: the ring watchdog asks Twilio what
/// happened to the leg. Each refusal is one warning (no stack trace, no body) and counted for <c>/api/health</c>; so is
/// a signed webhook its route answers with a 4xx (a webhook URL that lacks or garbles what the route needs).
/// </summary>
public sealed class TwilioWebhook(IOptionsMonitor<TwilioOptions> options, TimeProvider time, ILogger<TwilioWebhook> logger)
{
    /// <summary>
    /// The largest webhook body read. Twilio's voice webhooks are small forms (TWILIO.md §3: about 20 to 40 parameters,
    /// SIDs of 34 characters, E.164 numbers, place names, a CallToken of a few hundred characters): 1 to 3 KiB. 64 KiB
    /// leaves 20 times that and still bounds what an unsigned request can make us buffer, parse and hash.
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Form values read at most: Twilio sends fewer than 50 (the reader's own default is 1,024).</summary>
    public const int MaxFormValues = 500;

    /// <summary>The longest form value read: Twilio's longest (CallToken, StirVerstat, an address) are well under 2 KiB.</summary>
    public const int MaxValueLength = 16 * 1024;

    /// <summary>The longest form key read: Twilio's are PascalCase names under 40 characters.</summary>
    public const int MaxKeyLength = 256;

    private static readonly FormOptions Limits = new()
    {
        ValueCountLimit = MaxFormValues,
        ValueLengthLimit = MaxValueLength,
        KeyLengthLimit = MaxKeyLength,
        MultipartBodyLengthLimit = MaxBodyBytes,
        BufferBody = false,
    };

    private long _rejected;
    private long _badSignatures;
    private long _misrouted;

    /// <summary>
    /// Signed webhooks since this instance started whose URL lacks what they need (no queue) or names what nobody
    /// serves (a queue without agents): a mistyped webhook URL in the Twilio console, made visible.
    /// </summary>
    public long Misrouted => Interlocked.Read(ref _misrouted);

    /// <summary>Logs (with the route) and counts a webhook that could not do its work as configured.</summary>
    public void ReportMisrouted(HttpRequest request, string reason)
    {
        Interlocked.Increment(ref _misrouted);
        TwilioLog.Misrouted(logger, request.Path, reason);
    }

    /// <summary>Webhooks refused since this instance started as too large (413), not a form (415) or an unreadable form (400).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Webhooks refused since this instance started for a bad or missing <c>X-Twilio-Signature</c> (403).</summary>
    public long BadSignatures => Interlocked.Read(ref _badSignatures);

    /// <summary>
    /// How long a route's own work may take: Twilio waits 15 s for a webhook's answer (TWILIO.md), and the rest is the
    /// network's. Work still running then is given up and the caller hears the apology; what it had saved stands.
    /// </summary>
    public static readonly TimeSpan WorkBudget = TimeSpan.FromSeconds(12);

    /// <summary>Refuses what is not a webhook, checks the signature, then runs <paramref name="handle"/> within <see cref="WorkBudget"/> (its token).</summary>
    public async Task<IResult> RunAsync(HttpRequest request, Func<CancellationToken, Task<IResult>> handle, CancellationToken ct)
    {
        var (form, refusal) = await ReadFormAsync(request, ct);
        if (refusal is not null) return refusal;
        if (!TwilioSignatures.IsValid(options.CurrentValue, request, request.HasFormContentType ? form : null))
        {
            Interlocked.Increment(ref _badSignatures);
            TwilioLog.SignatureRejected(logger, request.Path);
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        using var budget = new CancellationTokenSource(WorkBudget, time);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
        try
        {
            var result = await handle(work.Token);
            // A signed webhook the route cannot act on (its URL lacks or garbles what it needs): the operator's to fix.
            if (result is IStatusCodeHttpResult { StatusCode: >= 400 and < 500 } refused)
                ReportMisrouted(request, result is ProblemHttpResult problem ? problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "" : $"answered {refused.StatusCode}");
            return result;
        }
        // Twilio's REST API failing is one more fault to answer with the apology (storage's are in TransientFaults).
        catch (Exception e) when (TransientFaults.IsTransient(e, ct) || e is TwilioRequestException)
        {
            TwilioLog.WebhookFailed(logger, request.Path, e.GetType().Name);
            return new VoiceResponse().Say("Sorry, we cannot connect this call right now. Goodbye.").Hangup().ToResult();
        }
    }

    /// <summary>
    /// The form, within <see cref="Limits"/>; or the plain status that refuses the request (a real Twilio never sends
    /// one of these, so no TwiML: nobody is on a call to hear it).
    /// </summary>
    private async Task<(IFormCollection Form, IResult? Refusal)> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            return (FormCollection.Empty, Refuse(request, StatusCodes.Status413PayloadTooLarge, $"a body of {request.ContentLength} bytes, over the {MaxBodyBytes}-byte limit"));
        // A body sent without a length (chunked) is cut off at the limit by the server as it is read (413 below). One
        // with a length within the limit needs no more; one over it was refused unread (the server discards it).
        if (request.ContentLength is null && request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = MaxBodyBytes;
        if (!request.HasFormContentType)
        {
            // No body and no type (a bodiless request) reads as an empty form: its signature decides.
            if (string.IsNullOrEmpty(request.ContentType) && request.ContentLength is null or 0 && !request.Headers.ContainsKey(HeaderNames.TransferEncoding))
                return (FormCollection.Empty, null);
            return (FormCollection.Empty, Refuse(request, StatusCodes.Status415UnsupportedMediaType, $"a body of type '{MediaType(request.ContentType)}', not a form"));
        }
        try
        {
            return (await request.ReadFormAsync(Limits, ct), null);
        }
        catch (InvalidDataException e)
        {
            return (FormCollection.Empty, Refuse(request, StatusCodes.Status400BadRequest, FormProblem(e)));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (FormCollection.Empty, Refuse(request, StatusCodes.Status413PayloadTooLarge, $"a body over the {MaxBodyBytes}-byte limit"));
        }
        catch (BadHttpRequestException)
        {
            return (FormCollection.Empty, Refuse(request, StatusCodes.Status400BadRequest, "a body that could not be read"));
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            // A multipart body that ends before its closing boundary.
            return (FormCollection.Empty, Refuse(request, StatusCodes.Status400BadRequest, "a form that ends early"));
        }
    }

    private IResult Refuse(HttpRequest request, int status, string reason)
    {
        Interlocked.Increment(ref _rejected);
        TwilioLog.WebhookRefused(logger, request.Path, status, reason);
        return Results.StatusCode(status);
    }

    /// <summary>
    /// What the form reader refused, in our words: some of its messages quote the body (a multipart header line), and
    /// the body may hold phone numbers.
    /// </summary>
    private static string FormProblem(InvalidDataException e) =>
        e.Message.Contains("value count limit", StringComparison.OrdinalIgnoreCase) ? $"a form of more than {MaxFormValues} values"
        : e.Message.Contains("value length limit", StringComparison.OrdinalIgnoreCase) ? $"a form value over {MaxValueLength} characters"
        : e.Message.Contains("key length limit", StringComparison.OrdinalIgnoreCase) ? $"a form key over {MaxKeyLength} characters"
        : e.Message.Contains("body length limit", StringComparison.OrdinalIgnoreCase) ? $"a multipart body over the {MaxBodyBytes}-byte limit"
        : "a malformed form";

    /// <summary>The media type alone, short, for the log (the header is the sender's to write).</summary>
    private static string MediaType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return "none";
        var type = MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.ToString() : "unparsable";
        return new string([.. type.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '+' or '-' or '.' ? c : '?')]);
    }
}
