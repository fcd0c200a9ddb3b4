namespace FluidManager.Runtime;

/// <summary>Settings shared by every process that runs turns. Section <c>Fluid:Runtime</c>.</summary>
public sealed class FluidRuntimeOptions
{
    public const string Section = "Fluid:Runtime";

    /// <summary>Prefix of the LISTEN/NOTIFY channels (<c>{prefix}_events</c>, <c>{prefix}_work</c>, <c>{prefix}_warm</c>). Default <c>fluid</c>.</summary>
    public string ChannelPrefix { get; set; } = "fluid";

    /// <summary>How many times a turn that hit a deadlock, a serialisation failure or a lock timeout is run. Default 30.</summary>
    public int MaxTurnAttempts { get; set; } = 30;

    /// <summary>Deliveries of a failing message before it goes to the dead letters. Default 5.</summary>
    public int MaxMessageAttempts { get; set; } = 5;

    /// <summary>Delay before a failed message is tried again; doubles each attempt. Default 200 ms.</summary>
    public TimeSpan MessageBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between two deliveries of a failing message. Default 30 s.</summary>
    public TimeSpan MessageBackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Grain turns one process runs at once; each holds a pooled connection for its transaction, so
    /// keep it below the connection string's Max Pool Size (Npgsql's default is 100). Turns beyond
    /// it wait for a free slot instead of failing on an exhausted pool. Default 64.
    /// </summary>
    public int MaxConcurrentTurns { get; set; } = 64;

    /// <summary>
    /// How often each silo looks for reminders whose rows stayed overdue for longer than this (their Orleans
    /// reminder was lost) and fires them. Default 1 minute.
    /// </summary>
    public TimeSpan ReminderSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Apply migrations when the process starts. Default true.</summary>
    public bool MigrateOnStart { get; set; } = true;

    internal string EventsChannel => $"{ChannelPrefix}_events";

    internal string WorkChannel => $"{ChannelPrefix}_work";

    internal string WarmChannel => $"{ChannelPrefix}_warm";
}

/// <summary>Settings of a silo's pumps. Section <c>Fluid:Silo</c>.</summary>
public sealed class SiloOptions
{
    public const string Section = "Fluid:Silo";

    /// <summary>The Orleans silo's name, shown to operators. Default: host name and process id.</summary>
    public string? Name { get; set; }

    /// <summary>Grains whose messages this silo delivers at once; a slot that frees is filled at once. Default 32.</summary>
    public int MessageDeliveries { get; set; } = 32;

    /// <summary>Grains leased per look at the inboxes (never more than the free delivery slots). Default 8.</summary>
    public int InboxClaimBatch { get; set; } = 8;

    /// <summary>Loops writing finished activities and posting their outcomes. Default 4.</summary>
    public int CompletionWorkers { get; set; } = 4;

    /// <summary>Messages applied for one grain in one transaction (a failing one rolls them all back; those before it are applied again). Default 16.</summary>
    public int MessagesPerTransaction { get; set; } = 16;

    /// <summary>How long a claimed inbox stays leased to this silo. Default 30 s.</summary>
    public TimeSpan InboxLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Activities run at once by this silo. Default 32.</summary>
    public int ActivitySlots { get; set; } = 32;

    /// <summary>Activity lease; heartbeats renew it every third of it. Default 15 s.</summary>
    public TimeSpan ActivityLease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often pumps look for work when no notification arrives. Default 250 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>On SIGTERM, how long in-flight work may finish before it is handed back. Default 20 s.</summary>
    public TimeSpan DrainGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a finished (completed, failed or cancelled) activity is kept before the silos delete it. Default 7 days.</summary>
    public TimeSpan FinishedActivityRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often a silo deletes the finished activities past their retention. Default 10 minutes.</summary>
    public TimeSpan ActivityPurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Run the message and activity pumps. Default true.</summary>
    public bool RunPumps { get; set; } = true;
}
