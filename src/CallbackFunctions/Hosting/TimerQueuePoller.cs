using System.Collections.Concurrent;
using Azure.Storage.Queues.Models;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Storage;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions queue trigger: polls the timer queue with a short lease, hands each
/// message to the same <see cref="WakeUpHandler"/>, deletes it once the step is committed, and moves a message that
/// keeps failing to the poison queue, as the host would. Messages surface <see cref="HostingOptions.EffectiveLead"/>
/// before they are due and wait here, in memory and without a slot, until they are: a poll that storage answers slowly
/// does not make them late. Deleting a handled message does not hold a slot either. At most
/// <see cref="InMemoryPerSlot"/> messages per slot are kept; one that waits for a slot so long that its lease would run
/// out has its lease renewed, so a burst is worked off once, not delivered again and again.
/// </summary>
public sealed class TimerQueuePoller(StorageAccount storage, TimerQueue timers, IServiceProvider services, IOptions<HostingOptions> options,
    TimeProvider time, ILogger<TimerQueuePoller> logger) : BackgroundService
{
    /// <summary>Messages kept in memory (waiting for their due moment, for a slot, or being handled) per slot, at most.</summary>
    private const int InMemoryPerSlot = 8;

    private readonly SemaphoreSlim _nudge = new(0, 1);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private int _inMemory;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        HostingLog.Standalone(logger, storage.Options.TimerQueue, o.IdlePoll, o.Lease);
        timers.MessageDueNow += Nudge;
        using var slots = new SemaphoreSlim(o.Concurrency, o.Concurrency);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                QueueMessage[] messages = [];
                var room = o.Concurrency * InMemoryPerSlot - Volatile.Read(ref _inMemory);
                if (room > 0)
                {
                    try
                    {
                        messages = (await storage.TimerQueueReceiver.ReceiveMessagesAsync(Math.Min(32, room), o.Lease, stoppingToken)).Value;
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        // Including our own time-out of a receive (a TaskCanceledException): poll again. The poller
                        // must outlive any one failed request.
                        HostingLog.PollFailed(logger, e.GetType().Name + ": " + e.Message);
                    }
                }
                foreach (var message in messages)
                {
                    Interlocked.Increment(ref _inMemory);
                    Track(RunAsync(message, slots, stoppingToken));
                }
                if (messages.Length < 32) await WaitForWorkAsync(o.IdlePoll, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            timers.MessageDueNow -= Nudge;
            await Task.WhenAll(_running.Keys).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private void Track(Task task)
    {
        _running.TryAdd(task, 0);
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Waits for the message's due moment, then for a slot; handles it, and deletes it once committed.</summary>
    private async Task RunAsync(QueueMessage message, SemaphoreSlim slots, CancellationToken ct)
    {
        var lease = new Lease(message.PopReceipt, time.GetUtcNow() + options.Value.Lease);
        var committed = false;
        try
        {
            await Task.Yield();
            // Held only as long as the lead explains (plus the whole-second rounding); a message that surfaced earlier
            // still (a wait longer than a message can be delayed) goes to the handler, which sends it on.
            var wakeUp = Read(message);
            if (wakeUp?.DueAt - time.GetUtcNow() is { } wait && wait > TimeSpan.Zero && wait <= options.Value.EffectiveLead + TimeSpan.FromSeconds(2))
                await Task.Delay(wait, time, ct);
            if (await TakeSlotAsync(message, slots, lease, ct) is not { } held) return; // lost the message to its lease
            lease = held;
            try { committed = await HandleAsync(message, wakeUp, ct); }
            finally { slots.Release(); }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the message becomes visible again when its lease ends.
        }
        catch (Exception e)
        {
            // e.g. the poison queue unreachable: the message stays, and comes back when its lease ends.
            HostingLog.PollFailed(logger, $"message {message.MessageId}: {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _inMemory);
        }
        if (committed) await DeleteAsync(message.MessageId, lease.PopReceipt, ct);
    }

    private sealed record Lease(string PopReceipt, DateTimeOffset Until);

    /// <summary>
    /// Waits for a slot, renewing the message's lease whenever less than a third of it is left, so the handler always
    /// starts with time to finish; null if the message could not be renewed (it is someone else's now).
    /// </summary>
    private async Task<Lease?> TakeSlotAsync(QueueMessage message, SemaphoreSlim slots, Lease lease, CancellationToken ct)
    {
        var length = options.Value.Lease;
        while (true)
        {
            var renewAt = lease.Until - length / 3;
            var patience = renewAt - time.GetUtcNow();
            if (patience > TimeSpan.Zero && await slots.WaitAsync(patience, ct)) return lease;
            try
            {
                var renewed = await storage.TimerQueue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: length, cancellationToken: ct);
                lease = new Lease(renewed.Value.PopReceipt, time.GetUtcNow() + length);
            }
            catch (Azure.RequestFailedException e) when (e.Status is 404 or 400)
            {
                HostingLog.LeaseLost(logger, message.MessageId);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Not renewed this time: wait a little for a slot and try again. Handled on a lapsed lease, a message
                // may also be delivered again: a stale copy is dropped, a repeated step is idempotent.
                HostingLog.PollFailed(logger, "lease renewal: " + e.Message);
                if (await slots.WaitAsync(TimeSpan.FromSeconds(1), ct)) return lease;
            }
        }
    }

    /// <summary>The wake-up the message carries; null if it is unreadable (it goes to the poison queue at once).</summary>
    private static WakeUpMessage? Read(QueueMessage message)
    {
        try { return WakeUpMessage.Parse(message.Body.ToString()); }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException) { return null; }
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

    /// <summary>True once the message's work is committed and it can be deleted; false leaves it for another try.</summary>
    private async Task<bool> HandleAsync(QueueMessage message, WakeUpMessage? wakeUp, CancellationToken ct)
    {
        if (wakeUp is null || message.DequeueCount > options.Value.MaxDequeueCount)
        {
            await storage.PoisonQueue.SendMessageAsync(message.Body.ToString(), TimeSpan.Zero, TimeSpan.FromSeconds(-1), ct);
            if (wakeUp is null) HostingLog.Unreadable(logger, message.MessageId);
            else HostingLog.MovedToPoison(logger, message.MessageId, message.DequeueCount, storage.Options.PoisonQueue);
            return true;
        }
        try
        {
            await services.GetRequiredService<WakeUpHandler>().HandleAsync(wakeUp, ct);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Left in place: it becomes visible again when the lease ends and is tried again.
            HostingLog.WakeUpFailed(logger, e, message.MessageId, message.DequeueCount);
            return false;
        }
    }

    private async Task DeleteAsync(string messageId, string popReceipt, CancellationToken ct)
    {
        try
        {
            await storage.TimerQueue.DeleteMessageAsync(messageId, popReceipt, ct);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // The step is committed; the lease ran out first and the message may run again, harmlessly (stale or idempotent).
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Committed but not deleted: it comes back after its lease and is dropped as stale or handled idempotently.
            HostingLog.PollFailed(logger, "delete: " + e.Message);
        }
    }
}
