using FluidManager.Grains.Data;
using Npgsql;

namespace FluidManager.Knowledge.Audit;

/// <summary>One governed access, from any of the audits (see the <c>audit_entries</c> view).</summary>
public sealed record AuditEntry(
    string Id,
    string Kind,
    DateTimeOffset At,
    long? AgentId,
    long? TaskId,
    string Outcome,
    bool Allowed,
    string Summary,
    string Detail,
    double? DurationMs);

/// <summary>What to read: each filter is optional; <see cref="From"/> and <see cref="To"/> bound <c>at</c> (from included, to excluded).</summary>
public sealed record AuditFilter(long CompanyId, long? AgentId = null, string? Kind = null, string? Outcome = null, DateTimeOffset? From = null, DateTimeOffset? To = null, long? TaskId = null, int Limit = 200);

/// <summary>
/// The company's audits in one filtered list, newest first: SQL statements, web requests, knowledge retrievals,
/// tool calls, policy denials and decided approvals.
/// </summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    /// <summary>The kinds of entry, as the filter takes them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["sql", "web", "retrieval", "tool", "policy_denial", "approval"];

    /// <summary>Most entries one read returns (the CSV export's limit).</summary>
    public const int MaxLimit = 10_000;

    private const string List = """
        SELECT id, kind, at, agent_id, task_id, outcome, allowed, summary, detail, duration_ms
        FROM audit_entries
        WHERE company_id = @company_id
          AND (@agent_id::bigint IS NULL OR agent_id = @agent_id)
          AND (@kind::text IS NULL OR kind = @kind)
          AND (@outcome::text IS NULL OR outcome = @outcome)
          AND (@from::timestamptz IS NULL OR at >= @from)
          AND (@to::timestamptz IS NULL OR at < @to)
          AND (@task_id::bigint IS NULL OR task_id = @task_id)
        ORDER BY at DESC, id DESC
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(List, connection)
            .With("company_id", filter.CompanyId)
            .With("agent_id", filter.AgentId)
            .With("kind", filter.Kind)
            .With("outcome", filter.Outcome)
            .With("from", filter.From)
            .With("to", filter.To)
            .With("task_id", filter.TaskId)
            .With("limit", Math.Clamp(filter.Limit, 1, MaxLimit))
            .ListAsync(r => new AuditEntry(
                r.Get<string>("id"), r.Get<string>("kind"), r.Get<DateTimeOffset>("at"), r.GetOrNull<long>("agent_id"), r.GetOrNull<long>("task_id"),
                r.Get<string>("outcome"), r.Get<bool>("allowed"), r.Get<string>("summary"), r.Get<string>("detail"), r.GetOrNull<double>("duration_ms")),
                cancellationToken);
    }
}
