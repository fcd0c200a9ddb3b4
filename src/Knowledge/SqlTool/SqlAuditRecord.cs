using System.Text.Json;

namespace FluidManager.Knowledge.SqlTool;

/// <summary>One audited statement.</summary>
public sealed record SqlAuditRecord(
    long Id,
    long CompanyId,
    long? AgentId,
    long? TaskId,
    string? Actor,
    string Sql,
    JsonElement Parameters,
    SqlOutcome Outcome,
    bool Allowed,
    string? Reason,
    string? SqlState,
    int RowCount,
    int ByteCount,
    bool Truncated,
    decimal DurationMs,
    DateTimeOffset At);
