using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Silos;

/// <summary>Deletes the activities finished longer ago than their retention, a slice at a time so no statement runs long.</summary>
public sealed class FinishedActivityPurge(
    NpgsqlDataSource dataSource,
    TimeProvider time,
    IOptions<SiloOptions> options,
    ILogger<FinishedActivityPurge> logger) : BackgroundService
{
    private const int Slice = 5000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.ActivityPurgeInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await PurgeAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                failures++;
                Log.PumpFailed(logger, "finished activity purge", failures, ex.Message);
            }
        }
    }

    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - options.Value.FinishedActivityRetention;
        for (var slices = 0; slices < 100 && !cancellationToken.IsCancellationRequested; slices++)
        {
            await using var command = dataSource.CreateCommand(RuntimeSql.PurgeFinishedActivities);
            command.Parameters.AddWithValue("before", before);
            command.Parameters.AddWithValue("limit", Slice);
            if (await command.ExecuteNonQueryAsync(cancellationToken) < Slice)
            {
                return;
            }
        }
    }
}

/// <summary>
/// Registered before the pumps, so it stops after them: hands back the inbox leases the silo still
/// holds, so that another silo delivers those grains' messages at once instead of after the lease.
/// </summary>
public sealed class InboxLeaseRelease(NpgsqlDataSource dataSource, SiloIdentity silo) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var release = dataSource.CreateCommand(RuntimeSql.ReleaseSiloInboxes);
            release.Parameters.AddWithValue("silo", silo.Id);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // the inbox leases expire on their own
        }
    }
}
