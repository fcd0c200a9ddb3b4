using System.Text.Json;
using Npgsql;

namespace FluidManager.Runtime.Silos;

public sealed record SiloInfo(Guid Id, string Name, string Host, int Pid, string Role, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, string Status, long RunningActivities, long LeasedInboxes, bool Alive);

public sealed record DeadLetter(long Id, long MessageId, string GrainType, string GrainKey, string MessageType, JsonElement Payload, string? Sender, DateTimeOffset EnqueuedAt, int Attempts, string Error, DateTimeOffset DeadAt);

/// <summary>What operators see and do: silos with their in-flight work, dead letters and their replay.</summary>
public sealed class ClusterAdmin(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>A silo that has not heartbeated for this many intervals is shown as not alive.</summary>
    private static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<SiloInfo>> ListSilosAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var command = dataSource.CreateCommand(RuntimeSql.ListSilos);
        command.Parameters.AddWithValue("now", now);
        var silos = new List<SiloInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var heartbeat = reader.GetFieldValue<DateTimeOffset>(6);
            var status = reader.GetString(7);
            silos.Add(new SiloInfo(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), heartbeat, status, reader.GetInt64(8), reader.GetInt64(9),
                status != "stopped" && now - heartbeat < DeadAfter));
        }

        return silos;
    }

    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RuntimeSql.ListDeadLetters);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 1000));
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetter(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                JsonDocument.Parse(reader.GetString(5)).RootElement.Clone(), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetFieldValue<DateTimeOffset>(7), reader.GetInt32(8), reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return letters;
    }

    /// <summary>Queues a dead letter again. False when it does not exist or was already replayed.</summary>
    public async Task<bool> ReplayAsync(long deadLetterId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RuntimeSql.ReplayDeadLetter);
        command.Parameters.AddWithValue("id", deadLetterId);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
