using System.Globalization;
using System.Threading.Channels;
using CallbackFunctions.TwilioSimulator.Support;
using CallbackFunctions.TwilioSimulator.Webhooks;
using Microsoft.Extensions.Logging;

namespace CallbackFunctions.TwilioSimulator.Calls;

/// <summary>What Create Call asked for, already validated.</summary>
internal sealed record OutboundCallSpec(
    string To, string From, DocRequest Source, Uri? FallbackUrl, string FallbackMethod, Uri? StatusCallback, string StatusCallbackMethod,
    IReadOnlySet<string> StatusCallbackEvents, int Timeout, int? TimeLimit, string? MachineDetection, bool AsyncAmd,
    Uri? AsyncAmdStatusCallback, string AsyncAmdStatusCallbackMethod, bool Record);

/// <summary>What Update Call asked for, already validated.</summary>
internal sealed record UpdateCallSpec(
    string? Status, DocRequest? Redirect, Uri? FallbackUrl, string? FallbackMethod, Uri? StatusCallback, string? StatusCallbackMethod, int? TimeLimit);

/// <summary>A failure of the call's TwiML that ends the call (recorded as a simulator error with Twilio's code).</summary>
internal sealed class CallFlowException(int code, string message, Uri? url = null) : Exception(message)
{
    public int Code { get; } = code;

    public Uri? Url { get; } = url;
}

/// <summary>
/// The simulated telephone network: call legs, their lifecycle (TWILIO.md §2), the CPS queue (§7), status callbacks
/// (§3.2) and the TwiML each leg runs (CallEngine.Flow.cs, CallEngine.Dial.cs).
/// </summary>
internal sealed partial class CallEngine : IDisposable
{
    public const int SimulatorFault = 0;
    private const int MaxDocumentsPerCall = 200;
    private const int MaxRedirects = 10;

    private readonly SimulatorOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly WebhookSender webhooks;
    private readonly TaskTracker tasks = new();
    private readonly CancellationTokenSource shutdown = new();
    private SimulatorState state;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CallEngine(SimulatorOptions options, ILogger logger)
    {
        this.options = options;
        this.logger = logger;
        time = options.TimeProvider;
        webhooks = new WebhookSender(options.AuthToken, time);
        state = NewState();
    }

    public Uri BaseUrl { get; set; } = new("http://127.0.0.1/");

    public SimulatorOptions Options => options;

    /// <summary>Completes at the next change of any call; used to wait without polling hard.</summary>
    public Task Changed => Volatile.Read(ref changed).Task;

    private SimulatorState State => Volatile.Read(ref state);

    // ---- the control surface -------------------------------------------------------------------------------------

    public void SetPerson(string number, PersonScript script)
    {
        var s = State;
        lock (s.Sync)
        {
            s.People[number] = script;
        }
    }

    public void SetFaults(FaultSettings faults)
    {
        var s = State;
        lock (s.Sync)
        {
            s.Faults = faults;
            s.PendingCreateFaults.Clear();
            foreach (var fault in faults.FailCreates)
            {
                for (var i = 0; i < fault.Count; i++)
                {
                    s.PendingCreateFaults.Enqueue(fault.Kind);
                }
            }
        }
    }

    public FaultSettings Faults
    {
        get
        {
            var s = State;
            lock (s.Sync)
            {
                return s.Faults;
            }
        }
    }

    public IReadOnlyList<SimulatedCall> Snapshot()
    {
        var s = State;
        lock (s.Sync)
        {
            return [.. s.Calls.Select(c => c.Snapshot(options.AccountSid))];
        }
    }

    public SimulatedCall? Snapshot(string sid)
    {
        var s = State;
        lock (s.Sync)
        {
            return s.BySid.TryGetValue(sid, out var leg) ? leg.Snapshot(options.AccountSid) : null;
        }
    }

    public SimulatorStats Stats()
    {
        var s = State;
        lock (s.Sync)
        {
            return s.Stats();
        }
    }

