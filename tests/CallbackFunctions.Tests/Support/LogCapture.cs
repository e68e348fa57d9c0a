using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.Tests.Support;

/// <summary>
/// Every log entry a local host writes (its app, the sidecar and the Durable backend: <c>LocalStackOptions.LogCapture</c>),
/// kept for a test to look at; the hosts' own level filters still apply.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
    {
        public override string ToString() =>
            $"{Level} {Category}[{EventId.Id}] {Message.Split('\n')[0]}" + (Exception is null ? "" : $" / {Exception.GetType().Name}: {Exception.Message.Split('\n')[0]}");
    }

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new Entry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
