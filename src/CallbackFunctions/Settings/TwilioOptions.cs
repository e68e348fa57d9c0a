using Microsoft.Extensions.Options;

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

    /// <summary>The first of <see cref="OwnedNumbers"/>: what a callback with no number called (an agent's schedule) presents, before the rule's caller ID.</summary>
    public string? FirstOwnedNumber => OwnedNumbers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

    public bool Owns(string? number) =>
        string.IsNullOrWhiteSpace(OwnedNumbers) ? !string.IsNullOrEmpty(number)
            : number is not null && OwnedNumbers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(number);

    /// <summary>
    /// Every setting that still holds a placeholder (local.settings.sample.json's, or one like it), each named with its
    /// value (a secret masked) and what belongs there; empty when none does. On a placeholder every call would be
    /// refused by Twilio and every webhook's signature found wrong, far from the cause: the app refuses to start instead.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (IsPlaceholderSid(AccountSid))
            problems.Add($"{Section}:{nameof(AccountSid)} is a placeholder ('{AccountSid}'): put there your Twilio account's SID (AC and 32 hex digits, from the Twilio console)");
        if (IsPlaceholderSecret(AuthToken))
            problems.Add($"{Section}:{nameof(AuthToken)} is a placeholder ('{Masked(AuthToken)}'): put there your Twilio account's auth token (from the Twilio console)");
        if (IsPlaceholderSid(ApiKeySid))
            problems.Add($"{Section}:{nameof(ApiKeySid)} is a placeholder ('{ApiKeySid}'): put there an API key's SID (SK and 32 hex digits), or leave it empty to use the auth token");
        if (IsPlaceholderSecret(ApiKeySecret))
            problems.Add($"{Section}:{nameof(ApiKeySecret)} is a placeholder ('{Masked(ApiKeySecret!)}'): put there that API key's secret, or leave it empty to use the auth token");
        if (WebhookBaseUrl is { } url && IsPlaceholderHost(url.IdnHost))
            problems.Add($"{Section}:{nameof(WebhookBaseUrl)} is a placeholder ('{url}'): put there the public https base URL at which " +
                "Twilio reaches this app (the function app's URL, or your tunnel's), exactly: webhook signatures are checked against it");
        return problems;
    }

    /// <summary>A SID is a prefix and hex digits: x's (ACxxxx...) or "your-..." are a template's.</summary>
    private static bool IsPlaceholderSid(string? value) =>
        !string.IsNullOrEmpty(value) && (value.Contains("xxxx", StringComparison.OrdinalIgnoreCase) || IsPlaceholderSecret(value));

    /// <summary>"your-auth-token", "&lt;auth token&gt;": a secret that says what it should be.</summary>
    private static bool IsPlaceholderSecret(string? value) =>
        !string.IsNullOrEmpty(value) && (value.StartsWith("your-", StringComparison.OrdinalIgnoreCase) || value.StartsWith("your_", StringComparison.OrdinalIgnoreCase)
            || (value.StartsWith('<') && value.EndsWith('>')));

    /// <summary>"your-public-host..." or a name reserved for examples (RFC 2606), which Twilio can never reach.</summary>
    private static bool IsPlaceholderHost(string host) =>
        host.StartsWith("your-", StringComparison.OrdinalIgnoreCase)
        || host is "example.com" or "example.net" or "example.org"
        || new[] { ".example.com", ".example.net", ".example.org", ".example", ".invalid" }.Any(s => host.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Enough of a secret to recognise the placeholder ("your-***"), never a real secret's characters beyond.</summary>
    private static string Masked(string secret) => secret.Length <= 8 ? "***" : secret[..5] + "***";
}

/// <summary>Refuses to start on a placeholder Twilio setting, by name (<see cref="TwilioOptions.Validate"/>).</summary>
internal sealed class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options) =>
        options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
