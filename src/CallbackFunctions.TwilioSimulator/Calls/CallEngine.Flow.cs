using System.Globalization;
using CallbackFunctions.TwilioSimulator.Twiml;
using CallbackFunctions.TwilioSimulator.Webhooks;

namespace CallbackFunctions.TwilioSimulator.Calls;

internal enum OutcomeKind
{
    EndOfDocument,
    Hangup,
    Leave,
    Failed,
    Next,
}

/// <summary>How a TwiML document finished.</summary>
internal sealed record Outcome(OutcomeKind Kind, DocRequest? Next = null)
{
    public static readonly Outcome EndOfDocument = new(OutcomeKind.EndOfDocument);
    public static readonly Outcome Hangup = new(OutcomeKind.Hangup);
    public static readonly Outcome Leave = new(OutcomeKind.Leave);
    public static readonly Outcome Failed = new(OutcomeKind.Failed);

    public static Outcome Then(DocRequest next) => new(OutcomeKind.Next, next);
}

/// <summary>Call flows: ringing a person, fetching and running TwiML (TWILIO.md §4).</summary>
internal sealed partial class CallEngine
{
    private async Task RunOutboundAsync(CallLeg leg)
    {
        var ct = leg.Life.Token;
        try
        {
            var person = AssignPerson(leg);
            if (!await RingAsync(leg, person, Read(leg, l => l.TimeoutSeconds), ct).ConfigureAwait(false))
            {
                return;
            }

            var (amd, asyncAmd, source) = Read(leg, l => (l.MachineDetection, l.AsyncAmd, l.Source!));
            var answeredBy = AnsweredBy(amd, person.Answer);
            if (!Answer(leg, answeredBy))
            {
                return;
            }

            if (answeredBy is not null && asyncAmd)
            {
                tasks.Run(() => SendAsyncAmdResultAsync(leg, answeredBy));
            }

            // TWILIO.md §5: with synchronous AMD the request to Url carries AnsweredBy.
            if (answeredBy is not null && !asyncAmd && source.Twiml is null)
            {
                source = source with { Extra = [.. source.Extra, new("AnsweredBy", answeredBy)] };
            }

            await RunMainAsync(leg, source).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Hung up, canceled, reset or shut down.
        }
        catch (Exception ex)
        {
            Crashed(leg, ex);
        }
    }

