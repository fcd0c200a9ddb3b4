using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Messaging;
using FluidManager.Runtime.Silos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Reminders;

/// <summary>
/// Turns due reminders into durable <see cref="ReminderTick"/> messages and moves each reminder to its
/// next occurrence after now, in one transaction: a tick is never lost, and downtime yields one
/// catch-up tick rather than a burst.
/// </summary>
public sealed class ReminderPump(
    NpgsqlDataSource dataSource,
    WorkSignal signal,
    TimeProvider time,
    IOptions<SiloOptions> siloOptions,
    IOptions<FluidRuntimeOptions> runtimeOptions,
    IServiceProvider services,
    ILogger<ReminderPump> logger) : BackgroundService
{
    private const int Batch = 100;
    private readonly SiloOptions _options = siloOptions.Value;

    /// <summary>In a silo, Orleans reminders wake the grains (see <see cref="OrleansReminders"/>) and this pump stays idle.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => services.GetService(typeof(Orleans.Timers.IReminderRegistry)) is not null
        ? Task.CompletedTask
        : PumpLoop.RunAsync("reminder", async cancellationToken =>
    {
        if (await FireDueAsync(cancellationToken) < Batch)
        {
            await Task.Delay(_options.PollInterval, time, cancellationToken);
        }
    }, time, logger, stoppingToken);

    internal async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = new List<(string Type, string Key, string Name, DateTimeOffset DueAt, long? PeriodMs, string? Cron, string? Zone)>();
        await using (var claim = new NpgsqlCommand(RuntimeSql.ClaimDueReminders, connection, transaction))
        {
            claim.Parameters.AddWithValue("now", now);
            claim.Parameters.AddWithValue("limit", Batch);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        if (due.Count == 0)
        {
            return 0;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var reminder in due)
        {
            var tick = new ReminderTick(reminder.Name, reminder.DueAt, now);
            var post = new NpgsqlBatchCommand(RuntimeSql.PostMessage);
            PostedMessage.AddParameters(post.Parameters, reminder.Type, reminder.Key, tick, $"reminder:{reminder.Name}", now, now);
            batch.BatchCommands.Add(post);

            var advance = new NpgsqlBatchCommand(RuntimeSql.AdvanceReminder);
            advance.Parameters.AddWithValue("grain_type", reminder.Type);
            advance.Parameters.AddWithValue("grain_key", reminder.Key);
            advance.Parameters.AddWithValue("name", reminder.Name);
            advance.Parameters.AddWithValue("next", ReminderSchedule.Next(reminder.PeriodMs, reminder.Cron, reminder.Zone, reminder.DueAt, now));
            batch.BatchCommands.Add(advance);
        }

        var notify = new NpgsqlBatchCommand(RuntimeSql.Notify);
        notify.Parameters.AddWithValue("channel", runtimeOptions.Value.WorkChannel);
        notify.Parameters.AddWithValue("payload", WorkSignal.MessagesFlag.ToString());
        batch.BatchCommands.Add(notify);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Messages.Set();
        return due.Count;
    }
}