    public IReadOnlyList<SimulatorError> Errors()
    {
        var s = State;
        lock (s.Sync)
        {
            return [.. s.Errors];
        }
    }

    public IReadOnlyList<SimulatedRecording> Recordings()
    {
        var s = State;
        lock (s.Sync)
        {
            return [.. s.Recordings];
        }
    }

    public void Reset()
    {
        var old = Interlocked.Exchange(ref state, NewState());
        old.Cts.Cancel();
        logger.ResetDone();
        Notify();
    }

    public async Task StopAsync()
    {
        await shutdown.CancelAsync().ConfigureAwait(false);
        await tasks.WaitAllAsync(TimeSpan.FromSeconds(5), TimeProvider.System).ConfigureAwait(false);
    }

    public void Dispose()
    {
        shutdown.Cancel();
        webhooks.Dispose();
        shutdown.Dispose();
    }

    // ---- REST operations -----------------------------------------------------------------------------------------

    /// <summary>Counts a Create Call request (every POST to Calls.json).</summary>
    public void CountCreate()
    {
        var s = State;
        lock (s.Sync)
        {
            s.CreateRequests++;
        }
    }

    /// <summary>Counts a Create Call request that created nothing.</summary>
    public void RejectCreate()
    {
        var s = State;
        lock (s.Sync)
        {
            s.RejectedRequests++;
        }
    }

    /// <summary>The next create fault, if any: consumed by valid Create Call requests only.</summary>
    public CreateFaultKind? TakeCreateFault()
    {
        var s = State;
        lock (s.Sync)
        {
            return s.PendingCreateFaults.TryDequeue(out var fault) ? fault : null;
        }
    }

    public CancellationToken RunToken => State.Token;

    /// <summary>Queues a REST-created call; <paramref name="describe"/> sees it as created (queued), before any release.</summary>
    public T CreateOutbound<T>(OutboundCallSpec spec, Func<CallLeg, T> describe)
    {
        var s = State;
        var now = time.GetUtcNow();
        var leg = new CallLeg(s, Sids.New("CA"), CallDirection.OutboundApi, spec.From, spec.To, now)
        {
            PhoneNumberSid = Sids.Stable("PN", options.AccountSid + spec.From),
            Source = spec.Source,
            FallbackUrl = spec.FallbackUrl,
            FallbackMethod = spec.FallbackMethod,
            StatusCallback = spec.StatusCallback,
            StatusCallbackMethod = spec.StatusCallbackMethod,
            StatusCallbackEvents = spec.StatusCallbackEvents,
            TimeoutSeconds = spec.Timeout,
            TimeLimitSeconds = spec.TimeLimit,
            MachineDetection = spec.MachineDetection,
            AsyncAmd = spec.AsyncAmd,
            AsyncAmdStatusCallback = spec.AsyncAmdStatusCallback,
            AsyncAmdStatusCallbackMethod = spec.AsyncAmdStatusCallbackMethod,
            Record = spec.Record,
        };
        T created;
        lock (s.Sync)
        {
            Add(s, leg);
            leg.AddEvent(now, "queued");
            var cps = options.CallsPerSecond;
            var interval = cps > 0 ? TimeSpan.FromSeconds(1 / cps) : TimeSpan.Zero;
            var untilNext = s.NextRelease > now ? s.NextRelease - now : TimeSpan.Zero;
            leg.QueueTimeMs = (long)(untilNext + (interval * s.QueuedCount)).TotalMilliseconds;
            s.QueuedCount++;
            created = describe(leg);
            s.CpsQueue.Writer.TryWrite(leg);
        }

        logger.CallCreated(leg.Sid, "outbound-api", leg.From, leg.To);
        Notify();
        return created;
    }

