using CallbackFunctions.Settings;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Twilio;

/// <summary>The absolute URLs we hand Twilio for the agent and customer legs, built on the public base URL.</summary>
public sealed class WebhookUrls(IOptionsMonitor<TwilioOptions> options)
{
    private Uri Base => options.CurrentValue.WebhookBaseUrl
        ?? throw new InvalidOperationException("Twilio:WebhookBaseUrl is not set: Twilio cannot reach the app.");

    public Uri AgentAnswer(string callbackId, int offer) => Make("agent-answer", $"callbackId={Esc(callbackId)}&offer={offer}");
    public Uri AgentStatus(string callbackId, int offer) => Make("agent-status", $"callbackId={Esc(callbackId)}&offer={offer}");
    public Uri DialResult(string callbackId, int attempt) => Make("dial-result", $"callbackId={Esc(callbackId)}&attempt={attempt}");

    private Uri Make(string route, string query) => new($"{Base.AbsoluteUri.TrimEnd('/')}/api/twilio/{route}?{query}");

    private static string Esc(string s) => Uri.EscapeDataString(s);
}
