using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Knowledge.SqlTool;

/// <summary>
/// The catalogue of data sources and the grants of each agent. A grant is a name in the agent's profile
/// (<see cref="AgentLimits.SqlSources"/>, column agents.sql_sources), changed through the agent grain
/// like any profile edit: the views' gate reads that column, so what the dashboard shows is what
/// PostgreSQL enforces.
/// </summary>
public sealed class SqlSources(NpgsqlDataSource dataSource, IGrainFactory grains)
{
    private const string Catalogue = """
        SELECT s.name, s.kind, s.description,
               coalesce((SELECT array_agg(c.column_name::text ORDER BY c.ordinal_position)
                         FROM information_schema.columns c
                         WHERE s.kind = 'view' AND c.table_schema = split_part(s.name, '.', 1) AND c.table_name = split_part(s.name, '.', 2)),
                        (SELECT array_agg(x.name ORDER BY x.sort) FROM sql_sources x WHERE s.kind = 'schema' AND x.kind = 'view' AND split_part(x.name, '.', 1) = s.name),
                        '{}') AS columns
        FROM sql_sources s
        ORDER BY s.sort, s.name
        """;

    public async Task<IReadOnlyList<SqlSourceDto>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(Catalogue, connection)
            .ListAsync(r => new SqlSourceDto(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3)), cancellationToken);
    }

    public async Task<AgentSqlGrantsDto> GrantsAsync(long companyId, long agentId)
    {
        var agent = await grains.GetGrain<IAgentGrain>(agentId).GetAsync(companyId);
        return ToGrants(agent);
    }

    /// <summary>Adds a data source to the agent's grants (idempotent). Unknown names are refused with a 400 naming the catalogue.</summary>
    public async Task<AgentSqlGrantsDto> GrantAsync(long companyId, long agentId, string source, CancellationToken cancellationToken)
    {
        var name = await KnownAsync(source, cancellationToken);
        return await ChangeAsync(companyId, agentId, sources => sources.Contains(name, StringComparer.OrdinalIgnoreCase) ? null : [.. sources, name]);
    }

    /// <summary>Removes a data source from the agent's grants (idempotent).</summary>
    public Task<AgentSqlGrantsDto> RevokeAsync(long companyId, long agentId, string source)
    {
        var name = (source ?? "").Trim().ToLowerInvariant();
        return ChangeAsync(companyId, agentId, sources => sources.Any(s => s.Equals(name, StringComparison.OrdinalIgnoreCase))
            ? sources.Where(s => !s.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList()
            : null);
    }

    /// <summary>Fills the company's demo CRM (deterministic rows; existing ones kept). Returns the number of customers.</summary>
    public async Task<int> SeedDemoCrmAsync(long companyId, int customers, CancellationToken cancellationToken)
    {
        if (customers is < 1 or > 100_000)
        {
            throw new ValidationException("customers", "must be between 1 and 100000");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand("SELECT fluid_sql.seed_demo_crm(@company_id, @customers)", connection)
            .With("company_id", companyId).With("customers", customers)
            .ScalarAsync<int>(cancellationToken);
    }

    private async Task<string> KnownAsync(string source, CancellationToken cancellationToken)
    {
        var name = (source ?? "").Trim().ToLowerInvariant();
        var catalogue = await ListAsync(cancellationToken);
        return catalogue.Any(s => s.Name == name)
            ? name
            : throw new ValidationException("source", $"'{source}' is not a data source; known: {string.Join(", ", catalogue.Select(s => s.Name))}");
    }

    private async Task<AgentSqlGrantsDto> ChangeAsync(long companyId, long agentId, Func<IReadOnlyList<string>, IReadOnlyList<string>?> change)
    {
        var grain = grains.GetGrain<IAgentGrain>(agentId);
        for (var attempt = 1; ; attempt++)
        {
            var agent = await grain.GetAsync(companyId);
            var sources = change(agent.Profile.Limits.SqlSources);
            if (sources is null)
            {
                return ToGrants(agent);
            }

            var profile = agent.Profile with { Limits = agent.Profile.Limits with { SqlSources = sources } };
            try
            {
                return ToGrants(await grain.UpdateAsync(new UpdateAgentCommand(companyId, profile, agent.Version)));
            }
            catch (VersionMismatchException) when (attempt < 3)
            {
                // someone edited the agent meanwhile: apply the change to the new profile
            }
        }
    }

    private static AgentSqlGrantsDto ToGrants(AgentDto agent) => new(
        agent.Id,
        agent.Profile.AllowedTools.Contains(AgentTools.Sql, StringComparer.OrdinalIgnoreCase),
        agent.Profile.Limits.SqlSources,
        agent.Version);
}
