using System.Runtime.InteropServices;

namespace CallbackFunctions.LocalRun;

/// <summary>
/// Ctrl+C (the terminal's SIGINT), SIGTERM and SIGHUP (the terminal closed) end a run gracefully: the first of them
/// says <c>Stopping...</c> at once and cancels <see cref="Token"/>; the run then stops the app before what it runs on
/// (Azurite is in a session of its own, so the terminal's SIGINT does not reach it) and ends with a line that starts
/// <c>Stopped.</c>. A signal while stopping changes nothing: the stop under way is bounded.
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
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
    }

    public CancellationToken Token => _stop.Token;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Exchange(ref _signalled, 1) == 1) return;
        try { _output.WriteLine("Stopping..."); }
        catch (IOException) { } // the terminal is gone (SIGHUP): stop all the same
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
