using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Rules;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Storage;

namespace CallbackFunctions.MissedCalls;

/// <summary>
/// Why a lost call made no callback (or why the callback it made will wait), kept where the webhook decided it, for
/// <c>GET /api/no-callbacks</c> and the console. A note is one table write, made after Twilio has its answer; one that
/// fails is logged and changes nothing else. Lost calls that make a callback in a served queue write none.
/// </summary>
public sealed class NoCallbackNotes(NoCallbackRepository repository, ILogger<NoCallbackNotes> logger)
{
    /// <summary>The caller's <c>From</c> is withheld or not a phone number.</summary>
    public const string InvalidNumber = "invalid-number";
    /// <summary>The webhook URL has no <c>?queue=</c> and no <c>Callbacks__DefaultQueue</c> is set.</summary>
    public const string NoQueue = "no-queue";
    /// <summary>The webhook URL has a parameter the route cannot use (a queue or agent id, lostIn, delayMinutes).</summary>
    public const string BadUrl = "bad-url";
    /// <summary>The queue has its <c>maxPending</c> live callbacks: a caller's request is refused (issue 15 §6).</summary>
    public const string QueueFull = "queue-full";
    /// <summary>The number asked for <c>Callbacks__MaxRequestsPerNumberPerDay</c> callbacks today already (issue 15 §6).</summary>
    public const string DailyCap = "daily-cap";
    /// <summary>The callback was made, but no agent serves its queue: it waits for one, or expires.</summary>
    public const string QueueUnserved = "queue-unserved";

    public const string MissedCallRoute = "missed-call";
    public const string IvrCallbackRoute = "ivr-callback";
    public const string QueueWaitRoute = "queue-wait-choice";
    public const string ScheduleRoute = "callbacks";
    public const string IvrCallbackSlotRoute = "ivr-callback-slot";

    /// <summary>How long a note may take: Twilio has its answer by then, so this only bounds the invocation.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    public static string RouteOf(CallbackOrigin origin) => origin switch
    {
        CallbackOrigin.IvrRequest => IvrCallbackRoute,
        CallbackOrigin.QueueRequest => QueueWaitRoute,
        CallbackOrigin.Scheduled => ScheduleRoute,
        _ => MissedCallRoute,
    };

    /// <summary>The note of a lost call or IVR request for which the rules made no callback.</summary>
    public static NoCallbackNote For(CallbackRequest request, RuleDecision.NoCallback none) =>
        NoCallbackNote.Create(request.ReceivedAt, RouteOf(request.Origin), request.CallSid, request.Caller, request.Queue, none.Code, none.Reason);

    /// <summary>The note of a callback made in a queue nobody serves: it waits for an agent, or expires. Its time is the
    /// callback's, so a repeated webhook's note is the same.</summary>
    public static NoCallbackNote Unserved(Callback callback) =>
        NoCallbackNote.Create(callback.CreatedAt, RouteOf(callback.Origin), callback.OriginalCallSid, callback.Caller, callback.Queue, QueueUnserved,
            $"no agent serves queue '{callback.Queue}'", callback.Id);

    /// <summary>Stores the note (idempotent: a repeat keeps the first); never throws, whatever storage does.</summary>
    public async Task WriteAsync(NoCallbackNote note)
    {
        using var budget = new CancellationTokenSource(Budget);
        try
        {
            var added = await repository.TryAddAsync(note, budget.Token);
            MissedCallLog.Noted(logger, PhoneMask.Mask(note.Caller), note.Code, repeated: !added);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            MissedCallLog.NoteFailed(logger, PhoneMask.Mask(note.Caller), note.Code, e.GetType().Name);
        }
    }
}