    public SimulatedCall PlaceInbound(InboundCallRequest request)
    {
        var s = State;
        var now = time.GetUtcNow();
        var leg = new CallLeg(s, Sids.New("CA"), CallDirection.Inbound, request.From, request.To, now)
        {
            PhoneNumberSid = Sids.Stable("PN", options.AccountSid + request.To),
            Source = request.Url is { } url ? DocRequest.Fetch(new Uri(url), request.Method) : DocRequest.Inline(request.Twiml!),
            FallbackUrl = request.FallbackUrl is { } fallback ? new Uri(fallback) : null,
            StatusCallback = request.StatusCallback is { } callback ? new Uri(callback) : null,
            StatusCallbackEvents = new HashSet<string>(request.StatusCallbackEvents ?? ["completed"], StringComparer.Ordinal),
            QueueOutcome = request.QueueOutcome,
            QueueWaitSeconds = request.WaitSeconds,
            RunningTwiml = true,
        };
        SimulatedCall snapshot;
        lock (s.Sync)
        {
            Add(s, leg);
            EnqueueDigits(leg, request.Digits);
            leg.Status = CallStatus.Ringing;
            leg.StartTime = now;
            leg.AddEvent(now, "ringing");
            QueueStatusCallback(leg, CallStatus.Ringing);
            snapshot = leg.Snapshot(options.AccountSid);
        }

        logger.CallCreated(leg.Sid, "inbound", leg.From, leg.To);
        Notify();
        tasks.Run(() => RunInboundAsync(leg));
        return snapshot;
    }

    public CallLeg? Find(string sid)
    {
        var s = State;
        lock (s.Sync)
        {
            return s.BySid.GetValueOrDefault(sid);
        }
    }

    /// <summary>All legs, newest first (the order of List Calls).</summary>
    public IReadOnlyList<CallLeg> NewestFirst()
    {
        var s = State;
        lock (s.Sync)
        {
            return [.. Enumerable.Reverse(s.Calls)];
        }
    }

    /// <summary>Runs <paramref name="read"/> under the leg's lock.</summary>
    public T Read<T>(CallLeg leg, Func<CallLeg, T> read)
    {
        lock (leg.State.Sync)
        {
            return read(leg);
        }
    }

    /// <summary>Update Call (TWILIO.md §1.4). False when the call already ended (21220).</summary>
    public bool Update(CallLeg leg, UpdateCallSpec spec)
    {
        CancellationTokenSource? interrupt = null;
        CallStatus? end = null;
        bool queued;
        lock (leg.State.Sync)
        {
            if (leg.IsEnded)
            {
                return false;
            }

            if (spec.FallbackUrl is not null)
            {
                leg.FallbackUrl = spec.FallbackUrl;
            }

            leg.FallbackMethod = spec.FallbackMethod ?? leg.FallbackMethod;
            if (spec.StatusCallback is not null)
            {
                leg.StatusCallback = spec.StatusCallback;
            }

            leg.StatusCallbackMethod = spec.StatusCallbackMethod ?? leg.StatusCallbackMethod;
            if (spec.TimeLimit is { } limit)
            {
                leg.TimeLimitSeconds = limit;
                leg.TimeLimitVersion++;
                if (leg.IsAnswered)
                {
                    StartTimeLimit(leg);
                }
            }

            var unanswered = !leg.IsAnswered;
            queued = leg.Status == CallStatus.Queued;
            if (spec.Status == "canceled")
            {
                // TWILIO.md §2/§8.6: canceled hangs up queued or ringing calls only; an answered call carries on.
                end = unanswered ? CallStatus.Canceled : null;
            }
            else if (spec.Status == "completed")
            {
                end = unanswered ? CallStatus.Canceled : CallStatus.Completed;
            }
            else if (spec.Redirect is { } redirect)
            {
                if (leg.RunningTwiml)
                {
                    leg.PendingRedirect = redirect;
                    interrupt = leg.Step;
                }
                else
                {
                    leg.Source = redirect;
                }
            }
        }

        if (end is { } status)
        {
            // TWILIO.md §2 (stricter reading): a call canceled while still queued fires no status callback.
            End(leg, status, silent: queued);
        }

        interrupt?.Cancel();
        return true;
    }

