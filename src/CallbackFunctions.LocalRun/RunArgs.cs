using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CallbackFunctions.LocalRun;

/// <summary>The command line of <c>./run.sh</c>: a mode and its options (<see cref="Usage"/>).</summary>
public sealed record RunArgs
{
    public const string Usage = """
        Usage: ./run.sh [MODE] [OPTIONS]

        Modes:
          run      (the default) Azurite, the Twilio simulator and the app on 127.0.0.1, printing callback events
                   as they happen; Ctrl+C stops it all within seconds (the app first, then what it runs on)
          demo     a scripted day on the same stack, printed as a timeline; exits 0 when it ends as scripted
          app      the app alone, on the settings of the environment and local.settings.json, listening where
                   ASPNETCORE_URLS says (default http://127.0.0.1:7071); a bad setting or a placeholder left from
                   local.settings.sample.json stops it at once
          bench    the benchmark figures (its own options follow it)

        Options (run and demo):
          --app-port N     the app listens on 127.0.0.1:N (default: a free port)
          --sim-port N     the Twilio simulator listens on 127.0.0.1:N (default: a free port)
          --verbose        also print the app's and the simulator's logs here (they always go to the log file)
          --log-file PATH  write the logs to PATH (default: a new file in the temp folder; its path is printed at start)
          -h, --help       this text

        Settings (run): the run mode's defaults (seconds stand in for minutes) are overridden by every app setting in
        local.settings.json's "Values", and those by the environment, e.g.
          Callbacks__Intervals=00:00:10,00:00:30 Callbacks__Expiry=00:05:00 ./run.sh
        AzureWebJobsStorage and Twilio__AccountSid, __AuthToken, __ApiKeySid, __ApiKeySecret, __ApiBaseUrl and
        __WebhookBaseUrl stay the local stack's (Azurite, the simulator). The demo keeps its scripted settings.

        Ctrl+C (or SIGTERM) in any mode prints "Stopping..." at once and "Stopped." once all has stopped.

        Exit codes: 0 done (demo: as scripted), 1 the demo did not end as scripted (or was stopped) or something failed
        to start, 2 a bad option, setting or port (stderr says which, one line each).
        """;

    public string Mode { get; init; } = "run";
    public int AppPort { get; init; }
    public int SimulatorPort { get; init; }
    public bool Verbose { get; init; }
    public string? LogFile { get; init; }
    public bool Help { get; init; }
    /// <summary>The arguments after the mode, untouched (the benchmark reads its own).</summary>
    public IReadOnlyList<string> Rest { get; init; } = [];

    public static readonly IReadOnlyList<string> Modes = ["run", "demo", "app", "bench"];

    /// <exception cref="ArgumentException">An unknown mode or option, or a bad value; the message says which.</exception>
    public static RunArgs Parse(IReadOnlyList<string> args)
    {
        var result = new RunArgs();
        var i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            if (!Modes.Contains(args[0])) throw new ArgumentException($"unknown mode '{args[0]}': use {string.Join(", ", Modes)} (./run.sh --help)");
            result = result with { Mode = args[0], Rest = [.. args.Skip(1)] };
            i = 1;
            if (result.Mode == "bench") return result;
        }
        for (; i < args.Count; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] && n.StartsWith("--", StringComparison.Ordinal) ? (n, v) : (args[i], null);
            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value (./run.sh --help)"));
            result = name switch
            {
                "-h" or "--help" => result with { Help = true },
                "--verbose" or "-v" => result with { Verbose = true },
                "--app-port" => result with { AppPort = Port(name, Value()) },
                "--sim-port" => result with { SimulatorPort = Port(name, Value()) },
                "--log-file" => result with { LogFile = Value() },
                _ => throw new ArgumentException($"unknown option '{args[i]}' (./run.sh --help)"),
            };
        }
        if (result.AppPort != 0 && result.AppPort == result.SimulatorPort)
            throw new ArgumentException($"--app-port and --sim-port are both {result.AppPort}: the app and the simulator need a port each");
        return result;
    }

    private static int Port(string option, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port : throw new ArgumentException($"{option} '{text}' is not a port (1 to 65535)");

    /// <summary>The pinned ports that something else already listens on, as a one-line problem; null when all are free.</summary>
    public string? PortProblem()
    {
        foreach (var (option, port) in new[] { ("--app-port", AppPort), ("--sim-port", SimulatorPort) })
        {
            if (port == 0) continue;
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
            }
            catch (SocketException)
            {
                return $"Port {port} ({option}) is already in use on 127.0.0.1: stop what uses it, pick another, or leave {option} out for a free port.";
            }
        }
        return null;
    }
}
