namespace FluidManager.Grains.Work;

/// <summary>Settings of the agent loop. Section <c>Fluid:Work</c>.</summary>
public sealed class WorkOptions
{
    public const string Section = "Fluid:Work";

    /// <summary>
    /// Whether this silo starts agent steps. When false, tasks that would start wait (checked again every
    /// minute) and calls already in flight still settle. Default true.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Model calls one attempt of a task may make; reaching it fails the task with the reason. Default 30.</summary>
    public int MaxSteps { get; set; } = 30;

    /// <summary>How long one model call may take (an attempt of its activity). Default 2 minutes.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts of a model call (a silo crash or a transient error uses one). Default 3.</summary>
    public int CallAttempts { get; set; } = 3;

    /// <summary>How long one governed tool call (knowledge search, SQL, web) may take. Default 1 minute.</summary>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest tool answer kept in the conversation, in characters. Default 20,000.</summary>
    public int MaxToolAnswerChars { get; set; } = 20_000;

    /// <summary>Upper bound of each answer, also what a call reserves for its output. Default 2048 tokens.</summary>
    public int MaxOutputTokens { get; set; } = 2048;

    /// <summary>
    /// Head room on the estimated input tokens of a reservation (a provider's tokenizer may count more
    /// than the estimate). Default 1.25.
    /// </summary>
    public double InputReserveFactor { get; set; } = 1.25;

    /// <summary>Text answers without a tool call tolerated in a row before the task fails. Default 3.</summary>
    public int MaxTextAnswers { get; set; } = 3;

    /// <summary>How long an approval request waits before it expires. Default 3 days.</summary>
    public TimeSpan ApprovalTimeToLive { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Worklog entries of the task shown in the agent's context. Default 10.</summary>
    public int RecentWorklog { get; set; } = 10;

    /// <summary>Largest artifact an agent may create with create_artifact. Default 1 MB.</summary>
    public int MaxArtifactBytes { get; set; } = 1024 * 1024;
}
