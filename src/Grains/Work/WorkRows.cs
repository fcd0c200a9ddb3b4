using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime;
using Npgsql;
using NpgsqlTypes;

namespace FluidManager.Grains.Work;

/// <summary>Row mapping of the agent loop's tables, and the parameter types <see cref="Db"/> lacks.</summary>
internal static class WorkRows
{
    public static NpgsqlCommand WithGuid(this NpgsqlCommand command, string name, Guid? value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Uuid) { Value = value ?? (object)DBNull.Value });
        return command;
    }

    public static NpgsqlCommand WithDate(this NpgsqlCommand command, string name, DateOnly? value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Date) { Value = value ?? (object)DBNull.Value });
        return command;
    }

    /// <summary>A JSON document given as text (already serialised), sent as text and cast in SQL.</summary>
    public static NpgsqlCommand WithJsonText(this NpgsqlCommand command, string name, string? json)
    {
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = json ?? (object)DBNull.Value });
        return command;
    }

    public static LlmCallDto MapLlmCall(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.Get<long>("company_id"),
        r.Get<long>("task_id"),
        r.Get<long>("agent_id"),
        r.GetStringOrNull("project"),
        r.Get<int>("attempt"),
        r.Get<int>("step"),
        r.Get<Guid>("activity_id"),
        r.Get<string>("model"),
        r.Get<int>("input_tokens"),
        r.Get<int>("output_tokens"),
        r.Get<decimal>("cost"),
        r.Get<long>("duration_ms"),
        r.GetStringOrNull("finish_reason"),
        r.Get<int>("tool_calls"),
        r.Get<bool>("succeeded"),
        r.GetStringOrNull("error"),
        r.Get<long>("reserved_tokens"),
        r.Get<decimal>("reserved_cost"),
        r.Get<DateTimeOffset>("at"));

    public static ToolCallDto MapToolCall(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.Get<long>("company_id"),
        r.Get<long>("task_id"),
        r.Get<long>("agent_id"),
        r.Get<int>("attempt"),
        r.Get<int>("step"),
        r.Get<string>("tool_call_id"),
        r.Get<string>("step_key"),
        r.Get<string>("tool"),
        Parse(r.Get<string>("arguments")),
        r.Get<bool>("allowed"),
        r.GetEnum<ToolOutcome>("outcome"),
        r.GetStringOrNull("reason"),
        r.Get<string>("result"),
        r.GetStringOrNull("refs") is { } refs ? Parse(refs) : null,
        r.Get<long>("duration_ms"),
        r.Get<DateTimeOffset>("at"));

    public static ApprovalDto MapApproval(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.Get<long>("company_id"),
        r.Get<long>("task_id"),
        r.Get<long>("agent_id"),
        r.GetEnum<ApprovalKind>("kind"),
        r.Get<string>("action"),
        r.Get<string>("reason"),
        r.GetOrNull<decimal>("amount"),
        r.GetStringOrNull("budget_limit") is { } limit ? DbEnum.Parse<BudgetLimit>(limit) : null,
        r.GetOrNull<decimal>("current_limit"),
        r.GetOrNull<decimal>("proposed_limit"),
        r.GetEnum<ApprovalStatus>("status"),
        r.Get<DateTimeOffset>("requested_at"),
        r.GetOrNull<DateTimeOffset>("expires_at"),
        r.GetOrNull<DateTimeOffset>("decided_at"),
        r.GetStringOrNull("decided_by"),
        r.GetStringOrNull("comment"),
        r.GetStringOrNull("tool") is { } tool ? JsonSerializer.Deserialize<ApprovalToolCall>(tool, RuntimeJson.Options) : null);

    public static ClarificationDto MapClarification(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.Get<long>("company_id"),
        r.Get<long>("task_id"),
        r.Get<long>("agent_id"),
        r.Get<string>("asked_of"),
        r.Get<string>("question"),
        r.GetEnum<ClarificationStatus>("status"),
        r.GetStringOrNull("answer"),
        r.Get<DateTimeOffset>("asked_at"),
        r.GetOrNull<DateTimeOffset>("answered_at"),
        r.GetStringOrNull("answered_by"));

    public static CostRowDto MapCostRow(NpgsqlDataReader r) => new(
        r.Get<string>("key"),
        r.Get<string>("label"),
        r.Get<long>("calls"),
        r.Get<long>("input_tokens"),
        r.Get<long>("output_tokens"),
        r.Get<decimal>("cost"),
        r.Get<long>("duration_ms"));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
