using System.Collections.Concurrent;

namespace CallbackFunctions.TwilioSimulator.Support;

/// <summary>Every background task the simulator starts, so that disposal can wait for them to stop.</summary>
internal sealed class TaskTracker
{
    private readonly ConcurrentDictionary<Task, byte> running = new();

    public void Run(Func<Task> work)
    {
        var task = Task.Run(work);
        running.TryAdd(task, 0);
        _ = task.ContinueWith(t => running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async Task WaitAllAsync(TimeSpan timeout, TimeProvider time)
    {
        var tasks = running.Keys.ToArray();
        try
        {
            await Task.WhenAll(tasks).WaitAsync(timeout, time).ConfigureAwait(false);
        }
        catch (Exception) when (tasks.Length > 0)
        {
            // Tasks end by cancellation; failures were already recorded as simulator errors.
        }
    }
}
