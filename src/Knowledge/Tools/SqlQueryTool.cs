using System.Globalization;
using System.Text;
using System.Text.Json;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Work;
using FluidManager.Knowledge.SqlTool;
using FluidManager.Models;

namespace FluidManager.Knowledge.Tools;

/// <summary>
/// <c>query_sql</c>: one read-only query over the data sources granted to the agent (views of the demo
/// CRM and of the company's progress). Rows come back as JSON lines; refusals say why. Every statement
/// is audited.
/// </summary>
public sealed class SqlQueryTool(SqlToolExecutor executor) : IAgentTool
{
    public const string ToolName = "query_sql";

    public static ToolDefinition DefinitionValue { get; } = ToolDefinition.Create(
        ToolName,
        """
        Run one read-only SQL query (PostgreSQL) over the data sources granted to you. Views:
        crm.customers (id, name, email, country, segment, created_on);
        crm.orders (id, customer_id, ordered_on, status, amount, currency);
        progress.tasks (id, title, status, priority, project, assignee_agent_id, parent_task_id, created_by, deadline_at, started_at, finished_at, tokens_used, cost_estimate, created_at, updated_at);
        progress.blockers (task_id, title, status, reason, assignee_agent_id, deadline_at, since);
        progress.worklog (id, task_id, agent_id, visibility, body, created_at);
        progress.kpis (agent_id, agent_name, role, department, open_tasks, blocked_tasks, done_tasks, done_last_7_days, failed_tasks, overdue_tasks, tokens_used, cost).
        Use $1, $2… for values passed in "params". Rows come back as JSON, at most a few hundred.
        """,
        """
        {"type":"object","properties":{
          "sql":{"type":"string","description":"One SELECT (or WITH … SELECT) query."},
          "params":{"type":"array","items":{},"description":"Values for $1, $2…, in order."}},
         "required":["sql"]}
        """);

    public string Name => ToolName;

    public string Permission => AgentTools.Sql;

    public ToolDefinition Definition => DefinitionValue;

    public async Task<AgentToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (ToolArgs.Parse(invocation.ArgumentsJson) is not { } args)
        {
            return AgentToolResult.Error("the arguments are not a JSON object.");
        }

        if (args.Text("sql", "query", "statement") is not { } sql)
        {
            return AgentToolResult.Error("'sql' is required.");
        }

        var parameters = new List<string?>();
        if (args.Element("params", "parameters", "args") is { ValueKind: JsonValueKind.Array } values)
        {
            parameters.AddRange(values.EnumerateArray().Select(v => v.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => v.GetString(),
                _ => v.GetRawText(),
            }));
        }

        var result = await executor.ExecuteAsync(new SqlRequest(invocation.CompanyId, invocation.AgentId, sql, parameters, invocation.TaskId), cancellationToken);
        var metadata = ToolJson.Of(new
        {
            auditId = result.AuditId,
            outcome = result.Outcome,
            rows = result.Rows.Count,
            result.Bytes,
            result.Truncated,
            durationMs = Math.Round(result.DurationMs, 1),
            result.SqlState,
        });
        return result.Outcome switch
        {
            SqlOutcome.Ok => AgentToolResult.Ok(Describe(result), metadata),
            SqlOutcome.Denied => AgentToolResult.Denied(result.Reason!, metadata),
            _ => AgentToolResult.Error(result.Reason!, metadata),
        };
    }

    private static string Describe(SqlResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{result.Rows.Count} row(s)");
        if (result.Truncated)
        {
            text.Append(" (cut at the tool's row or size limit: narrow the query or aggregate)");
        }

        text.Append(result.Rows.Count == 0 ? "." : ":\n");
        foreach (var row in result.Rows)
        {
            text.Append(row.GetRawText()).Append('\n');
        }

        return text.ToString();
    }
}
