using Twilio.TwiML;

namespace CallbackFunctions.Twilio;

/// <summary>
/// Twilio must always get valid TwiML in time (DESIGN §4): when storage (or a Twilio request) fails a webhook that
/// could not spool it (the agent and customer legs), the caller hears an apology and the leg ends, instead of
/// Twilio's error message after a 500. The lifecycle recovers by itself: the watchdog asks Twilio what happened to the leg.
/// </summary>
public sealed class TwilioFaultFilter(ILogger<TwilioFaultFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException or TimeoutException or TwilioRequestException
                                       || (e is OperationCanceledException && !context.HttpContext.RequestAborted.IsCancellationRequested))
        {
            TwilioLog.WebhookFailed(logger, context.HttpContext.Request.Path, e.GetType().Name);
            return new VoiceResponse().Say("Sorry, we cannot connect this call right now. Goodbye.").Hangup().ToResult();
        }
    }
}
