using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace CallbackFunctions.Tests.Callbacks;

/// <summary>
/// A mocked <see cref="TaskOrchestrationContext"/> (Moq, at the seam Microsoft documents for isolated Durable apps) that
/// plays a script on virtual time: events arrive at given instants; the earliest outstanding timer fires when no event
/// comes before it (early by <see cref="EarlyBy"/> once, if set, as Azure Storage timers can); activities answer
/// through <see cref="Activity"/>. The orchestrator runs on a single-threaded pump, as under Durable: the script moves
/// on only once the orchestrator is waiting. Everything the orchestrator asked for is recorded.
/// </summary>
internal sealed class FakeOrchestration
{
    private readonly List<(DateTime At, CallbackEvent Event)> _script = [];
    private readonly List<PendingTimer> _timers = [];
    private readonly Pump _pump = new();
    private TaskCompletionSource<CallbackEvent>? _waiting;
    private bool _moveScheduled;

    private sealed record PendingTimer(DateTime At, TaskCompletionSource Fired);

    public FakeOrchestration(DateTimeOffset start)
    {
        Now = start.UtcDateTime;
        Context.SetupGet(c => c.CurrentUtcDateTime).Returns(() => Now);
        Context.SetupGet(c => c.InstanceId).Returns("cb-test");
        Context.SetupGet(c => c.IsReplaying).Returns(false);
        Context.Setup(c => c.CreateReplaySafeLogger(It.IsAny<string>())).Returns(NullLogger.Instance);
        Context.Setup(c => c.WaitForExternalEvent<CallbackEvent>(CallbackOrchestration.EventName, It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                EventWaits++;
                _waiting = new TaskCompletionSource<CallbackEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
                ScheduleMove();
                return _waiting.Task;
            });
        Context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns((DateTime at, CancellationToken ct) => Timer(at, ct));
        Context.Setup(c => c.CallActivityAsync<StepOutcome>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName name, object? input, TaskOptions? _) => Call<StepOutcome>(name.Name, input));
        Context.Setup(c => c.CallActivityAsync<CallbackEvent?>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName name, object? input, TaskOptions? _) => Call<CallbackEvent?>(name.Name, input));
        Context.Setup(c => c.SendEvent(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object>()))
            .Callback((string id, string name, object payload) => Sent.Add((id, name, (CallbackEvent)payload)));
        Context.Setup(c => c.SetCustomStatus(It.IsAny<object?>())).Callback((object? status) => CustomStatuses.Add((CallbackSnapshot)status!));
        Context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()))
            .Callback((object? input, bool keep) => ContinuedAsNew = (input, keep));
    }

    public Mock<TaskOrchestrationContext> Context { get; } = new();
    public DateTime Now { get; private set; }
    public TimeSpan EarlyBy { get; set; }
    /// <summary>Timers to lose (they never fire), as the Azure Storage backend has been seen to.</summary>
    public int LoseTimers { get; set; }
    public int EventWaits { get; private set; }
    /// <summary>Every timer the orchestrator created, by the moment it asked for.</summary>
    public List<DateTime> Timers { get; } = [];
    public int CancelledTimers { get; private set; }
    /// <summary>Timers neither fired nor cancelled when the orchestrator returned (it would then never complete).</summary>
    public int OutstandingTimers => _timers.Count;
    public List<(string Name, object? Input)> Activities { get; } = [];
    public List<(string InstanceId, string EventName, CallbackEvent Event)> Sent { get; } = [];
    public (object? Input, bool PreserveEvents)? ContinuedAsNew { get; private set; }
    /// <summary>Every custom status the orchestrator set, in order (what the API and the webhooks read).</summary>
    public List<CallbackSnapshot> CustomStatuses { get; } = [];

    /// <summary>Answers an activity: (name, input) → result; throw <see cref="TaskFailedException"/> to fail it.</summary>
    public Func<string, object?, object?> Activity { get; set; } = (name, _) => throw new InvalidOperationException($"unexpected activity {name}");

    public FakeOrchestration At(DateTimeOffset at, CallbackEvent happened)
    {
        _script.Add((at.UtcDateTime, happened));
        return this;
    }

    public Task<CallbackStatus> RunAsync(CallbackRun run) => _pump.Run(() => CallbackOrchestration.RunAsync(Context.Object, run));

    public IEnumerable<T> Inputs<T>(string activity) => Activities.Where(a => a.Name == activity).Select(a => (T)a.Input!);

    private Task Timer(DateTime at, CancellationToken ct)
    {
        Timers.Add(at);
        if (Timers.Count > 500) throw new InvalidOperationException("the orchestration never stops making timers");
        var timer = new PendingTimer(at, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _timers.Add(timer);
        ct.Register(() =>
        {
            if (!_timers.Remove(timer)) return;
            CancelledTimers++;
            timer.Fired.TrySetCanceled();
        });
        ScheduleMove();
        return timer.Fired.Task;
    }

    /// <summary>Once the orchestrator is waiting (the pump runs this after its current turn): the next thing happens.</summary>
    private void ScheduleMove()
    {
        if (_moveScheduled) return;
        _moveScheduled = true;
        _pump.Post(() =>
        {
            _moveScheduled = false;
            Move();
        });
    }

    private void Move()
    {
        if (_waiting is not { Task.IsCompleted: false } waiting || _timers.Count == 0) return;
        var timer = _timers.MinBy(t => t.At)!;
        var next = _script.OrderBy(e => e.At).FirstOrDefault();
        if (next.Event is not null && (next.At <= timer.At || LoseTimers-- > 0))
        {
            _script.Remove(next);
            if (next.At > Now) Now = next.At;
            waiting.SetResult(next.Event);
            return;
        }
        _timers.Remove(timer);
        var fires = timer.At - EarlyBy;
        EarlyBy = TimeSpan.Zero;
        if (fires > Now) Now = fires;
        timer.Fired.SetResult();
    }

    private Task<T> Call<T>(string name, object? input)
    {
        Activities.Add((name, input));
        try
        {
            return Task.FromResult((T)Activity(name, input)!);
        }
        catch (TaskFailedException e)
        {
            return Task.FromException<T>(e);
        }
    }

    public static TaskFailedException Failure(string activity) =>
        new(activity, 1, new TaskFailureDetails("RequestFailedException", "storage unreachable", null, null, null));

    /// <summary>A single-threaded pump: continuations run one at a time, in order, on the test's thread.</summary>
    private sealed class Pump : SynchronizationContext
    {
        // Posted to from other threads too (a completed task's continuations may hop through the thread pool first).
        private readonly System.Collections.Concurrent.BlockingCollection<(SendOrPostCallback Work, object? State)> _queue = new();

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public void Post(Action work) => Post(_ => work(), null);

        public Task<T> Run<T>(Func<Task<T>> orchestrator)
        {
            var previous = Current;
            SetSynchronizationContext(this);
            try
            {
                var task = orchestrator();
                while (!task.IsCompleted)
                {
                    if (!_queue.TryTake(out var item, TimeSpan.FromSeconds(10)))
                        throw new InvalidOperationException("the orchestrator waits for something the script never brings");
                    item.Work(item.State);
                }
                return task;
            }
            finally
            {
                SetSynchronizationContext(previous);
            }
        }
    }
}
