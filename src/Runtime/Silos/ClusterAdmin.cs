using System.Text.Json;
using Npgsql;

namespace FluidManager.Runtime.Silos;

/// <summary>The leased work of one silo, by its lease owner id (<see cref="SiloIdentity.LeaseOwnerOf"/>).</summary>
public sealed record SiloLeases(Guid Owner, long RunningActivities, long LeasedInboxes);

public sealed record DeadLetter(long Id, long MessageId, string GrainType, string GrainKey, string MessageType, JsonElement Payload, string? Sender, DateTimeOffset EnqueuedAt, int Attempts, string Error, DateTimeOffset DeadAt);

/// <summary>What operators see and do: the silos' leased work, dead letters and their replay.</summary>
public sealed class ClusterAdmin(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The activities each silo runs and the inboxes it holds, by lease owner; silos holding none are absent.</summary>
    public async Task<IReadOnlyDictionary<Guid, SiloLeases>> LeasesBySiloAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RuntimeSql.LeasesByOwner);
        var leases = new Dictionary<Guid, SiloLeases>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var owner = reader.GetGuid(0);
            leases[owner] = new SiloLeases(owner, reader.GetInt64(1), reader.GetInt64(2));
        }

        return leases;
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
