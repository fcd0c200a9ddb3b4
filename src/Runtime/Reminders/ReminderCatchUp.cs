using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Reminders;

/// <summary>
/// When a silo starts, fires every reminder whose row is overdue: Orleans alone would wait for the
/// reminder's next period after downtime. Each firing is a turn of its grain that advances the row
/// past now, so however long the downtime, the grain gets one catch-up tick, not a burst.
/// </summary>
internal sealed class ReminderCatchUp(NpgsqlDataSource dataSource, IGrainFactory grains, TimeProvider time, ILogger<ReminderCatchUp> logger) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken) => FireOverdueAsync(dataSource, grains, time.GetUtcNow(), logger, cancellationToken);

    /// <summary>Fires the reminders whose rows were due before <paramref name="dueBefore"/>; a firing that fails is logged and left to the next look.</summary>
    internal static async Task FireOverdueAsync(NpgsqlDataSource dataSource, IGrainFactory grains, DateTimeOffset dueBefore, ILogger logger, CancellationToken cancellationToken)
    {
        var overdue = new List<(string Type, string Key, string Name)>();
        await using (var command = dataSource.CreateCommand(RuntimeSql.OverdueReminders))
        {
            command.Parameters.AddWithValue("now", dueBefore);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                overdue.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (type, key, name) in overdue)
        {
            try
            {
                await grains.GetGrain<IOverdueReminders>(GrainId.Create(type, key)).FireIfDueAsync(name);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.OverdueReminderFailed(logger, name, $"{type}/{key}", ex.Message);
            }
        }

        if (overdue.Count > 0)
        {
            Log.OverdueRemindersFired(logger, overdue.Count);
        }
    }
}

/// <summary>
/// Fires, on every silo, the reminders whose rows have stayed overdue for longer than
/// <see cref="FluidRuntimeOptions.ReminderSweepInterval"/>: their Orleans reminder was lost (the silo
/// died between a turn's commit and the reminder's registration, or the registration failed). A row
/// whose Orleans reminder works is never that late, and a firing that finds its row no longer due
/// does nothing, so two silos sweeping at once is harmless.
/// </summary>
internal sealed class OverdueReminderSweep(
    NpgsqlDataSource dataSource, IGrainFactory grains, TimeProvider time, IOptions<FluidRuntimeOptions> options, ILogger<OverdueReminderSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReminderSweepInterval;
        using var timer = new PeriodicTimer(interval, time);
        var failures = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReminderCatchUp.FireOverdueAsync(dataSource, grains, time.GetUtcNow() - interval, logger, stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                Log.PumpFailed(logger, "overdue reminder", ++failures, ex.Message);
            }
        }
    }
}
