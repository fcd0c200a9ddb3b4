namespace FluidManager.Knowledge.Web;

/// <summary>One logged web request.</summary>
public sealed record WebLogRecord(
    long Id,
    long CompanyId,
    long? AgentId,
    long? TaskId,
    string Kind,
    string Url,
    string? FinalUrl,
    WebOutcome Outcome,
    bool Allowed,
    string? Reason,
    int? StatusCode,
    string? ContentType,
    long Bytes,
    bool Truncated,
    int Redirects,
    decimal DurationMs,
    DateTimeOffset At);
