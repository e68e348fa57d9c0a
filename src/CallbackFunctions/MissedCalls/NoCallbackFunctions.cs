using CallbackFunctions.Http;
using CallbackFunctions.Storage;
using Microsoft.Azure.Functions.Worker;

namespace CallbackFunctions.MissedCalls;

/// <summary>Why a lost call made no callback, or why the callback it made waits.</summary>
/// <param name="Id">Stable: the UTC day of receipt, the inbound CallSid and the route; a webhook Twilio repeats is the same entry.</param>
/// <param name="At">When the webhook was received (the first time, for a repeated one).</param>
/// <param name="Route">The webhook: <c>missed-call</c> or <c>ivr-callback</c>.</param>
/// <param name="CallSid">The inbound call's CallSid; null when the webhook carried none of Twilio's shape.</param>
/// <param name="Caller">The caller's number in E.164; when it is not a valid number, the <c>From</c> Twilio sent (at most 64 characters).</param>
/// <param name="Queue">The queue the call was lost in; null when the webhook URL names none (or none that is valid).</param>
/// <param name="Code">
/// A stable word for tools: <c>outside-hours</c>, <c>rule-disabled</c>, <c>account-frozen</c>, <c>no-caller-id</c> (the
/// rules decided); <c>invalid-number</c>, <c>no-queue</c>, <c>bad-url</c> (the webhook could not make one);
/// <c>queue-unserved</c> (a callback was made, see <c>callbackId</c>, and waits: no agent serves its queue).
/// </param>
/// <param name="Reason">A sentence for people; where a rule decided, it names the rule, its version and the time zone.</param>
/// <param name="CallbackId">The callback that was made all the same (<c>queue-unserved</c>); null otherwise.</param>
public sealed record NoCallbackView(string Id, DateTimeOffset At, string Route, string? CallSid, string Caller, string? Queue, string Code, string Reason,
    string? CallbackId)
{
    public static NoCallbackView From(NoCallbackNote n) => new(n.Id, n.At, n.Route, n.CallSid, n.Caller, n.Queue, n.Code, n.Reason, n.CallbackId);
}

/// <param name="From">The instant the list starts at: <c>since</c>, or the oldest this route reads when <c>since</c> is older.</param>
/// <param name="Items">The entries received at or after <c>from</c>, oldest first (newest last), at most 500.</param>
/// <param name="More">There were more than 500: ask again with <c>since</c> = the last item's <c>at</c> (it comes again; its <c>id</c> tells).</param>
public sealed record NoCallbackList(DateTimeOffset From, IReadOnlyList<NoCallbackView> Items, bool More);

/// <summary><c>GET /api/no-callbacks</c>: the lost calls that made no callback, and the callbacks that wait for a queue nobody serves, with why.</summary>
public sealed class NoCallbackFunctions(NoCallbackRepository notes, TimeProvider time)
{
    /// <summary>The most entries one answer holds.</summary>
    public const int MaxItems = 500;

    /// <summary>The oldest <c>since</c> read: the entries are kept by UTC day, so this reads at most three days' partitions.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(48);

    private static readonly TimeSpan DefaultAge = TimeSpan.FromHours(24);

    [ApiOperation("Callbacks", "Lost calls that made no callback, and callbacks that wait because no agent serves their queue, with why; oldest first.",
        Query = ["since: an ISO-8601 instant, e.g. 2026-12-06T09:30:00Z (default: 24 hours ago; at most 48 hours ago, an older one reads from then)"],
        Answer = typeof(NoCallbackList))]
    [Function("ListNoCallbacks")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/no-callbacks")] HttpRequest request, CancellationToken ct)
    {
        if (!RequestValues.TryInstant(request, "since", out var since, out var problem)) return problem!;
        var now = time.GetUtcNow();
        var from = since is { } s ? (s < now - MaxAge ? now - MaxAge : s) : now - DefaultAge;
        var (items, more) = await notes.ListSinceAsync(from, now, MaxItems, ct);
        return TypedResults.Ok(new NoCallbackList(from, [.. items.Select(NoCallbackView.From)], more));
    }
}
