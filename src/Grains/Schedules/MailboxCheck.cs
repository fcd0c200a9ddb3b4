namespace FluidManager.Grains.Schedules;

/// <summary>The input of one mailbox check: which schedule fired, and when.</summary>
public sealed record MailboxCheckInput(long CompanyId, long ScheduleId, DateTimeOffset DueAt, DateTimeOffset FiredAt);

/// <summary>One message a mailbox check took: its sender, subject, date and the start of its text.</summary>
public sealed record MailboxMessage(long Uid, string? From, string? Subject, DateTimeOffset? Date, string? MessageId, string Excerpt);

/// <summary>What a mailbox check took from the company's mailbox: each message exactly once, in the order they arrived.</summary>
public sealed record MailboxCheckResult(string Mailbox, string Folder, IReadOnlyList<MailboxMessage> Messages);

/// <summary>
/// Mailbox checks of schedules whose template has <c>checkMailbox</c>. Section <c>Fluid:Mailbox</c>.
/// </summary>
public sealed class MailboxCheckOptions
{
    public const string Section = "Fluid:Mailbox";

    /// <summary>How many times a check is tried before its firing is recorded as failed. Default 4.</summary>
    public int Attempts { get; set; } = 4;

    /// <summary>Wait before the second attempt of a check; it doubles for each later one. Default 1 minute.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one attempt may take (connect, log in, read the new messages). Default 2 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most messages one check takes; the rest wait for the next firing. Default 25.</summary>
    public int MaxMessages { get; set; } = 25;

    /// <summary>Longest excerpt of a message's text the task shows. Default 1500 characters.</summary>
    public int ExcerptChars { get; set; } = 1500;

    /// <summary>
    /// The activity kind that reads a company's mailbox, set by the library that owns the mail settings (null: no
    /// mailbox checks; such schedules create their task without mail).
    /// </summary>
    public string? Activity { get; set; }
}