    public bool DeleteRecording(string sid, string? callSid)
    {
        var s = State;
        lock (s.Sync)
        {
            var index = s.Recordings.FindIndex(r => r.Sid == sid && !r.Deleted && (callSid is null || r.CallSid == callSid));
            if (index < 0)
            {
                return false;
            }

            s.Recordings[index] = s.Recordings[index] with { Deleted = true };
            return true;
        }
    }

    // ---- lifecycle primitives ------------------------------------------------------------------------------------

    private SimulatorState NewState()
    {
        var s = new SimulatorState(shutdown.Token);
        tasks.Run(() => ReleaseQueuedCallsAsync(s));
        return s;
    }

    private void Notify()
    {
        var old = Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        old.TrySetResult();
    }

    private static void Add(SimulatorState s, CallLeg leg)
    {
        s.Calls.Add(leg);
        s.BySid[leg.Sid] = leg;
        s.TotalCalls++;
    }

    private static void EnqueueDigits(CallLeg leg, string? digits)
    {
        leg.PendingDigits.Clear();
        if (digits is null)
        {
            return;
        }

        foreach (var entry in digits.Split(','))
        {
            leg.PendingDigits.Enqueue(entry.Trim());
        }
    }

    /// <summary>Moves a live leg to initiated or ringing.</summary>
    private void SetStatus(CallLeg leg, CallStatus status)
    {
        var s = leg.State;
        lock (s.Sync)
        {
            if (leg.IsEnded)
            {
                return;
            }

            var now = time.GetUtcNow();
            leg.Status = status;
            leg.AddEvent(now, status.Wire());
            if (status == CallStatus.Initiated)
            {
                leg.StartTime = now;
                CountLive(s, leg);
            }

            QueueStatusCallback(leg, status);
        }

        logger.CallStatus(leg.Sid, status.Wire());
        Notify();
    }

    private bool Answer(CallLeg leg, string? answeredBy)
    {
        var s = leg.State;
        lock (s.Sync)
        {
            if (leg.IsEnded || leg.IsAnswered)
            {
                return false;
            }

            var now = time.GetUtcNow();
            leg.Status = CallStatus.InProgress;
            leg.AnsweredAt = now;
            leg.AnsweredBy = answeredBy;
            leg.AddEvent(now, "in-progress");
            if (leg.Record)
            {
                CreateRecording(leg);
            }

            QueueStatusCallback(leg, CallStatus.InProgress);
            if (leg.TimeLimitSeconds is not null)
            {
                StartTimeLimit(leg);
            }
        }

        logger.CallStatus(leg.Sid, "in-progress");
        Notify();
        return true;
    }

    /// <summary>Answers an inbound call when its TwiML first does something other than reject it.</summary>
    private void EnsureAnswered(CallLeg leg)
    {
        if (leg.Direction == CallDirection.Inbound && !Read(leg, l => l.IsAnswered || l.IsEnded))
        {
            Answer(leg, null);
        }
    }

    /// <summary>Ends a leg once; later calls are no-ops. <paramref name="silent"/>: no status callback (canceled while queued).</summary>
    private bool End(CallLeg leg, CallStatus status, bool silent = false)
    {
        var s = leg.State;
        int duration;
        string? leftQueue;
        lock (s.Sync)
        {
            if (leg.IsEnded)
            {
                return false;
            }

            var now = time.GetUtcNow();
            leg.Status = status;
            leg.EndTime = now;
            leg.AddEvent(now, status.Wire());

            // A call that ends (hangs up, is canceled or completed via REST) stops waiting in its queue at once.
            leftQueue = LeaveQueueLocked(leg);
            if (leg.CountedOutboundApi)
            {
                s.LiveOutboundApi--;
                leg.CountedOutboundApi = false;
            }

            if (leg.CountedPerNumber)
            {
                s.LivePerNumber[leg.To]--;
                leg.CountedPerNumber = false;
            }

            duration = leg.DurationSeconds ?? 0;
            foreach (var sid in leg.RecordingSids)
            {
                var index = s.Recordings.FindIndex(r => r.Sid == sid);
                if (index >= 0 && s.Recordings[index].Duration is null)
                {
                    s.Recordings[index] = s.Recordings[index] with { Duration = duration };
                }
            }

            if (!silent)
            {
                QueueStatusCallback(leg, status);
            }

            leg.Callbacks?.Writer.TryComplete();
        }

        leg.Life.Cancel();
        if (leftQueue is not null)
        {
            logger.QueueLeft(leg.Sid, leftQueue);
        }

        logger.CallEnded(leg.Sid, status.Wire(), duration);
        Notify();
        return true;
    }

