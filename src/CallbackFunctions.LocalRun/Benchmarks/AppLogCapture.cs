using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.LocalRun.Benchmarks;

/// <summary>
/// The app's warnings and errors during the benchmark, counted by kind instead of printed one by one (a loaded run can
/// log thousands of stack traces). Each phase prints what it caused: how many of each, with one example.
/// </summary>
public sealed class AppLogCapture : ILoggerProvider
{
    private ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, ConcurrentQueue<Captured>> _watched = new();

    /// <summary>One entry of a watched event id: when it was logged and its named values (e.g. a holder id).</summary>
    public sealed record Captured(DateTimeOffset At, IReadOnlyDictionary<string, string?> Values);

    /// <summary>Keeps every entry of <paramref name="eventId"/> from now on, with its values, for a closer look.</summary>
    public void Watch(int eventId) => _watched.TryAdd(eventId, new ConcurrentQueue<Captured>());

    /// <summary>The watched entries of <paramref name="eventId"/> logged so far, and forgets them.</summary>
    public IReadOnlyList<Captured> TakeWatched(int eventId)
    {
        var taken = new List<Captured>();
        if (_watched.TryGetValue(eventId, out var queue))
            while (queue.TryDequeue(out var entry)) taken.Add(entry);
        return taken;
    }

    public sealed class Entry(string example)
    {
        private int _count;
        public string Example { get; } = example;
        public int Count => Volatile.Read(ref _count);
        public void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>Everything logged since the last call, most frequent first; starts a new period.</summary>
    public IReadOnlyList<(string Kind, int Count, string Example)> TakePeriod()
    {
        var period = Interlocked.Exchange(ref _entries, new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal));
        return [.. period.Select(kv => (kv.Key, kv.Value.Count, kv.Value.Example)).OrderByDescending(e => e.Count)];
    }

    /// <summary>How many entries of one event id were logged in the current period (e.g. spooled webhooks).</summary>
    public int CountOf(int eventId) => _entries.Where(kv => kv.Key.Contains($"[{eventId}]", StringComparison.Ordinal)).Sum(kv => kv.Value.Count);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string category, LogLevel level, EventId id, string message, Exception? exception)
    {
        var shortCategory = category[(category.LastIndexOf('.') + 1)..];
        var root = exception;
        while (root?.InnerException is not null) root = root.InnerException;
        var failure = exception switch
        {
            null => "",
            Azure.RequestFailedException r => $" {r.GetType().Name} {r.Status} {r.ErrorCode}",
            _ => $" {exception.GetType().Name}" + (root is not null && root != exception ? $" <- {root.GetType().Name}" : ""),
        };
        var kind = $"{level} {shortCategory}[{id.Id}]{failure}";
        var where = exception?.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at CallbackFunctions.", StringComparison.Ordinal));
        var first = message.Split('\n')[0];
        var example = (first.Length > 160 ? first[..160] + "..." : first)
            + (exception is null ? "" : $" / {FirstLine(exception.Message)}") + (where is null ? "" : $" ({where})");
        _entries.GetOrAdd(kind, _ => new Entry(example)).Add();
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length > 140 ? line[..140] + "..." : line;
    }

    private sealed class Logger(AppLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            owner.Add(category, logLevel, eventId, formatter(state, exception), exception);
            if (owner._watched.TryGetValue(eventId.Id, out var queue) && state is IReadOnlyList<KeyValuePair<string, object?>> values)
                queue.Enqueue(new Captured(TimeProvider.System.GetUtcNow(), values.ToDictionary(v => v.Key, v => v.Value?.ToString(), StringComparer.Ordinal)));
        }
    }
}
