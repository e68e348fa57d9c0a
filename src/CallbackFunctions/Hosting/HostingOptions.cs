namespace CallbackFunctions.Hosting;

public sealed class HostingOptions
{
    public const string Section = "Hosting";
    /// <summary>Standalone poller: how long a received message stays invisible; a crashed step is retried after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Standalone poller: the longest pause between polls of an empty queue.</summary>
    public TimeSpan IdlePoll { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Wake-ups handled at once by one instance.</summary>
    public int Concurrency { get; set; } = 16;
    /// <summary>Tries before a message goes to the poison queue (the Functions host's default is 5 too).</summary>
    public int MaxDequeueCount { get; set; } = 5;
    /// <summary>Run the queue poller and the sweeper in-process. On by default unless the Functions host runs us.</summary>
    public bool? Standalone { get; set; }

    public bool IsStandalone => Standalone ?? string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT"));
}
