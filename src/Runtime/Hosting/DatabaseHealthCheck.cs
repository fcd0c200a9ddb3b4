using FluidManager.Runtime.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace FluidManager.Runtime.Hosting;

/// <summary>Ready when PostgreSQL answers and every migration is applied.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, MigrationRunner migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using (var ping = dataSource.CreateCommand("SELECT 1"))
            {
                await ping.ExecuteScalarAsync(cancellationToken);
            }

            return await migrations.IsUpToDateAsync(cancellationToken)
                ? HealthCheckResult.Healthy("PostgreSQL reachable, migrations applied")
                : HealthCheckResult.Unhealthy("PostgreSQL reachable, migrations not yet applied");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL unreachable: {ex.Message}");
        }
    }
}
