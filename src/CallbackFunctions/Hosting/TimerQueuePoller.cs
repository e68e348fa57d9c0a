using Azure.Storage.Queues.Models;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Storage;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions queue trigger: polls the timer queue with a short lease, hands each
/// message to the same <see cref="WakeUpHandler"/>, deletes it once the step is committed, and moves a message that
/// keeps failing to the poison queue, as the host would.
/// </summary>
public sealed class TimerQueuePoller(StorageAccount storage, TimerQueue timers, IServiceProvider services, IOptions<HostingOptions> options,
    ILogger<TimerQueuePoller> logger) : BackgroundService
{
    private readonly SemaphoreSlim _nudge = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        HostingLog.Standalone(logger, storage.Options.TimerQueue, o.IdlePoll, o.Lease);
        timers.MessageDueNow += Nudge;
        using var slots = new SemaphoreSlim(o.Concurrency, o.Concurrency);
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var free = slots.CurrentCount;
                QueueMessage[] messages = [];
                if (free > 0)
                {
                    try
                    {
                        messages = (await storage.TimerQueue.ReceiveMessagesAsync(Math.Min(32, free), o.Lease, stoppingToken)).Value;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        HostingLog.PollFailed(logger, e.Message);
                    }
                }
                foreach (var message in messages)
                {
                    await slots.WaitAsync(stoppingToken);
                    running.Add(Task.Run(async () =>
                    {
                        try { await HandleAsync(message, stoppingToken); }
                        finally { slots.Release(); }
                    }, CancellationToken.None));
                }
                running.RemoveAll(t => t.IsCompleted);
                if (messages.Length == 0 || free == 0)
                    await WaitForWorkAsync(o.IdlePoll, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            timers.MessageDueNow -= Nudge;
            await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private void Nudge()
    {
        if (_nudge.CurrentCount == 0)
        {
            try { _nudge.Release(); } catch (SemaphoreFullException) { }
        }
    }

    private async Task WaitForWorkAsync(TimeSpan idle, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(idle);
        try { await _nudge.WaitAsync(timeout.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken ct)
    {
        var queue = storage.TimerQueue;
        if (message.DequeueCount > options.Value.MaxDequeueCount)
        {
            await storage.PoisonQueue.SendMessageAsync(message.Body.ToString(), TimeSpan.Zero, TimeSpan.FromSeconds(-1), ct);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            HostingLog.MovedToPoison(logger, message.MessageId, message.DequeueCount, storage.Options.PoisonQueue);
            return;
        }
        WakeUpMessage wakeUp;
        try
        {
            wakeUp = WakeUpMessage.Parse(message.Body.ToString());
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            await storage.PoisonQueue.SendMessageAsync(message.Body.ToString(), TimeSpan.Zero, TimeSpan.FromSeconds(-1), ct);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            HostingLog.Unreadable(logger, message.MessageId);
            return;
        }
        try
        {
            await services.GetRequiredService<WakeUpHandler>().HandleAsync(wakeUp, ct);
            try
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            }
            catch (Azure.RequestFailedException e) when (e.Status == 404)
            {
                // The step is committed; the lease ran out first and the message may run again, harmlessly (stale or idempotent).
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Left in place: it becomes visible again when the lease ends and is tried again.
            HostingLog.WakeUpFailed(logger, e, message.MessageId, message.DequeueCount);
        }
    }
}
