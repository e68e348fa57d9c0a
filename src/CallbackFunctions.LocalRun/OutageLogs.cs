using System.Text.RegularExpressions;
using CallbackFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.LocalRun;

/// <summary>
/// The local host's logs while storage is away: every part of the app, the sidecar and the Durable backend fails on
/// its own (a request, a timer, a dispatcher's poll, twice a second each, with a stack trace of the SDK's tries), and
/// an operator needs one line that it went and one that it came back. So an error caused by storage being unreachable
/// is not written: it tells <see cref="StorageHealth"/>, which says so once, and counts it. Everything else passes.
/// </summary>
public sealed partial class OutageLogs(ILoggerFactory sink, StorageHealth health) : ILoggerProvider
{
    /// <summary>
    /// How long after storage came back an error of its being away is taken for one of the outage just over: the SDK
    /// logs a failure once its tries are over, seconds after the first, so one of them can come after the table requests
    /// saw storage answer again (and said so). Storage going away again meanwhile is seen by those requests themselves.
    /// </summary>
    public static readonly TimeSpan LateFor = TimeSpan.FromSeconds(15);

    public ILogger CreateLogger(string categoryName) => new Logger(sink.CreateLogger(categoryName), health);

    public void Dispose() { }

    /// <summary>What an entry at warning or above says of storage: that it is away (told to the health, not written), that
    /// something it held is gone while it heals (not written either), or nothing (written).</summary>
    public static (bool Away, string? Problem, bool Missing) Classify(Exception? exception, string message)
    {
        if (exception is not null)
        {
            if (StorageFaultText.IsUnreachable(exception)) return (true, StorageFaultText.Describe(exception, "storage", Endpoint(exception.ToString())), false);
            return (false, null, StorageFaultText.IsMissing(exception));
        }
        // The Durable backend logs its storage errors as text, without the exception object.
        if (MissingCodes().IsMatch(message)) return (false, null, true);
        if (message.Contains("Connection refused", StringComparison.Ordinal) || message.Contains("Retry failed after", StringComparison.Ordinal))
            return (true, Endpoint(message) is { } at ? $"storage at {at} refused the connection" : "storage did not answer", false);
        return (false, null, false);
    }

    private static string? Endpoint(string text) => RefusedAt().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"Connection refused \(([^)\s]+)\)")]
    private static partial Regex RefusedAt();

    [GeneratedRegex(@"\b(TableNotFound|QueueNotFound|ContainerNotFound|BlobNotFound)\b")]
    private static partial Regex MissingCodes();

    private sealed class Logger(ILogger inner, StorageHealth health) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                var (away, problem, missing) = Classify(exception, formatter(state, exception));
                if (away)
                {
                    if (!health.JustBack(LateFor)) health.Failed(problem!);
                    return;
                }
                // Storage came back empty: until what it lacks is created again (within seconds), parts fail on it.
                if (missing && health.JustBack(TimeSpan.FromSeconds(30))) return;
            }
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
