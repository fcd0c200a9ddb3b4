using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Events;

/// <summary>An event to write in a transaction that is not a grain turn.</summary>
public sealed record NewEvent(long CompanyId, string Stream, string Type, object Payload, string? Actor, DateTimeOffset At);

/// <summary>
/// Writes events in a transaction of the caller's that is not a grain turn (the access layer's own
/// member changes), exactly as a turn does: commit-safe positions derived from the transaction id,
/// and the NOTIFY hint that PostgreSQL delivers at commit, so the events are pushed live and a
/// rollback leaves none.
/// </summary>
public sealed class EventWriter(IOptions<FluidRuntimeOptions> options)
{
    /// <summary>Writes <paramref name="events"/> in order; call it once per transaction (positions are numbered from the transaction id).</summary>
    public async Task PublishAsync(NpgsqlTransaction transaction, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has ended.");
        long last = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            await using var command = new NpgsqlCommand(RuntimeSql.PublishEvent, connection, transaction);
            command.Parameters.AddWithValue("seq", (long)(i + 1));
            command.Parameters.AddWithValue("company_id", e.CompanyId);
            command.Parameters.AddWithValue("stream", e.Stream);
            command.Parameters.AddWithValue("type", e.Type);
            command.Parameters.AddWithValue("payload", NpgsqlTypes.NpgsqlDbType.Jsonb, JsonSerializer.Serialize(e.Payload, e.Payload.GetType(), RuntimeJson.Options));
            command.Parameters.AddWithValue("actor", NpgsqlTypes.NpgsqlDbType.Text, (object?)e.Actor ?? DBNull.Value);
            command.Parameters.AddWithValue("now", e.At);
            last = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var notify = new NpgsqlCommand(RuntimeSql.Notify, connection, transaction);
        notify.Parameters.AddWithValue("channel", options.Value.EventsChannel);
        notify.Parameters.AddWithValue("payload", last.ToString(CultureInfo.InvariantCulture));
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }
}
