using System.Text.Json;
using Npgsql;

namespace FluidManager.Runtime.Events;

/// <summary>A committed event. <see cref="Position"/> orders the log; ask for "after P" to catch up.</summary>
public sealed record EventRecord(long Position, long? CompanyId, string Stream, string Type, JsonElement Payload, string? Actor, DateTimeOffset At);

/// <summary>Reads the event log in commit-safe order: every committed event exactly once, none skipped.</summary>
public sealed class EventLog(NpgsqlDataSource dataSource)
{
    public const int MaxPage = 1000;

    /// <summary>Events after <paramref name="after"/>, optionally for one company and one stream.</summary>
    public async Task<IReadOnlyList<EventRecord>> ReadAsync(long after, long? companyId = null, string? stream = null, int limit = 500, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RuntimeSql.ReadEvents);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("company_id", NpgsqlTypes.NpgsqlDbType.Bigint, (object?)companyId ?? DBNull.Value);
        command.Parameters.AddWithValue("stream", NpgsqlTypes.NpgsqlDbType.Text, (object?)stream ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, MaxPage));
        var events = new List<EventRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new EventRecord(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                JsonDocument.Parse(reader.GetString(4)).RootElement.Clone(),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return events;
    }

    /// <summary>The highest position written so far (committed or not): where a live-only reader starts.</summary>
    public async Task<long> TailAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RuntimeSql.EventTail);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
