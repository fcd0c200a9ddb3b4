using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Memory;
using Npgsql;
using Pgvector;

namespace FluidManager.Grains.Memory;

/// <summary>Maps agent_memory rows, and binds the parameters the memory statements share.</summary>
internal static class MemoryRows
{
    public static MemoryItemDto Map(NpgsqlDataReader r) => new()
    {
        Id = r.Get<long>("id"),
        CompanyId = r.Get<long>("company_id"),
        AgentId = r.Get<long>("agent_id"),
        Kind = r.GetEnum<MemoryKind>("kind"),
        Content = r.Get<string>("content"),
        SourceKind = r.GetEnum<MemorySourceKind>("source_kind"),
        SourceTaskId = r.GetOrNull<long>("source_task_id"),
        SourceMeetingId = r.GetOrNull<long>("source_meeting_id"),
        SourceActor = r.Get<string>("source_actor"),
        ValidFrom = r.Get<DateTimeOffset>("valid_from"),
        ValidTo = r.GetOrNull<DateTimeOffset>("valid_to"),
        SupersedesId = r.GetOrNull<long>("supersedes_id"),
        SupersededById = r.GetOrNull<long>("superseded_by_id"),
        Pinned = r.Get<bool>("pinned"),
        ForgottenAt = r.GetOrNull<DateTimeOffset>("forgotten_at"),
        ForgottenBy = r.GetStringOrNull("forgotten_by"),
        Version = r.Get<long>("version"),
        CreatedAt = r.Get<DateTimeOffset>("created_at"),
        CreatedBy = r.Get<string>("created_by"),
        UpdatedAt = r.Get<DateTimeOffset>("updated_at"),
    };

    /// <summary>A pgvector parameter (typed, so a null still has the vector type).</summary>
    public static NpgsqlCommand WithVector(this NpgsqlCommand command, string name, float[]? vector)
    {
        command.Parameters.Add(new NpgsqlParameter { ParameterName = name, DataTypeName = "vector", Value = vector is null ? DBNull.Value : new Vector(vector) });
        return command;
    }

    /// <summary>Kinds as stored, or null for every kind.</summary>
    public static NpgsqlCommand WithKinds(this NpgsqlCommand command, IReadOnlyList<MemoryKind>? kinds)
    {
        command.Parameters.Add(new NpgsqlParameter("kinds", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
        {
            Value = kinds is { Count: > 0 } ? kinds.Select(k => k.ToDb()).ToArray() : DBNull.Value,
        });
        return command;
    }
}