    /// <summary>Hangs up a leg from outside: answered legs complete, others are canceled.</summary>
    private void HangUp(CallLeg leg) => End(leg, Read(leg, l => l.IsAnswered) ? CallStatus.Completed : CallStatus.Canceled);

    private static void CountLive(SimulatorState s, CallLeg leg)
    {
        if (leg.Direction == CallDirection.OutboundApi && !leg.CountedOutboundApi)
        {
            leg.CountedOutboundApi = true;
            s.LiveOutboundApi++;
            s.MaxConcurrentCalls = Math.Max(s.MaxConcurrentCalls, s.LiveOutboundApi);
        }

        if (leg.Direction != CallDirection.Inbound && !leg.CountedPerNumber)
        {
            leg.CountedPerNumber = true;
            var live = s.LivePerNumber.GetValueOrDefault(leg.To) + 1;
            s.LivePerNumber[leg.To] = live;
            s.MaxConcurrentPerNumber = Math.Max(s.MaxConcurrentPerNumber, live);
        }
    }

    private string CreateRecording(CallLeg leg)
    {
        var sid = Sids.New("RE");
        var url = new Uri(BaseUrl, $"/2010-04-01/Accounts/{options.AccountSid}/Recordings/{sid}").AbsoluteUri;
        leg.State.Recordings.Add(new SimulatedRecording(sid, leg.Sid, time.GetUtcNow(), null, url, false));
        leg.RecordingSids.Add(sid);
        return url;
    }

    private void StartTimeLimit(CallLeg leg)
    {
        var version = leg.TimeLimitVersion;
        var limit = TimeSpan.FromSeconds(leg.TimeLimitSeconds!.Value);
        var remaining = limit - (time.GetUtcNow() - leg.AnsweredAt!.Value);
        tasks.Run(async () =>
        {
            try
            {
                await DelayAsync(Math.Max(0, remaining.TotalSeconds), leg.Life.Token).ConfigureAwait(false);
                if (Read(leg, l => l.TimeLimitVersion == version))
                {
                    End(leg, CallStatus.Completed);
                }
            }
            catch (OperationCanceledException)
            {
                // The call ended first.
            }
        });
    }

    private void RecordError(SimulatorState s, int code, string message, string? callSid, Uri? url, bool webhookFailure = false)
    {
        lock (s.Sync)
        {
            s.Errors.Add(new SimulatorError(time.GetUtcNow(), code, message, callSid, url?.AbsoluteUri));
            if (webhookFailure)
            {
                s.WebhookFailures++;
            }
        }

        logger.ErrorRecorded(code, callSid, url?.GetLeftPart(UriPartial.Path), message);
        Notify();
    }

    /// <summary>Scripted durations run at <see cref="SimulatorOptions.TimeScale"/>.</summary>
    private Task DelayAsync(double seconds, CancellationToken ct)
    {
        var scaled = seconds * options.TimeScale;
        if (scaled <= 0)
        {
            ct.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        }

        return Task.Delay(TimeSpan.FromSeconds(scaled), time, ct);
    }

    // ---- the CPS queue -------------------------------------------------------------------------------------------

