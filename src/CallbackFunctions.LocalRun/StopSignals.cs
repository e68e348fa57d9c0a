using System.Runtime.InteropServices;

namespace CallbackFunctions.LocalRun;

/// <summary>
/// Ctrl+C (the terminal's SIGINT) and SIGTERM end a run gracefully: the first of them says <c>Stopping...</c> at once
/// and cancels <see cref="Token"/>; the run then stops the app before what it runs on (Azurite is in a session of its
/// own, so the terminal's SIGINT does not reach it) and ends with a line that starts <c>Stopped.</c>. A signal while
/// stopping changes nothing: the stop under way is bounded. SIGHUP (the terminal closed) still ends the process at
/// once, with nowhere left to print: Azurite's services then exit as their stdin pipe from it closes.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TextWriter _output;
    private readonly PosixSignalRegistration[] _registrations;
    private int _signalled;

    public StopSignals(TextWriter output)
    {
        _output = output;
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
    }

    public CancellationToken Token => _stop.Token;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Exchange(ref _signalled, 1) == 1) return;
        _output.WriteLine("Stopping...");
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
