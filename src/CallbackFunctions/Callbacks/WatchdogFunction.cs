using CallbackFunctions.Spool;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Callbacks;

/// <summary>The stuck-callback watchdog, every 30 seconds (it looks for callbacks overdue by <c>Callbacks__SweepLateness</c>).</summary>
public sealed class WatchdogFunction(Watchdog watchdog, WebhookSpool spool)
{
    public const string Name = "Watchdog";

    [Function(Name)]
    public Task Run([TimerTrigger("*/30 * * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        // Webhooks spooled on this instance before any webhook came since it started can be replayed with this client.
        spool.Remember(client);
        return watchdog.SweepAsync(client, ct);
    }
}