    /// <summary>Releases REST-created calls from <c>queued</c> at <see cref="SimulatorOptions.CallsPerSecond"/>, in aggregate (TWILIO.md §7).</summary>
    private async Task ReleaseQueuedCallsAsync(SimulatorState s)
    {
        try
        {
            await foreach (var leg in s.CpsQueue.Reader.ReadAllAsync(s.Token).ConfigureAwait(false))
            {
                lock (s.Sync)
                {
                    s.QueuedCount--;
                    if (leg.Status != CallStatus.Queued)
                    {
                        continue;
                    }
                }

                var cps = options.CallsPerSecond;
                if (cps > 0)
                {
                    var now = time.GetUtcNow();
                    if (s.NextRelease > now)
                    {
                        await Task.Delay(s.NextRelease - now, time, s.Token).ConfigureAwait(false);
                    }

                    var releasedAt = time.GetUtcNow();
                    lock (s.Sync)
                    {
                        s.NextRelease = (s.NextRelease > releasedAt ? s.NextRelease : releasedAt) + TimeSpan.FromSeconds(1 / cps);
                    }
                }

                var queuedFor = time.GetUtcNow() - leg.DateCreated;
                if (Read(leg, l => l.Status != CallStatus.Queued))
                {
                    continue;
                }

                if (queuedFor > TimeSpan.FromHours(24))
                {
                    End(leg, CallStatus.Canceled, silent: true);
                    continue;
                }

                logger.CallReleased(leg.Sid, (long)queuedFor.TotalMilliseconds);
                SetStatus(leg, CallStatus.Initiated);
                tasks.Run(() => RunOutboundAsync(leg));
            }
        }
        catch (OperationCanceledException)
        {
            // Reset or shutdown.
        }
    }

    // ---- status callbacks ----------------------------------------------------------------------------------------

    /// <summary>The request parameters every webhook carries (TWILIO.md §3.1). Call under the leg's lock.</summary>
    private List<KeyValuePair<string, string>> BaseParameters(CallLeg leg)
    {
        var p = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", options.AccountSid),
            new("ApiVersion", "2010-04-01"),
            new("CallSid", leg.Sid),
            new("CallStatus", leg.Status.Wire()),
            new("CallToken", leg.CallToken),
            new("Called", leg.To),
            new("Caller", leg.From),
            new("Direction", leg.Direction.Wire()),
            new("From", leg.From),
            new("To", leg.To),
        };
        if (leg.ParentCallSid is { } parent)
        {
            p.Add(new("ParentCallSid", parent));
        }

