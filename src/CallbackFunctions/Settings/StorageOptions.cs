namespace CallbackFunctions.Settings;

/// <summary>Names of our tables (the projections and holds; Durable's own live in its task hub); tests give every class its own.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public string TablePrefix { get; set; } = "cb";
    public string CallbacksTable => TablePrefix + "callbacks";
    public string LiveTable => TablePrefix + "live";
    public string AgentsTable => TablePrefix + "agents";
    public string WaitingTable => TablePrefix + "waiting";
    public string RulesTable => TablePrefix + "rules";
    public string HoldsTable => TablePrefix + "holds";
    public string RecordingsTable => TablePrefix + "recordings";
    public string NoCallbacksTable => TablePrefix + "nocallbacks";
    public string QueueSettingsTable => TablePrefix + "queues";
    public string SeenCallsTable => TablePrefix + "seencalls";
    public string RequestCountsTable => TablePrefix + "requestcounts";
    public string SlotBookingsTable => TablePrefix + "slotbookings";
    public string ContactsTable => TablePrefix + "contacts";
    public string NumbersTable => TablePrefix + "numbers";
    /// <summary>How long one storage request may take on a webhook path before we give up and spool (Twilio allows 15 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>Connections to the table service, at most; more requests wait for one.</summary>
    public int MaxConnections { get; set; } = 64;
}
