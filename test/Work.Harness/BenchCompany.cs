using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FluidManager.Work.Harness;

/// <summary>The company the benches work in: a fresh company and its paused developers.</summary>
internal static class BenchCompany
{
    public static async Task<(long CompanyId, List<long> Agents)> HirePausedDevelopersAsync(IServiceProvider services, string name, int agentCount, string systemPrompt = "")
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var data = services.GetRequiredService<NpgsqlDataSource>();
        long companyId;
        await using (var insert = data.CreateCommand("INSERT INTO companies (name, slug) VALUES (@name, lower(@name) || '-' || gen_random_uuid()) RETURNING id"))
        {
            insert.Parameters.AddWithValue("name", name);
            companyId = (long)(await insert.ExecuteScalarAsync())!;
        }

        var company = grains.GetGrain<ICompanyGrain>(companyId);
        var agents = new List<long>();
        for (var i = 0; i < agentCount; i++)
        {
            var agent = await company.CreateAgentAsync(new CreateAgentCommand
            {
                CompanyId = companyId,
                Profile = new AgentProfile
                {
                    FirstName = $"Dev{i}",
                    LastName = name,
                    Role = "Developer",
                    Department = "Engineering",
                    Model = "offline",
                    SystemPrompt = systemPrompt,
                },
                Status = AgentStatus.Paused,
            });
            agents.Add(agent.Id);
        }

        return (companyId, agents);
    }
}
