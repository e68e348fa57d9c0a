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
    /// <summary>
    /// Our Twilio numbers (comma-separated E.164). A callback presents the number the customer called when it is one
    /// of these; otherwise the rule's caller ID (seed 001). Empty: every called number is taken as ours.
    /// </summary>
    public string OwnedNumbers { get; set; } = "";

    public bool Owns(string? number) =>
        string.IsNullOrWhiteSpace(OwnedNumbers) ? !string.IsNullOrEmpty(number)
            : number is not null && OwnedNumbers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(number);
}
