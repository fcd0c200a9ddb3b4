using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Runtime.Grains;
using FluidManager.Scenarios;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Api.Demo;

/// <summary>
/// On start (with <c>Fluid:Demo:Load</c>), plays the demo scenario into the first company while that
/// company has no agent, so a fresh deployment shows a living company: agents, org chart, missions
/// and delegated work. It runs before the Api takes requests, as the company's owner, through the
/// same grain calls as the endpoints. A restart finds the agents and leaves them alone; several
/// instances starting at once take turns on an advisory lock, so the company is loaded once.
/// </summary>
public sealed class DemoCompanyLoader(
    IOptions<DemoOptions> options,
    IHostEnvironment environment,
    CompanyDirectory companies,
    UserDirectory users,
    IGrainFactory grains,
    NpgsqlDataSource dataSource,
    IOptions<JsonOptions> json,
    ILogger<DemoCompanyLoader> logger) : IHostedService
{
    /// <summary>The advisory lock that serialises loaders of every Api instance ("fluidemo").</summary>
    private const long LockKey = 0x666c7569_64656d6f;

    public const string DefaultFile = "demo-company.json";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Load)
        {
            return;
        }

        if (Locate(options.Value.Path, environment.ContentRootPath) is not { } path)
        {
            Log.DemoNotFound(logger, options.Value.Path ?? Path.Combine("scenarios", DefaultFile), environment.ContentRootPath);
            return;
        }

        Scenario scenario;
        try
        {
            scenario = await ScenarioReader.ReadFileAsync(path, cancellationToken);
        }
        catch (ScenarioFormatException ex)
        {
            Log.DemoInvalid(logger, path, ex.Message);
            return;
        }

        if (await companies.FirstCompanyIdAsync(cancellationToken) is not { } companyId)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            take.Parameters.AddWithValue("key", LockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await LoadAsync(scenario, path, companyId, cancellationToken);
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", LockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The configured file, or scenarios/demo-company.json in the content root or a folder above it.</summary>
    public static string? Locate(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(Path.Combine(contentRoot, configured));
            return File.Exists(full) ? full : null;
        }

        for (var folder = new DirectoryInfo(contentRoot); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "scenarios", DefaultFile);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private async Task LoadAsync(Scenario scenario, string path, long companyId, CancellationToken cancellationToken)
    {
        var existing = await grains.GetGrain<ICompanyGrain>(companyId).ListAgentsAsync(new ListAgentsQuery(companyId));
        if (existing.Count > 0)
        {
            Log.DemoSkipped(logger, companyId, existing.Count);
            return;
        }

        var members = await users.ListMembersAsync(companyId, cancellationToken);
        var owner = members.FirstOrDefault(m => m.Role == CompanyRoles.Ceo && !m.Disabled);
        using var actor = owner is null ? null : CallerContext.As(Access.HttpCompanyContext.ActorOf(owner.Id));
        var player = new ScenarioPlayer(new GrainScenarioActions(grains, companyId, json.Value.SerializerOptions));
        try
        {
            var run = await player.PlayAsync(scenario, probe: null, report: null, cancellationToken);
            foreach (var outcome in run.Outcomes.Where(o => !o.Passed))
            {
                Log.DemoStepUnexpected(logger, outcome.Where, outcome.Description, outcome.Detail ?? "");
            }

            Log.DemoLoaded(logger, path, companyId, run.Agents.Count, scenario.Missions.Count, scenario.Steps.Count);
        }
        catch (ScenarioStepException ex)
        {
            Log.DemoFailed(logger, path, ex.Message);
        }
    }
}

public static class DemoHostingExtensions
{
    /// <summary>Loads the demo company on first start when <c>Fluid:Demo:Load</c> is true (see <see cref="DemoCompanyLoader"/>).</summary>
    public static IHostApplicationBuilder AddDemoCompany(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        builder.Services.AddHostedService<DemoCompanyLoader>();
        return builder;
    }
}
