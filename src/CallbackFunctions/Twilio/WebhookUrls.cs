using CallbackFunctions.Settings;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Twilio;

/// <summary>The absolute URLs we hand Twilio for the agent and customer legs, built on the public base URL.</summary>
public sealed class WebhookUrls(IOptionsMonitor<TwilioOptions> options)
{
    private Uri Base => options.CurrentValue.WebhookBaseUrl
        ?? throw new InvalidOperationException("Twilio:WebhookBaseUrl is not set: Twilio cannot reach the app.");

    public Uri AgentAnswer(string callbackId, int offer) => Make("agent-answer", $"callbackId={Esc(callbackId)}&offer={offer}");
    /// <summary>The agent leg's next look after <paramref name="waited"/> short waits for a choice (an accept in the console may have come).</summary>
    public Uri AgentAnswerWait(string callbackId, int offer, int waited) => Make("agent-answer", $"callbackId={Esc(callbackId)}&offer={offer}&waited={waited}");
    public Uri AgentStatus(string callbackId, int offer) => Make("agent-status", $"callbackId={Esc(callbackId)}&offer={offer}");
    public Uri DialResult(string callbackId, int attempt) => Make("dial-result", $"callbackId={Esc(callbackId)}&attempt={attempt}");

    /// <summary>The customer leg's results when answering-machine detection decides whether the customer was reached.</summary>
    public Uri DialResultAfterDetection(string callbackId, int attempt) => Make("dial-result", $"callbackId={Esc(callbackId)}&attempt={attempt}&detection=true");

    /// <summary>What the customer hears on answering, before being connected; <paramref name="voicemail"/> names the machine policy in force.</summary>
    public Uri CustomerNotice(string callbackId, int attempt, bool recorded, string voicemail) =>
        Make("customer-notice", $"callbackId={Esc(callbackId)}&attempt={attempt}&recorded={(recorded ? "true" : "false")}&voicemail={Esc(voicemail)}");

    public Uri RecordingStatus(string callbackId, int attempt) => Make("recording-status", $"callbackId={Esc(callbackId)}&attempt={attempt}");

    /// <summary>The action of the "press 1" offer to a caller waiting in <paramref name="queue"/>, who entered it at <paramref name="entered"/>.</summary>
    public Uri QueueWaitChoice(string queue, DateTimeOffset entered) =>
        Make("queue-wait-choice", $"queue={Esc(queue)}&entered={entered.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>Where a caller's pick of a call slot goes: the instances offered, in the order of their digits (issue 15 §2).</summary>
    public Uri IvrCallbackSlot(string queue, IEnumerable<Domain.Scheduling.SlotInstance> offered, bool repeated) =>
        Make("ivr-callback-slot", $"queue={Esc(queue)}&offered={Esc(string.Join(",", offered))}{(repeated ? "&repeated=true" : "")}");

    private Uri Make(string route, string query) => new($"{Base.AbsoluteUri.TrimEnd('/')}/api/twilio/{route}?{query}");

    private static string Esc(string s) => Uri.EscapeDataString(s);

    /// <summary>The query parameters these URLs carry, as the OpenAPI document describes them.</summary>
    public static class Parameters
    {
        public const string Callback = "callbackId: the callback the call belongs to (required)";
        public const string Offer = "offer (integer): the offer the agent's call belongs to (required)";
        public const string Attempt = "attempt (integer): the attempt the customer's leg belongs to (required)";
    }
}
