using System.Text.Json;

namespace FluidManager.Knowledge.SqlTool;

/// <summary>The outcome of a statement: rows as JSON objects (at most the row and byte limits), or the refusal and why; AuditId is its sql_audit row.</summary>
public sealed record SqlResult(
    SqlOutcome Outcome,
    string? Reason,
    string? SqlState,
    IReadOnlyList<string> Columns,
    IReadOnlyList<JsonElement> Rows,
    int Bytes,
    bool Truncated,
    double DurationMs,
    long AuditId)
{
    public bool Allowed => Outcome != SqlOutcome.Denied;
}
