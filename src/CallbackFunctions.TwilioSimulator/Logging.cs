using CallbackFunctions.TwilioSimulator.Support;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.TwilioSimulator;

/// <summary>Every log line of the simulator. Phone numbers are masked here, so no call site can forget.</summary>
internal static partial class SimulatorLog
{
    public static void CallCreated(this ILogger logger, string callSid, string direction, string from, string to) =>
        CallCreatedCore(logger, callSid, direction, PhoneNumbers.Mask(from), PhoneNumbers.Mask(to));

    public static void Dialing(this ILogger logger, string parentCallSid, string childCallSid, string to) =>
        DialingCore(logger, parentCallSid, childCallSid, PhoneNumbers.Mask(to));

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Twilio simulator listening on {BaseUrl} for account {AccountSid}")]
    public static partial void Started(this ILogger logger, Uri baseUrl, string accountSid);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Twilio simulator reset")]
    public static partial void ResetDone(this ILogger logger);

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "REST {Method} {Path} refused: {StatusCode} code {Code}: {Reason}")]
    public static partial void RestRefused(this ILogger logger, string method, string path, int statusCode, int code, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Call {CallSid} created ({Direction}) from {From} to {To}")]
    private static partial void CallCreatedCore(ILogger logger, string callSid, string direction, string from, string to);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Call {CallSid} is {Status}")]
    public static partial void CallStatus(this ILogger logger, string callSid, string status);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Call {CallSid} ended {Status} after {DurationSeconds} s")]
    public static partial void CallEnded(this ILogger logger, string callSid, string status, int durationSeconds);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Call {CallSid} released from the CPS queue after {QueuedMilliseconds} ms")]
    public static partial void CallReleased(this ILogger logger, string callSid, long queuedMilliseconds);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Create fault {Fault} applied")]
    public static partial void CreateFaultApplied(this ILogger logger, CreateFaultKind fault);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Call {CallSid}: {Method} {Url} answered {StatusCode}")]
    public static partial void WebhookAnswered(this ILogger logger, string callSid, string method, string url, int statusCode);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Simulator error {Code} on call {CallSid} ({Url}): {Reason}")]
    public static partial void ErrorRecorded(this ILogger logger, int code, string? callSid, string? url, string reason);

    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Call {CallSid} runs <{Verb}>")]
    public static partial void Verb(this ILogger logger, string callSid, string verb);

    [LoggerMessage(EventId = 301, Level = LogLevel.Debug, Message = "Call {CallSid}: caller pressed {DigitCount} digit(s)")]
    public static partial void DigitsPressed(this ILogger logger, string callSid, int digitCount);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Call {ParentCallSid} dials {To} as {CallSid}")]
    private static partial void DialingCore(ILogger logger, string parentCallSid, string callSid, string to);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Call {ParentCallSid} bridged with {CallSid}")]
    public static partial void Bridged(this ILogger logger, string parentCallSid, string callSid);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "Call {CallSid} leaves queue {Queue}: {QueueResult}")]
    public static partial void QueueResult(this ILogger logger, string callSid, string queue, string queueResult);

    [LoggerMessage(EventId = 305, Level = LogLevel.Debug, Message = "Call {CallSid} enters queue {Queue} at position {QueuePosition}")]
    public static partial void QueueEntered(this ILogger logger, string callSid, string queue, int queuePosition);

    [LoggerMessage(EventId = 306, Level = LogLevel.Debug, Message = "Call {CallSid} is out of queue {Queue}; the calls behind it move up")]
    public static partial void QueueLeft(this ILogger logger, string callSid, string queue);
}
