using System.Globalization;
using CallbackFunctions.TwilioSimulator.Support;
using CallbackFunctions.TwilioSimulator.Twiml;

namespace CallbackFunctions.TwilioSimulator.Calls;

/// <summary>The legs of one &lt;Dial&gt;: the first to answer (and survive its whisper) wins (TWILIO.md §4).</summary>
internal sealed class DialAttempt(int legs)
{
    private readonly TaskCompletionSource<CallLeg?> winner = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> failures = [];
    private int pending = legs;

    public Task<CallLeg?> Winner => winner.Task;

    public bool TryWin(CallLeg leg)
    {
        lock (failures)
        {
            return winner.TrySetResult(leg);
        }
    }

    public void Fail(string status)
    {
        lock (failures)
        {
            failures.Add(status);
            if (--pending == 0)
            {
                winner.TrySetResult(null);
            }
        }
    }

    /// <summary>DialCallStatus when nobody was bridged. A callee whose whisper hung up counts as completed, not bridged.</summary>
    public string FailureStatus
    {
        get
        {
            lock (failures)
            {
                foreach (var status in new[] { "completed", "busy", "no-answer", "canceled" })
                {
                    if (failures.Contains(status))
                    {
                        return status;
                    }
                }

                return "failed";
            }
        }
    }
}

internal sealed partial class CallEngine
{
    private const int InvalidCallerId = 13214;

    /// <summary>
    /// &lt;Dial&gt;: ring the numbers as outbound-dial child legs, run the winner's &lt;Number url&gt; whisper, bridge
    /// until the callee's talkSeconds end, then hand the result to action (or carry on without one).
    /// </summary>
    private async Task<DocRequest?> DialAsync(CallLeg parent, DialVerb dial, CancellationToken ct)
    {
        var callerId = CallerIdFor(parent, dial);
        var children = dial.Numbers.Select(n => (Leg: CreateChild(parent, n, callerId), Number: n)).ToList();
        var attempt = new DialAttempt(children.Count);
        foreach (var (leg, number) in children)
        {
            tasks.Run(() => RunChildAsync(leg, number, dial, attempt));
        }

        CallLeg? winner;
        try
        {
            winner = await attempt.Winner.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            children.ForEach(c => HangUp(c.Leg));
            throw;
        }

        foreach (var (leg, _) in children.Where(c => c.Leg != winner))
        {
            HangUp(leg);
        }

        var dialStatus = attempt.FailureStatus;
        var bridged = false;
        int? dialDuration = null;
        string? recordingUrl = null;
        if (winner is not null)
        {
            EnsureAnswered(parent);
            CancellationToken winnerStep;
            double talkSeconds;
            lock (parent.State.Sync)
            {
                parent.BridgedWith = winner.Sid;
                winner.BridgedWith = parent.Sid;
                winnerStep = winner.Step.Token;
                talkSeconds = winner.Person?.TalkSeconds ?? 1;
                if (dial.Records)
                {
                    recordingUrl = CreateRecording(parent);
                }
            }

            logger.Bridged(parent.Sid, winner.Sid);
            Notify();
            if (recordingUrl is not null)
            {
                SendRecordingStatus(parent, dial, "in-progress", null);
            }

            bridged = true;
            dialStatus = "completed";
            using var bridge = CancellationTokenSource.CreateLinkedTokenSource(ct, winner.Life.Token, winnerStep);
            try
            {
                // TimeLimit counts real (scaled) seconds just like talkSeconds.
                await DelayAsync(Math.Min(talkSeconds, dial.TimeLimit), bridge.Token).ConfigureAwait(false);
                End(winner, CallStatus.Completed);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The callee hung up through the REST API, or was redirected out of the bridge.
            }
            catch (OperationCanceledException)
            {
                if (!Read(winner, l => l.PendingRedirect is not null))
                {
                    End(winner, CallStatus.Completed);
                }

                throw;
            }

            lock (parent.State.Sync)
            {
                // A child redirected out of the bridge has no DialCallDuration (TWILIO.md §4).
                dialDuration = winner.IsEnded ? winner.DurationSeconds : null;
                var recordingSid = parent.RecordingSids.LastOrDefault();
                var index = recordingUrl is null ? -1 : parent.State.Recordings.FindIndex(r => r.Sid == recordingSid);
                if (index >= 0)
                {
                    parent.State.Recordings[index] = parent.State.Recordings[index] with { Duration = dialDuration ?? 0 };
                }
            }

            if (recordingUrl is not null)
            {
                SendRecordingStatus(parent, dial, "completed", dialDuration ?? 0);
            }
        }

        if (dial.Action is not { } action)
        {
            return null;
        }

        var extra = new List<KeyValuePair<string, string>>
        {
            new("DialCallStatus", dialStatus),
            new("DialCallSid", (winner ?? children[0].Leg).Sid),
        };
        if (dialDuration is { } seconds)
        {
            extra.Add(new("DialCallDuration", seconds.ToString(CultureInfo.InvariantCulture)));
        }

        extra.Add(new("DialBridged", bridged ? "true" : "false"));
        if (recordingUrl is not null)
        {
            extra.Add(new("RecordingUrl", recordingUrl));
        }

        return new DocRequest(action, dial.Method, null, extra);
    }