        return p;
    }

    private List<KeyValuePair<string, string>> BaseParametersLocked(CallLeg leg)
    {
        lock (leg.State.Sync)
        {
            return BaseParameters(leg);
        }
    }

    /// <summary>Queues the status callback for a status change if the leg subscribed to it. Call under the lock.</summary>
    private void QueueStatusCallback(CallLeg leg, CallStatus status)
    {
        if (leg.StatusCallback is not { } url)
        {
            return;
        }

        var name = status switch
        {
            CallStatus.Initiated => "initiated",
            CallStatus.Ringing => "ringing",
            CallStatus.InProgress => "answered",
            _ when status.IsTerminal() => "completed",
            _ => null,
        };
        if (name is null || !leg.StatusCallbackEvents.Contains(name))
        {
            return;
        }

        var p = BaseParameters(leg);
        p.Add(new("Timestamp", Rfc2822.Format(time.GetUtcNow())));
        p.Add(new("CallbackSource", "call-progress-events"));
        p.Add(new("SequenceNumber", leg.SequenceNumber++.ToString(CultureInfo.InvariantCulture)));
        if (status.IsTerminal())
        {
            var seconds = status == CallStatus.Completed ? leg.DurationSeconds ?? 0 : 0;
            p.Add(new("CallDuration", seconds.ToString(CultureInfo.InvariantCulture)));
            p.Add(new("Duration", ((seconds + 59) / 60).ToString(CultureInfo.InvariantCulture)));
            p.Add(new("SipResponseCode", status switch
            {
                CallStatus.Completed => "200",
                CallStatus.Busy => "486",
                CallStatus.Failed => "404",
                _ => "487",
            }));
            if (leg.Record && leg.RecordingSids.Count > 0)
            {
                var recording = leg.State.Recordings.Find(r => r.Sid == leg.RecordingSids[0])!;
                p.Add(new("RecordingUrl", recording.Url));
                p.Add(new("RecordingSid", recording.Sid));
                p.Add(new("RecordingDuration", seconds.ToString(CultureInfo.InvariantCulture)));
            }
        }

        if (leg.Callbacks is null)
        {
            var channel = Channel.CreateUnbounded<StatusCallbackItem>(new UnboundedChannelOptions { SingleReader = true });
            leg.Callbacks = channel;
            tasks.Run(() => DeliverStatusCallbacksAsync(leg, channel));
        }

        leg.Callbacks.Writer.TryWrite(new StatusCallbackItem(url, leg.StatusCallbackMethod, p));
    }

    /// <summary>One delivery loop per leg keeps its callbacks in order, unless the faults ask for disorder.</summary>
    private async Task DeliverStatusCallbacksAsync(CallLeg leg, Channel<StatusCallbackItem> channel)
    {
        var s = leg.State;
        try
        {
            if (Read(leg, l => l.State.Faults.ShuffleStatusCallbacks))
            {
                var held = new List<StatusCallbackItem>();
                await foreach (var item in channel.Reader.ReadAllAsync(s.Token).ConfigureAwait(false))
                {
                    held.Add(item);
                }

                held.Reverse();
                foreach (var item in held)
                {
                    await DeliverStatusCallbackAsync(leg, item).ConfigureAwait(false);
                }
            }
            else
            {
                await foreach (var item in channel.Reader.ReadAllAsync(s.Token).ConfigureAwait(false))
                {
                    await DeliverStatusCallbackAsync(leg, item).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reset or shutdown.
        }
    }

    private async Task DeliverStatusCallbackAsync(CallLeg leg, StatusCallbackItem item)
    {
        var faults = Read(leg, l => l.State.Faults);
        if (faults.StatusCallbackDelayMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(faults.StatusCallbackDelayMs), time, leg.State.Token).ConfigureAwait(false);
        }

        for (var copy = 0; copy < (faults.DuplicateStatusCallbacks ? 2 : 1); copy++)
        {
            var (response, _) = await SendWebhookAsync(leg, item.Url, item.Method, item.Parameters, leg.State.Token).ConfigureAwait(false);
            if (response is { StatusCode: >= 200 and < 300 } ok && !string.IsNullOrWhiteSpace(ok.Body) && !IsTwimlMediaType(ok.MediaType))
            {
                // TWILIO.md §3.2: answer 204 or 200 text/xml <Response/>; anything else is a Debugger warning.
                RecordError(leg.State, WebhookErrors.BadContentType, $"status callback answered {ok.MediaType ?? "no Content-Type"}; expected 204 or text/xml", leg.Sid, item.Url);
            }
        }
    }

    /// <summary>Sends a webhook for a leg and records failures (11200/11205/11215/11217) as simulator errors.</summary>
    private async Task<(WebhookResponse? Response, int ErrorCode)> SendWebhookAsync(
        CallLeg leg, Uri url, string method, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        var s = leg.State;
        lock (s.Sync)
        {
            s.WebhookRequests++;
        }

        var (response, failure) = await webhooks.SendAsync(url, method, parameters, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            RecordError(s, failure.Code, failure.Message, leg.Sid, url, webhookFailure: true);
            return (null, failure.Code);
        }

        logger.WebhookAnswered(leg.Sid, method, url.GetLeftPart(UriPartial.Path), response!.StatusCode);
        if (response.StatusCode is < 200 or >= 300)
        {
            RecordError(s, WebhookErrors.ErrorResponse, $"webhook answered HTTP {response.StatusCode}", leg.Sid, url, webhookFailure: true);
            return (response, WebhookErrors.ErrorResponse);
        }

        return (response, 0);
    }

    private static bool IsTwimlMediaType(string? mediaType) =>
        mediaType is not null &&
        (mediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase) ||
         mediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase) ||
         mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
