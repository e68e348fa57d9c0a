using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Settings;
using CallbackFunctions.Storage;
using Microsoft.Extensions.Options;

namespace CallbackFunctions.Hosting;

/// <summary>
/// Makes sure no callback can get stuck: a live callback whose wake-up is overdue (its message was lost, e.g. a crash
/// between saving and enqueueing) gets a fresh one at its current generation; an agent held by an offer that no
/// longer dials is freed. Runs as the <c>Sweeper</c> timer function under the host, periodically standalone.
/// </summary>
public sealed class Sweeper(CallbackRepository callbacks, AgentRepository agents, TimerQueue timers, CallbackEngine engine,
    IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILogger<Sweeper> logger)
{
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
            if (stored.Value.HeldBy is not { } holder) continue;
            var callbackId = holder[..holder.LastIndexOf('/')];
            var offer = int.Parse(holder[(holder.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            var callback = (await callbacks.GetAsync(callbackId, ct))?.Value;
            if (callback is { Status: CallbackStatus.DialingAgent or CallbackStatus.DialingCustomer } && callback.AgentLeg?.Offer == offer) continue;
            // Held for an offer that is not dialling: give the hold a minute (the offer may be being saved) before freeing.
            if (callback is not null && callback.AgentLeg?.Offer == offer && now - callback.AgentLeg.RequestedAt < TimeSpan.FromMinutes(1)) continue;
            if (callback is { Status: CallbackStatus.Completed } && callback.AgentLeg?.Offer == offer && callback.AgentLeg.CallSid is not null
                && now - callback.AgentLeg.RequestedAt < TimeSpan.FromHours(4)) continue; // still talking to the customer, most likely
            await engine.ReleaseAgentAsync(stored.Value.Id, holder, ct);
            CallbackLog.StaleHoldReleased(logger, stored.Value.Id, holder);
            released++;
        }
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
