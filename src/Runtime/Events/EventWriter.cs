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
            EventRow.AddParameters(command.Parameters, i + 1, e.CompanyId, e.Stream, e.Type, e.Payload, e.Actor, e.At);
            last = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var notify = new NpgsqlCommand(RuntimeSql.Notify, connection, transaction);
        notify.Parameters.AddWithValue("channel", options.Value.EventsChannel);
        notify.Parameters.AddWithValue("payload", last.ToString(CultureInfo.InvariantCulture));
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The parameters of <see cref="RuntimeSql.PublishEvent"/>, for a turn's events and for <see cref="EventWriter"/>'s.</summary>
internal static class EventRow
{
    /// <summary>Adds the event's parameters; <paramref name="sequence"/> is its number within its transaction, from 1 (the low bits of its position).</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, long sequence, long? companyId, string stream, string type, object payload, string? actor, DateTimeOffset at)
    {
        parameters.AddWithValue("seq", sequence);
        parameters.AddWithValue("company_id", NpgsqlTypes.NpgsqlDbType.Bigint, (object?)companyId ?? DBNull.Value);
        parameters.AddWithValue("stream", stream);
        parameters.AddWithValue("type", type);
        parameters.AddWithValue("payload", NpgsqlTypes.NpgsqlDbType.Jsonb, JsonSerializer.Serialize(payload, payload.GetType(), RuntimeJson.Options));
        parameters.AddWithValue("actor", NpgsqlTypes.NpgsqlDbType.Text, (object?)actor ?? DBNull.Value);
        parameters.AddWithValue("now", at);
    }
}
