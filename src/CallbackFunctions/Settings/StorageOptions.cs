namespace CallbackFunctions.Settings;

/// <summary>Names of the tables and queues; tests give every class its own.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public string TablePrefix { get; set; } = "cb";
    public string TimerQueue { get; set; } = "callback-timers";
    public string PoisonQueue => TimerQueue + "-poison";
    public string CallbacksTable => TablePrefix + "callbacks";
    public string LiveTable => TablePrefix + "live";
    public string AgentsTable => TablePrefix + "agents";
    public string WaitingTable => TablePrefix + "waiting";
    public string RulesTable => TablePrefix + "rules";
    public string HoldsTable => TablePrefix + "holds";
    public string RecordingsTable => TablePrefix + "recordings";
    /// <summary>How long one storage request may take on a webhook path before we give up and spool (Twilio allows 15 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>
    /// How long one queue request may take. Longer than a table request's: a queue request that timed out on our side
    /// has usually been carried out on the service's (a send made, messages taken for a lease), so asking again costs
    /// more than waiting. A webhook still answers within its own budget (it spools past it).
    /// </summary>
    public TimeSpan QueueRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Connections to each storage service (tables, queues), at most; more requests wait for one.</summary>
    public int MaxConnections { get; set; } = 64;
}
