namespace CallbackFunctions.Settings;

public sealed class TwilioOptions
{
    public const string Section = "Twilio";
    public string AccountSid { get; set; } = "";
    public string AuthToken { get; set; } = "";
    public string? ApiKeySid { get; set; }
    public string? ApiKeySecret { get; set; }
    public Uri ApiBaseUrl { get; set; } = new("https://api.twilio.com");
    /// <summary>The public base URL Twilio calls; signatures are checked against it, never the request's own URL.</summary>
    public Uri? WebhookBaseUrl { get; set; }
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
