using CallbackFunctions.Settings;
using Microsoft.Extensions.Options;
using Twilio.TwiML;

namespace CallbackFunctions.Twilio;

/// <summary>
/// What every Twilio route does around its own work: checks <c>X-Twilio-Signature</c> (a bad or missing one gets 403
/// and nothing runs), and makes sure Twilio always gets valid TwiML in time (DESIGN §4): when storage or a Twilio
/// request fails a webhook that could not spool it (the agent and customer legs), the caller hears an apology and the
/// leg ends, instead of Twilio's error message after a 500. The lifecycle recovers by itself: the ring watchdog asks
/// Twilio what happened to the leg.
/// </summary>
public sealed class TwilioWebhook(IOptionsMonitor<TwilioOptions> options, ILogger<TwilioWebhook> logger)
{
    public async Task<IResult> RunAsync(HttpRequest request, Func<IFormCollection, Task<IResult>> handle, CancellationToken ct)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : FormCollection.Empty;
        if (!TwilioSignatures.IsValid(options.CurrentValue, request, request.HasFormContentType ? form : null))
        {
            TwilioLog.SignatureRejected(logger, request.Path);
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        try
        {
            return await handle(form);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException or TimeoutException or TwilioRequestException
                                       or Grpc.Core.RpcException
                                       || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            TwilioLog.WebhookFailed(logger, request.Path, e.GetType().Name);
            return new VoiceResponse().Say("Sorry, we cannot connect this call right now. Goodbye.").Hangup().ToResult();
        }
    }
}
