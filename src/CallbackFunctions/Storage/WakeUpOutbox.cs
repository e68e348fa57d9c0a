using System.Threading.Channels;

namespace CallbackFunctions.Storage;

/// <summary>
/// Sends wake-ups right after the step that made them has answered, so neither a webhook nor a wake-up handler waits on
/// the queue (measured: Azurite's queue freezes for seconds once a minute, and handlers waiting on it held every slot).
/// Safe because the callback's <c>WakeAt</c> is saved first: a wake-up this outbox could not send (a crash, storage
/// down past every try) is re-armed by the sweeper, exactly as after a crash between saving and enqueueing (DESIGN §3).
/// When the outbox is full, a wake-up is sent inline.
/// </summary>
public sealed class WakeUpOutbox(TimerQueue timers, TimeProvider time, ILogger<WakeUpOutbox> logger, int capacity = 10_000) : BackgroundService
{
    private const int Senders = 8;
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    private readonly Channel<WakeUpMessage> _pending = Channel.CreateBounded<WakeUpMessage>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
    });

    private long _sent;
    private long _dropped;

    /// <summary>Wake-ups waiting to be sent.</summary>
    public int Pending => _pending.Reader.Count;

    /// <summary>Wake-ups this outbox gave up on (each one is the sweeper's to re-arm).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Leaves the wake-up to the outbox, or sends it now if the outbox is full.</summary>
    public Task ScheduleAsync(WakeUpMessage message, CancellationToken ct) =>
        _pending.Writer.TryWrite(message) ? Task.CompletedTask : timers.ScheduleAsync(message, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(() => SendLoopAsync(stoppingToken), CancellationToken.None)));
    }

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
                while (_pending.Reader.TryRead(out var message))
                    await SendAsync(message, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Stopping: what is left goes out now, as far as the host's shutdown allows; the sweeper has the rest.
        while (!cancellationToken.IsCancellationRequested && _pending.Reader.TryRead(out var message))
            await SendAsync(message, cancellationToken);
        var left = _pending.Reader.Count;
        if (left > 0)
        {
            Interlocked.Add(ref _dropped, left);
            StorageLog.OutboxLeft(logger, left);
        }
    }

    private async Task SendAsync(WakeUpMessage message, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await timers.ScheduleAsync(message, CancellationToken.None);
                Interlocked.Increment(ref _sent);
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong, this sender carries on with the next wake-up (a sender that died would strand the rest).
                if (attempt >= Backoff.Length)
                {
                    Interlocked.Increment(ref _dropped);
                    StorageLog.OutboxGaveUp(logger, message.CallbackId, message.Generation, e.Message);
                    return;
                }
                try
                {
                    await Task.Delay(Backoff[attempt], time, ct);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref _dropped);
                    StorageLog.OutboxGaveUp(logger, message.CallbackId, message.Generation, "stopping: " + e.Message);
                    return;
                }
            }
        }
    }
}