    private async Task RunInboundAsync(CallLeg leg)
    {
        var ct = leg.Life.Token;
        try
        {
            await RunMainAsync(leg, Read(leg, l => l.Source!)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Hung up, reset or shut down.
        }
        catch (Exception ex)
        {
            Crashed(leg, ex);
        }
    }

    private void Crashed(CallLeg leg, Exception ex)
    {
        RecordError(leg.State, SimulatorFault, $"simulator fault: {ex}", leg.Sid, null);
        End(leg, Read(leg, l => l.IsAnswered) ? CallStatus.Completed : CallStatus.Failed);
    }

    /// <summary>Runs a leg's own TwiML to its end, then hangs up (TWILIO.md §4: end of document = hang up).</summary>
    private async Task RunMainAsync(CallLeg leg, DocRequest first)
    {
        lock (leg.State.Sync)
        {
            leg.RunningTwiml = true;
        }

        var outcome = await RunAsync(leg, first, DocumentKind.Main, handleRedirects: true, CancellationToken.None).ConfigureAwait(false);
        var answered = Read(leg, l => l.IsAnswered);
        End(leg, outcome.Kind == OutcomeKind.Failed && !answered ? CallStatus.Failed : CallStatus.Completed);
    }

    private PersonResponse AssignPerson(CallLeg leg)
    {
        lock (leg.State.Sync)
        {
            var person = leg.State.NextResponse(leg.To);
            leg.Person = person;
            EnqueueDigits(leg, person.Digits);
            return person;
        }
    }

    /// <summary>Rings the person per their script. True when they answer; otherwise the leg has ended.</summary>
    private async Task<bool> RingAsync(CallLeg leg, PersonResponse person, int timeoutSeconds, CancellationToken ct)
    {
        if (person.Answer == PersonAnswer.Failed)
        {
            await DelayAsync(Math.Min(person.RingSeconds, timeoutSeconds), ct).ConfigureAwait(false);
            End(leg, CallStatus.Failed);
            return false;
        }

        SetStatus(leg, CallStatus.Ringing);
        if (person.Answer == PersonAnswer.NoAnswer || person.RingSeconds > timeoutSeconds)
        {
            await DelayAsync(timeoutSeconds, ct).ConfigureAwait(false);
            End(leg, CallStatus.NoAnswer);
            return false;
        }

        await DelayAsync(person.RingSeconds, ct).ConfigureAwait(false);
        if (person.Answer == PersonAnswer.Busy)
        {
            End(leg, CallStatus.Busy);
            return false;
        }

        return true;
    }

    /// <summary>TWILIO.md §5: AnsweredBy per MachineDetection mode; none without AMD.</summary>
    private static string? AnsweredBy(string? machineDetection, PersonAnswer answer) => machineDetection switch
    {
        null => null,
        "Enable" => answer == PersonAnswer.Machine ? "machine_start" : "human",
        _ => answer == PersonAnswer.Machine ? "machine_end_beep" : "human",
    };

    private async Task SendAsyncAmdResultAsync(CallLeg leg, string answeredBy)
    {
        var (url, method) = Read(leg, l => (l.AsyncAmdStatusCallback, l.AsyncAmdStatusCallbackMethod));
        if (url is null)
        {
            RecordError(leg.State, 21262, "AsyncAmd without AsyncAmdStatusCallback: the result is only on the Call resource", leg.Sid, null);
            return;
        }

        try
        {
            await DelayAsync(0.5, leg.State.Token).ConfigureAwait(false);
            var p = new List<KeyValuePair<string, string>>
            {
                new("AccountSid", options.AccountSid),
                new("AnsweredBy", answeredBy),
                new("CallSid", leg.Sid),
                new("MachineDetectionDuration", ((int)(500 * options.TimeScale)).ToString(CultureInfo.InvariantCulture)),
            };
            await SendWebhookAsync(leg, url, method, p, leg.State.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Reset or shutdown.
        }
    }

    private bool TryTakeRedirect(CallLeg leg, out DocRequest request)
    {
        lock (leg.State.Sync)
        {
            return leg.TakeRedirect(out request);
        }
    }

    /// <summary>
    /// Fetches and runs documents until one ends without asking for another. A REST redirect interrupts the running
    /// document (when <paramref name="handleRedirects"/>); <paramref name="scope"/> bounds nested runs (waitUrl).
    /// </summary>
    private async Task<Outcome> RunAsync(CallLeg leg, DocRequest first, DocumentKind kind, bool handleRedirects, CancellationToken scope)
    {
        var request = first;
        while (true)
        {
            CancellationToken step;
            lock (leg.State.Sync)
            {
                step = leg.Step.Token;

                // waitUrl documents loop by design (bounded by the scripted wait); everything else counts.
                if (kind != DocumentKind.Wait && ++leg.Documents > MaxDocumentsPerCall)
                {
                    RecordError(leg.State, TwimlParser.SchemaViolation, $"more than {MaxDocumentsPerCall} TwiML documents on one call: a loop?", leg.Sid, request.Url);
                    return Outcome.Failed;
                }
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(step, scope);
            try
            {
                var document = await LoadAsync(leg, request, kind, linked.Token).ConfigureAwait(false);
                if (document is null)
                {
                    return Outcome.Failed;
                }

                var outcome = await ExecuteAsync(leg, document, kind, linked.Token).ConfigureAwait(false);
                if (outcome.Next is { } next)
                {
                    request = next;
                    continue;
                }

                return outcome;
            }
            catch (OperationCanceledException) when (handleRedirects && !scope.IsCancellationRequested && TryTakeRedirect(leg, out var redirect))
            {
                request = redirect;
                kind = DocumentKind.Main;
            }
            catch (CallFlowException ex)
            {
                RecordError(leg.State, ex.Code, ex.Message, leg.Sid, ex.Url ?? request.Url);
                return Outcome.Failed;
            }
        }
    }

    /// <summary>Gets a TwiML document: inline, or by a signed request to its URL, with the FallbackUrl on failure (TWILIO.md §7).</summary>
    private async Task<TwimlDocument?> LoadAsync(CallLeg leg, DocRequest request, DocumentKind kind, CancellationToken ct)
    {
        if (request.Twiml is { } inline)
        {
            return Parse(leg, inline, kind, null);
        }

        var url = request.Url!;
        var parameters = BaseParametersLocked(leg);
        parameters.AddRange(request.Extra);
        var (document, errorCode) = await FetchAsync(leg, url, request.Method, parameters, kind, ct).ConfigureAwait(false);
        if (document is not null || kind != DocumentKind.Main)
        {
            return document;
        }

        var (fallback, fallbackMethod) = Read(leg, l => (l.FallbackUrl, l.FallbackMethod));
        if (fallback is null)
        {
            return null;
        }

        parameters.Add(new("ErrorCode", errorCode.ToString(CultureInfo.InvariantCulture)));
        parameters.Add(new("ErrorUrl", url.AbsoluteUri));
        (document, _) = await FetchAsync(leg, fallback, fallbackMethod, parameters, kind, ct).ConfigureAwait(false);
        return document;
    }

    private async Task<(TwimlDocument? Document, int ErrorCode)> FetchAsync(
        CallLeg leg, Uri url, string method, List<KeyValuePair<string, string>> parameters, DocumentKind kind, CancellationToken ct)
    {
        var (response, errorCode) = await SendWebhookAsync(leg, url, method, parameters, ct).ConfigureAwait(false);
        if (response is null || errorCode != 0)
        {
            return (null, errorCode);
        }

        if (!IsTwimlMediaType(response.MediaType))
        {
            RecordError(leg.State, WebhookErrors.BadContentType, $"TwiML answered with Content-Type '{response.MediaType ?? "(none)"}'; expected text/xml, application/xml or text/html", leg.Sid, url);
            return (null, WebhookErrors.BadContentType);
        }

        var document = Parse(leg, response.Body, kind, url);
        return (document, document is null ? TwimlParser.SchemaViolation : 0);
    }

    private TwimlDocument? Parse(CallLeg leg, string xml, DocumentKind kind, Uri? url)
    {
        var (document, error) = TwimlParser.Parse(xml, kind, url);
        if (error is not null)
        {
            RecordError(leg.State, error.Code, error.Message, leg.Sid, url);
        }

        return document;
    }

    private async Task<Outcome> ExecuteAsync(CallLeg leg, TwimlDocument document, DocumentKind kind, CancellationToken ct)
    {
        foreach (var verb in document.Verbs)
        {
            ct.ThrowIfCancellationRequested();
            if (kind == DocumentKind.Main && verb is not RejectVerb && verb is not DialVerb { AnswerOnBridge: true })
            {
                EnsureAnswered(leg);
            }

            logger.Verb(leg.Sid, verb.GetType().Name[..^4]);
            switch (verb)
            {
                case SayVerb say:
                    Hear(leg, say.Text, say.Loop);
                    break;
                case PlayVerb play:
                    if (play.Url is { } media)
                    {
                        Hear(leg, media.AbsoluteUri, play.Loop);
                    }

                    break;
                case PauseVerb pause:
                    await DelayAsync(pause.Length, ct).ConfigureAwait(false);
                    break;
                case GatherVerb gather:
                    if (await GatherAsync(leg, gather, ct).ConfigureAwait(false) is { } gathered)
                    {
                        return Outcome.Then(gathered);
                    }

                    break;
                case DialVerb dial:
                    if (await DialAsync(leg, dial, ct).ConfigureAwait(false) is { } dialed)
                    {
                        return Outcome.Then(dialed);
                    }

                    break;
                case EnqueueVerb enqueue:
                    if (await EnqueueAsync(leg, enqueue, ct).ConfigureAwait(false) is { } dequeued)
                    {
                        return dequeued;
                    }

                    break;
                case RedirectVerb redirect:
                    lock (leg.State.Sync)
                    {
                        if (kind != DocumentKind.Wait && ++leg.Redirects > MaxRedirects)
                        {
                            throw new CallFlowException(WebhookErrors.TooManyRedirects, $"more than {MaxRedirects} <Redirect>s on one call", redirect.Url);
                        }
                    }

                    return Outcome.Then(DocRequest.Fetch(redirect.Url, redirect.Method));
                case RejectVerb reject:
                    var unanswered = Read(leg, l => l.Direction == CallDirection.Inbound && !l.IsAnswered);
                    End(leg, !unanswered ? CallStatus.Completed : reject.Reason == "busy" ? CallStatus.Busy : CallStatus.NoAnswer);
                    return Outcome.Hangup;
                case HangupVerb:
                    return Outcome.Hangup;
                case LeaveVerb:
                    return Outcome.Leave;
                default:
                    throw new CallFlowException(TwimlParser.SchemaViolation, $"the simulator cannot run {verb.GetType().Name}");
            }
        }

        return Outcome.EndOfDocument;
    }

    private void Hear(CallLeg leg, string text, int loop)
    {
        lock (leg.State.Sync)
        {
            for (var i = 0; i < Math.Max(1, loop); i++)
            {
                leg.Heard.Add(text);
            }
        }

        Notify();
    }

    /// <summary>TWILIO.md §4 Gather: play the children, then the person's digits go to action; none = next verb.</summary>
    private async Task<DocRequest?> GatherAsync(CallLeg leg, GatherVerb gather, CancellationToken ct)
    {
        foreach (var child in gather.Children)
        {
            switch (child)
            {
                case SayVerb say:
                    Hear(leg, say.Text, say.Loop);
                    break;
                case PlayVerb { Url: { } media } play:
                    Hear(leg, media.AbsoluteUri, play.Loop);
                    break;
                case PauseVerb pause:
                    await DelayAsync(pause.Length, ct).ConfigureAwait(false);
                    break;
            }
        }

        string? digits = null;
        lock (leg.State.Sync)
        {
            if (gather.Dtmf && leg.PendingDigits.TryDequeue(out var pressed))
            {
                digits = pressed;
                if (gather.FinishOnKey.Length == 1 && digits.IndexOf(gather.FinishOnKey[0], StringComparison.Ordinal) is var at and >= 0)
                {
                    digits = digits[..at];
                }

                if (gather.NumDigits is { } n && digits.Length > n)
                {
                    digits = digits[..n];
                }

                leg.DigitsPressed.Append(digits);
            }
        }

        if (!string.IsNullOrEmpty(digits))
        {
            logger.DigitsPressed(leg.Sid, digits.Length);
            Notify();
            return DocRequest.Fetch(gather.Action, gather.Method, new KeyValuePair<string, string>("Digits", digits));
        }

        await DelayAsync(gather.Timeout, ct).ConfigureAwait(false);
        return gather.ActionOnEmptyResult ? DocRequest.Fetch(gather.Action, gather.Method) : null;
    }

    /// <summary>
    /// TWILIO.md §4 Enqueue: the caller joins the back of the queue and waits (running waitUrl documents) for the
    /// scripted time, then leaves it and the scripted QueueResult goes to action. Null = carry on with the next verb.
    /// </summary>
    private async Task<Outcome?> EnqueueAsync(CallLeg leg, EnqueueVerb enqueue, CancellationToken ct)
    {
        var (scripted, waitSeconds) = Read(leg, l => (l.QueueOutcome, l.QueueWaitSeconds));
        var queueSid = QueueSid(enqueue.QueueName);
        var member = JoinQueue(leg, enqueue.QueueName, queueSid);
        if (member is null && Read(leg, l => l.IsEnded))
        {
            return Outcome.Hangup;
        }

        string result;
        if (member is not null)
        {
            try
            {
                result = await WaitInQueueAsync(leg, enqueue, member, waitSeconds, scripted, ct).ConfigureAwait(false);
            }
            finally
            {
                // Whatever ended the wait (a result, a REST redirect, the call ending), the call is out of the queue
                // before its action is requested.
                LeaveQueue(leg);
            }
        }
        else
        {
            result = "queue-full";
        }

        logger.QueueResult(leg.Sid, enqueue.QueueName, result);

        var extra = new List<KeyValuePair<string, string>> { new("QueueResult", result) };
        if (member is not null)
        {
            extra.Add(new("QueueSid", queueSid));
            extra.Add(new("QueueTime", WaitingQueue.WaitedSeconds(member, time.GetUtcNow()).ToString(CultureInfo.InvariantCulture)));
        }

        if (result == "hangup")
        {
            // The caller is gone: the action still hears about it, but its TwiML has nobody to play to.
            End(leg, CallStatus.Completed);
            if (enqueue.Action is { } gone)
            {
                var p = BaseParametersLocked(leg);
                p.AddRange(extra);
                await SendWebhookAsync(leg, gone, enqueue.Method, p, leg.State.Token).ConfigureAwait(false);
            }

            return Outcome.Hangup;
        }

        return enqueue.Action is { } action ? Outcome.Then(new DocRequest(action, enqueue.Method, null, extra)) : null;
    }

    private async Task<string> WaitInQueueAsync(
        CallLeg leg, EnqueueVerb enqueue, QueueMember member, double waitSeconds, QueueOutcome scripted, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(0, waitSeconds * options.TimeScale)), time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            if (enqueue.WaitUrl is { } waitUrl)
            {
                // Twilio re-requests waitUrl whenever its document runs out; at most once a (scaled) second here.
                var minimumPeriod = TimeSpan.FromSeconds(Math.Max(0.1, options.TimeScale));
                while (true)
                {
                    var started = time.GetUtcNow();
                    if (WaitUrlParameters(leg, member) is not { } queueParameters)
                    {
                        // Out of the queue only because the call just ended: its life token is about to trip.
                        await Task.Delay(Timeout.InfiniteTimeSpan, time, leg.Life.Token).ConfigureAwait(false);
                        break;
                    }

                    // Only this first request carries the queue parameters: a <Gather> action or <Redirect> it leads to
                    // is requested with the standard ones (TWILIO.md §4), yet still runs as a waitUrl document.
                    var request = DocRequest.Fetch(waitUrl, enqueue.WaitUrlMethod, queueParameters);
                    var outcome = await RunAsync(leg, request, DocumentKind.Wait, handleRedirects: false, waiting.Token).ConfigureAwait(false);
                    if (outcome.Kind == OutcomeKind.Leave)
                    {
                        return "leave";
                    }

                    if (outcome.Kind == OutcomeKind.Hangup)
                    {
                        return "hangup";
                    }

                    if (outcome.Kind == OutcomeKind.Failed)
                    {
                        break;
                    }

                    var elapsed = time.GetUtcNow() - started;
                    if (elapsed < minimumPeriod)
                    {
                        await Task.Delay(minimumPeriod - elapsed, time, waiting.Token).ConfigureAwait(false);
                    }
                }
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, time, waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // The scripted wait is over.
        }

        return scripted switch
        {
            QueueOutcome.Bridged => "bridged",
            QueueOutcome.Leave => "leave",
            QueueOutcome.Error => "error",
            QueueOutcome.SystemError => "system-error",
            _ => "hangup",
        };
    }
}
