using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Alerts;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Grains.Alerts;

/// <summary>
/// Every <see cref="AlertOptions.Interval"/>, asks each company's alerts grain to compare its conditions with its
/// open alerts. Several processes sweeping at once is harmless: the grain takes one turn at a time and an open
/// alert is unique per condition.
/// </summary>
public sealed class AlertSweeper(NpgsqlDataSource dataSource, IGrainFactory grains, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                List<long> companies;
                await using (var connection = await dataSource.OpenConnectionAsync(stoppingToken))
                await using (var command = new NpgsqlCommand(AlertsSql.Companies, connection))
                {
                    companies = await command.ListAsync(r => r.GetInt64(0), stoppingToken);
                }

                foreach (var companyId in companies)
                {
                    stoppingToken.ThrowIfCancellationRequested();
                    await grains.GetGrain<IAlertsGrain>(companyId).EvaluateAsync(companyId);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.AlertSweepFailed(logger, ex.Message);
            }
        }
    }
}
