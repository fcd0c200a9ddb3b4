using FluidManager.Grains.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Knowledge.Mcp;

/// <summary>
/// Checks each enabled server every <see cref="McpToolOptions.HealthInterval"/>: connects again when its
/// connection was lost, lists its tools again and records its health. Every process claims the servers
/// that are due (skipping those another has claimed), so each is checked once per interval.
/// </summary>
public sealed class McpHealthMonitor(NpgsqlDataSource dataSource, McpServers servers, TimeProvider time, IOptions<KnowledgeOptions> options, ILogger<McpHealthMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Mcp.HealthInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, interval.Ticks / 4)), time);
        do
        {
            try
            {
                await CheckDueAsync(interval, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.McpHealthCheckFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task CheckDueAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        List<(long CompanyId, long Id)> due;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            due = await new NpgsqlCommand(McpSql.ClaimDueServers, connection).With("now", now).With("due", now - interval)
                .ListAsync(r => (r.Get<long>("company_id"), r.Get<long>("id")), cancellationToken);
        }

        foreach (var (companyId, id) in due)
        {
            await servers.RefreshAsync(companyId, id, cancellationToken);
        }
    }
}
