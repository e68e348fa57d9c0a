using CallbackFunctions.Agents;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Recordings;
using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Hosting;

/// <summary>
/// Makes sure no callback can get stuck: a live callback whose wake-up is overdue (its message was lost, e.g. a crash
/// between saving and enqueueing) gets a fresh one at its current generation; an agent held by an offer that no
/// longer dials is freed. Runs as the <c>Sweeper</c> timer function under the host, periodically standalone.
/// </summary>
public sealed class Sweeper(CallbackRepository callbacks, AgentRepository agents, AgentDirectory directory, CallLines lines, HoldRepository holds,
    TimerQueue timers, CallbackEngine engine,
    RecordingJanitor janitor,
    IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILogger<Sweeper> logger)
{
    /// <summary>
    /// A hold ("{callbackId}/{offer}") is stale when its offer no longer dials. A hold just taken gets a minute (the
    /// offer may be being saved); an offer that completed keeps its agent and line while they talk (up to Twilio's
    /// 4 h call limit), released by the agent leg's status callback normally.
    /// </summary>
    private async Task<bool> IsStaleAsync(string holder, DateTimeOffset now, CancellationToken ct)
    {
        var slash = holder.LastIndexOf('/');
        if (slash < 0 || !int.TryParse(holder[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var offer)) return true;
        var callback = (await callbacks.GetAsync(holder[..slash], ct))?.Value;
        if (callback?.AgentLeg is not { } leg || leg.Offer != offer) return true;
        if (callback.Status is CallbackStatus.DialingAgent or CallbackStatus.DialingCustomer) return false;
        if (now - leg.RequestedAt < TimeSpan.FromMinutes(1)) return false;
        return !(callback.Status == CallbackStatus.Completed && leg.CallSid is not null && now - leg.RequestedAt < TimeSpan.FromHours(4));
    }

    public async Task<(int Rearmed, int Released)> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rearmed = 0;
        await foreach (var callback in callbacks.QueryOverdueAsync(now - options.CurrentValue.SweepLateness, ct))
        {
            await timers.ScheduleAsync(new WakeUpMessage(callback.Id, callback.Generation, callback.WakeAt!.Value), ct);
            CallbackLog.Rearmed(logger, callback.Id, callback.WakeAt.Value);
            rearmed++;
        }
        var released = 0;
        foreach (var stored in await agents.ListAsync(ct))
        {
            if (stored.Value.HeldBy is not { } holder || !await IsStaleAsync(holder, now, ct)) continue;
            if (await directory.ReleaseAsync(stored.Value.Id, holder, ct) is { IsFree: true } agent) await engine.OfferWaitingCallbacksAsync(agent, ct);
            CallbackLog.StaleHoldReleased(logger, "agent " + stored.Value.Id, holder);
            released++;
        }
        foreach (var (kind, key, holder) in await lines.AllHoldsAsync(ct))
        {
            if (!await IsStaleAsync(holder, now, ct)) continue;
            await holds.ReleaseAsync(kind, key, holder, ct);
            CallbackLog.StaleHoldReleased(logger, $"{kind} {PhoneMask.Mask(key)}", holder);
            released++;
        }
        // seed 001: recordings past their storage period are deleted at Twilio (at the janitor's own pace).
        await janitor.SweepAsync(ct);
        if (rearmed + released > 0) HostingLog.Swept(logger, rearmed, released);
        return (rearmed, released);
    }
}

/// <summary>Runs the sweeper periodically in standalone mode.</summary>
public sealed class SweeperService(IServiceProvider services, IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILogger<SweeperService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(options.CurrentValue.SweepInterval, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
            try { await services.GetRequiredService<Sweeper>().SweepAsync(stoppingToken); }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested) { HostingLog.PollFailed(logger, "sweep: " + e.Message); }
        }
    }
}
