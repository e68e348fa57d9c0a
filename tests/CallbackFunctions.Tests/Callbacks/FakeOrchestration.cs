using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace CallbackFunctions.Tests.Callbacks;

/// <summary>
/// A mocked <see cref="TaskOrchestrationContext"/> (Moq, at the seam Microsoft documents for isolated Durable apps) that
/// plays a script: events arrive at given instants; a timer fires when no event comes before it (early by
/// <see cref="EarlyBy"/> once, if set, as Azure Storage timers can); activities answer through <see cref="Activity"/>.
/// Everything the orchestrator asked for is recorded.
/// </summary>
internal sealed class FakeOrchestration
{
    private readonly List<(DateTime At, CallbackEvent Event)> _script = [];
    private TaskCompletionSource<CallbackEvent>? _waiting;

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
                return _waiting.Task;
            });
        Context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns((DateTime at, CancellationToken ct) => Timer(at, ct));
        Context.Setup(c => c.CallActivityAsync<StepOutcome>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName name, object? input, TaskOptions? _) => Call<StepOutcome>(name.Name, input));
        Context.Setup(c => c.CallActivityAsync<CallbackEvent?>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName name, object? input, TaskOptions? _) => Call<CallbackEvent?>(name.Name, input));
        Context.Setup(c => c.SendEvent(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object>()))
            .Callback((string id, string name, object payload) => Sent.Add((id, name, (CallbackEvent)payload)));
        Context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()))
            .Callback((object? input, bool keep) => ContinuedAsNew = (input, keep));
    }

    public Mock<TaskOrchestrationContext> Context { get; } = new();
    public DateTime Now { get; private set; }
    public TimeSpan EarlyBy { get; set; }
    /// <summary>Timers to lose (they never fire), as the Azure Storage backend has been seen to.</summary>
    public int LoseTimers { get; set; }
    public int EventWaits { get; private set; }
    public List<DateTime> Timers { get; } = [];
    public int CancelledTimers { get; private set; }
    public List<(string Name, object? Input)> Activities { get; } = [];
    public List<(string InstanceId, string EventName, CallbackEvent Event)> Sent { get; } = [];
    public (object? Input, bool PreserveEvents)? ContinuedAsNew { get; private set; }

    /// <summary>Answers an activity: (name, input) → result; throw <see cref="TaskFailedException"/> to fail it.</summary>
    public Func<string, object?, object?> Activity { get; set; } = (name, _) => throw new InvalidOperationException($"unexpected activity {name}");

    public FakeOrchestration At(DateTimeOffset at, CallbackEvent happened)
    {
        _script.Add((at.UtcDateTime, happened));
        return this;
    }

    public Task<CallbackStatus> RunAsync(CallbackRun run) => CallbackOrchestration.RunAsync(Context.Object, run);

    public IEnumerable<T> Inputs<T>(string activity) => Activities.Where(a => a.Name == activity).Select(a => (T)a.Input!);

    private Task Timer(DateTime at, CancellationToken ct)
    {
        Timers.Add(at);
        if (Timers.Count > 500) throw new InvalidOperationException("the orchestration never stops making timers");
        var next = _script.OrderBy(e => e.At).FirstOrDefault();
        if (next.Event is not null && (next.At <= at || LoseTimers-- > 0))
        {
            _script.Remove(next);
            if (next.At > Now) Now = next.At;
            _waiting!.SetResult(next.Event);
            var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ct.Register(() =>
            {
                CancelledTimers++;
                pending.TrySetCanceled();
            });
            return pending.Task;
        }
        var fires = at - EarlyBy;
        EarlyBy = TimeSpan.Zero;
        if (fires > Now) Now = fires;
        return Task.CompletedTask;
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
}