    /// <summary>
    /// A &lt;Dial record&gt; recording's status callback, if subscribed: sent on its own, like Twilio's (the CallSid is the
    /// parent leg's, which the recording belongs to), while the call carries on.
    /// </summary>
    private void SendRecordingStatus(CallLeg parent, DialVerb dial, string status, int? durationSeconds)
    {
        if (dial.RecordingStatusCallback is not { } url || !dial.RecordingStatusCallbackEvents.Contains(status))
        {
            return;
        }

        SimulatedRecording? recording;
        lock (parent.State.Sync)
        {
            var sid = parent.RecordingSids.LastOrDefault();
            recording = parent.State.Recordings.Find(r => r.Sid == sid);
        }

        if (recording is null)
        {
            return;
        }

        var p = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", options.AccountSid),
            new("CallSid", parent.Sid),
            new("RecordingSid", recording.Sid),
            new("RecordingUrl", recording.Url),
            new("RecordingStatus", status),
            new("RecordingChannels", dial.RecordsDual ? "2" : "1"),
            new("RecordingStartTime", Rfc2822.Format(recording.DateCreated)),
            new("RecordingSource", "DialVerb"),
        };
        if (durationSeconds is { } seconds)
        {
            p.Add(new("RecordingDuration", seconds.ToString(CultureInfo.InvariantCulture)));
        }

        tasks.Run(async () =>
        {
            try
            {
                await SendWebhookAsync(parent, url, dial.RecordingStatusCallbackMethod, p, parent.State.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Reset or shutdown.
            }
        });
    }

    /// <summary>callerId must be ours (or, on an inbound call, the caller's own number passed through); default = the caller's number.</summary>
    private string CallerIdFor(CallLeg parent, DialVerb dial)
    {
        var (from, inbound) = Read(parent, l => (l.From, l.Direction == CallDirection.Inbound));
        if (dial.CallerId is not { } callerId)
        {
            return from;
        }

        var ours = options.OwnedNumbers.Count == 0 || options.OwnedNumbers.Contains(callerId) || (inbound && callerId == from);
        return PhoneNumbers.IsE164(callerId) && ours
            ? callerId
            : throw new CallFlowException(InvalidCallerId, $"<Dial callerId=\"{callerId}\"> is not one of the account's numbers");
    }

    private CallLeg CreateChild(CallLeg parent, DialNumber number, string callerId)
    {
        var s = parent.State;
        var child = new CallLeg(s, Sids.New("CA"), CallDirection.OutboundDial, callerId, number.Number, time.GetUtcNow())
        {
            ParentCallSid = parent.Sid,
            StatusCallback = number.StatusCallback,
            StatusCallbackMethod = number.StatusCallbackMethod,
            StatusCallbackEvents = number.StatusCallbackEvents,
            MachineDetection = number.MachineDetection,
        };
        lock (s.Sync)
        {
            Add(s, child);
        }

        logger.Dialing(parent.Sid, child.Sid, child.To);
        Notify();
        return child;
    }

    /// <summary>One dialed leg: never queued, no CPS (TWILIO.md §4). Rings, whispers, then stays bridged until hung up.</summary>
    private async Task RunChildAsync(CallLeg child, DialNumber number, DialVerb dial, DialAttempt attempt)
    {
        var reported = false;
        try
        {
            SetStatus(child, CallStatus.Initiated);
            var person = AssignPerson(child);
            if (!await RingAsync(child, person, dial.Timeout, child.Life.Token).ConfigureAwait(false))
            {
                return;
            }

            var answeredBy = AnsweredBy(number.MachineDetection, person.Answer);
            if (!Answer(child, answeredBy))
            {
                return;
            }

            lock (child.State.Sync)
            {
                child.RunningTwiml = true;
            }

            if (number.Url is { } whisper)
            {
                var request = answeredBy is null
                    ? DocRequest.Fetch(whisper, number.Method)
                    : DocRequest.Fetch(whisper, number.Method, new KeyValuePair<string, string>("AnsweredBy", answeredBy));
                var outcome = await RunAsync(child, request, DocumentKind.Whisper, handleRedirects: false, CancellationToken.None).ConfigureAwait(false);
                if (outcome.Kind != OutcomeKind.EndOfDocument)
                {
                    // The callee's whisper hung up (or failed): answered, but never bridged.
                    End(child, CallStatus.Completed);
                    return;
                }
            }

            if (!attempt.TryWin(child))
            {
                End(child, CallStatus.Completed);
                return;
            }

            reported = true;
            CancellationToken step;
            lock (child.State.Sync)
            {
                step = child.Step.Token;
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, time, step).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Hung up by the parent, the bridge, the REST API, or redirected.
        }
        catch (Exception ex)
        {
            Crashed(child, ex);
        }
        finally
        {
            if (!reported)
            {
                attempt.Fail(Read(child, l => l.IsEnded ? l.Status.Wire() : "canceled"));
            }
        }

        // A child redirected through the REST API leaves the Dial and runs its own TwiML.
        if (TryTakeRedirect(child, out var redirect))
        {
            var ct = child.Life.Token;
            try
            {
                await RunMainAsync(child, redirect).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Hung up.
            }
            catch (Exception ex)
            {
                Crashed(child, ex);
            }
        }
    }
}
