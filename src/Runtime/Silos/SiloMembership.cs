using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Silos;

/// <summary>
/// Registers the silo, heartbeats while it runs, and marks it draining then stopped on shutdown.
/// Between heartbeats it deletes the activities finished longer ago than their retention.
/// </summary>
public sealed class SiloMembership(
    NpgsqlDataSource dataSource,
    SiloIdentity silo,
    TimeProvider time,
    IOptions<SiloOptions> options,
    ILogger<SiloMembership> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RegisterAsync(cancellationToken);
        Log.SiloStarted(logger, silo.Name, silo.Id);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await SetStatusAsync("draining");
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Called last by the host, once every pump has drained.</summary>
    public Task MarkStoppedAsync() => SetStatusAsync("stopped");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var lastPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.HeartbeatInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await RegisterAsync(stoppingToken);
                if (time.GetUtcNow() - lastPurge >= options.Value.ActivityPurgeInterval)
                {
                    lastPurge = time.GetUtcNow();
                    await PurgeFinishedActivitiesAsync(stoppingToken);
                }

                failures = 0;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                failures++;
                Log.PumpFailed(logger, "silo heartbeat", failures, ex.Message);
            }
        }
    }

    /// <summary>Registers the silo, or records a heartbeat (the same upsert).</summary>
    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RuntimeSql.RegisterSilo);
        command.Parameters.AddWithValue("id", silo.Id);
        command.Parameters.AddWithValue("name", silo.Name);
        command.Parameters.AddWithValue("host", Environment.MachineName);
        command.Parameters.AddWithValue("pid", Environment.ProcessId);
        command.Parameters.AddWithValue("role", silo.Role);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes finished activities past their retention, a slice at a time so no statement runs long.</summary>
    private async Task PurgeFinishedActivitiesAsync(CancellationToken cancellationToken)
    {
        const int Slice = 5000;
        var before = time.GetUtcNow() - options.Value.FinishedActivityRetention;
        for (var slices = 0; slices < 100; slices++)
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

    private async Task SetStatusAsync(string status)
    {
        try
        {
            await using var command = dataSource.CreateCommand(RuntimeSql.SetSiloStatus);
            command.Parameters.AddWithValue("id", silo.Id);
            command.Parameters.AddWithValue("status", status);
            command.Parameters.AddWithValue("now", time.GetUtcNow());
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            Log.PumpFailed(logger, "silo status", 1, ex.Message);
        }
    }
}

/// <summary>Registered last: runs when every other hosted service has stopped, and records the silo as stopped.</summary>
public sealed class SiloShutdownRecorder(SiloMembership membership, NpgsqlDataSource dataSource, SiloIdentity silo) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Hosted services stop in reverse order: this one is registered first, so it stops last.
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

        await membership.MarkStoppedAsync();
    }
}
