using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.LocalRun;

/// <summary>
/// The logs of <c>./run.sh</c>: one line per entry ("time level category: message"), appended to a file, and also
/// written to the console when <c>--verbose</c> asks for it.
/// </summary>
public sealed class FileLog : ILoggerProvider
{
    private readonly StreamWriter _file;
    private readonly TextWriter? _console;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private bool _closed;

    public FileLog(string path, TextWriter? console, TimeProvider time)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _file = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        _console = console;
        _time = time;
    }

    public string Path { get; }

    /// <summary>A new log file of this run under the temporary folder.</summary>
    public static string DefaultPath(TimeProvider time) => System.IO.Path.Combine(System.IO.Path.GetTempPath(),
        string.Create(CultureInfo.InvariantCulture, $"callbackfunctions-run-{time.GetLocalNow():yyyyMMdd-HHmmss}-{Environment.ProcessId}.log"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>A logger factory over this file alone (the simulator's logs).</summary>
    public ILoggerFactory Factory(LogLevel minimum) => LoggerFactory.Create(b => b.ClearProviders().SetMinimumLevel(minimum).AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddProvider(new Borrowed(this)));

    private void Write(string line)
    {
        lock (_lock)
        {
            if (_closed) return;
            _file.WriteLine(line);
            _console?.WriteLine(line);
        }
    }

    /// <summary>Closes the file; entries logged later (a host that outlives it) are dropped.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            _file.Dispose();
        }
    }

    private sealed class Logger(FileLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var text = formatter(state, exception);
            if (exception is not null) text += Environment.NewLine + exception;
            log.Write(string.Create(CultureInfo.InvariantCulture, $"{log._time.GetLocalNow():HH:mm:ss.fff} {Short(logLevel)} {category}: {text}"));
        }

        private static string Short(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }

    /// <summary>This provider inside a factory that must not close the file when it is disposed.</summary>
    private sealed class Borrowed(FileLog log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => log.CreateLogger(categoryName);
        public void Dispose() { }
    }
}
