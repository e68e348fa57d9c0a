namespace CallbackFunctions.Hosting;

public sealed class HostingOptions
{
    public const string Section = "Hosting";
    /// <summary>Standalone poller: how long a received message stays invisible; a crashed step is retried after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Standalone poller: the longest pause between polls of an empty queue.</summary>
    public TimeSpan IdlePoll { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>
    /// Standalone poller: a wake-up's message becomes visible this long before it is due and the poller keeps it in
    /// memory until then, so a slow poll (a storage hiccup) does not make the wake-up late. At most half the lease.
    /// </summary>
    public TimeSpan TimerLead { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// Wake-ups handled at once by one instance. More is not faster once storage is the limit: each handler's requests
    /// wait behind the others' and time out (measured: 128 collapsed a 1,000-callback burst on Azurite).
    /// </summary>
    public int Concurrency { get; set; } = 32;
    /// <summary>Tries before a message goes to the poison queue (the Functions host's default is 5 too).</summary>
    public int MaxDequeueCount { get; set; } = 5;
    /// <summary>Run the queue poller and the sweeper in-process. On by default unless the Functions host runs us.</summary>
    public bool? Standalone { get; set; }

    public bool IsStandalone => Standalone ?? string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT"));

    /// <summary>
    /// How early wake-up messages surface: <see cref="TimerLead"/> (at most half the lease) for the standalone poller,
    /// which holds them; nothing under the Functions host, which hands a message over as soon as it is visible.
    /// </summary>
    public TimeSpan EffectiveLead
    {
        get
        {
            if (!IsStandalone || TimerLead <= TimeSpan.Zero) return TimeSpan.Zero;
            var half = Lease / 2;
            return TimerLead < half ? TimerLead : half;
        }
    }
}
