using Npgsql;

namespace FluidManager.Runtime.Reminders;

/// <summary>
/// When a silo starts, fires every reminder whose row is overdue: Orleans alone would wait for the
/// reminder's next period after downtime. Each firing is a turn of its grain that advances the row
/// past now, so however long the downtime, the grain gets one catch-up tick, not a burst.
/// </summary>
internal sealed class ReminderCatchUp(NpgsqlDataSource dataSource, IGrainFactory grains, TimeProvider time) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        var overdue = new List<(string Type, string Key, string Name)>();
        await using (var command = dataSource.CreateCommand(RuntimeSql.OverdueReminders))
        {
            command.Parameters.AddWithValue("now", time.GetUtcNow());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                overdue.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (type, key, name) in overdue)
        {
            await grains.GetGrain<IOverdueReminders>(GrainId.Create(type, key)).FireIfDueAsync(name);
        }
    }
}
