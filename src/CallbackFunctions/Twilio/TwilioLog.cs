namespace CallbackFunctions.Twilio;

internal static partial class TwilioLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Rejected a Twilio webhook to {Path}: bad or missing X-Twilio-Signature")]
    public static partial void SignatureRejected(ILogger logger, string path);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Twilio webhook to {Path} could not do its work: {Reason}")]
    public static partial void Misrouted(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Refused a Twilio webhook to {Path} with {Status}: {Reason}")]
    public static partial void WebhookRefused(ILogger logger, string path, int status, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Twilio webhook to {Path} failed ({Error}); answered with an apology and a hang-up")]
    public static partial void WebhookFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Twilio webhook to {Path} carried an unknown {Parameter} value '{Value}'")]
    public static partial void UnknownValue(ILogger logger, string path, string parameter, string? value);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Twilio answered 429 (too many requests) to try {Attempt}; trying again in {Backoff}")]
    public static partial void TooManyRequests(ILogger logger, int attempt, TimeSpan backoff);
}
