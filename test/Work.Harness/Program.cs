using FluidManager.Grains;
using FluidManager.Grains.Work;
using FluidManager.Models.Hosting;
using FluidManager.Runtime.Hosting;
using FluidManager.Runtime.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FluidManager.Work.Harness;

/// <summary>
/// Commands (connection string from ConnectionStrings__Fluid, settings from Fluid__* variables):
///   work-silo NAME                      run an Orleans silo with the grains and agent work (offline and scripted models) until
///                                       SIGTERM; it joins the cluster of Fluid__Cluster__ClusterId on the database, on any free
///                                       port and without a gateway unless Fluid__Cluster__SiloPort / GatewayPort say otherwise
///   migrate                             apply every migration and exit
///   bench-agents TASKS AGENTS [SECONDS] hire AGENTS agents, give them TASKS tasks, and time them to a final status
///                                       through whatever silos are running, from a silo of their cluster (see
///                                       scripts/bench.sh agents)
///   bench-memory AGENTS                 as the only silo of a fresh database: managed heap per warm agent activation
///   bench-recall AGENTS ITEMS QUERIES   on a migrated database: agent memory retrieval latency with ITEMS items per agent, hit@5 of
///                                       lessons on a labelled set and the tokens memory adds to a briefing (see scripts/bench.sh memory)
/// </summary>
internal static class WorkHarness
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "work-silo":
                await RunSiloAsync(args.Length > 1 ? args[1] : $"work-harness-{Environment.ProcessId}");
                return 0;
            case "migrate":
                using (var host = ClientHost())
                {
                    await host.Services.GetRequiredService<MigrationRunner>().ApplyAsync(CancellationToken.None);
                }

                return 0;
            case "bench-agents" when args.Length >= 3:
                using (var host = DriverSilo())
                {
                    await host.StartAsync();
                    var seconds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 600;
                    var code = await AgentBench.RunAsync(host.Services, int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture),
                        int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(seconds));
                    await host.StopAsync();
                    return code;
                }

            case "bench-memory" when args.Length >= 2:
                using (var host = DriverSilo())
                {
                    await host.StartAsync();
                    var code = await MemoryBench.RunAsync(host.Services, int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
                    await host.StopAsync();
                    return code;
                }

            case "bench-recall" when args.Length >= 4:
                using (var host = ClientHost(models: true))
                {
                    var inv = System.Globalization.CultureInfo.InvariantCulture;
                    return await MemoryRecallBench.RunAsync(host.Services, Environment.GetEnvironmentVariable("ConnectionStrings__Fluid")
                        ?? throw new InvalidOperationException("Set ConnectionStrings__Fluid to the benchmark database."),
                        int.Parse(args[1], inv), int.Parse(args[2], inv), int.Parse(args[3], inv));
                }

            default:
                await Console.Error.WriteLineAsync("usage: work-harness work-silo [NAME] | migrate | bench-agents TASKS AGENTS [TIMEOUT_SECONDS] | bench-memory AGENTS | bench-recall AGENTS ITEMS QUERIES");
                return 2;
        }
    }

    private static async Task RunSiloAsync(string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Fluid:Runtime:MigrateOnStart"] ??= "false";
        builder.Configuration["Fluid:Silo:Name"] ??= name;
        builder.Configuration["Fluid:Cluster:SiloPort"] ??= "0";
        builder.Configuration["Fluid:Cluster:GatewayPort"] ??= "0";
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddFluidRuntime();
        builder.AddFluidSilo();
        builder.AddGrains();
        builder.AddModels();
        builder.AddAgentWork();
        builder.AddSiloPumps();
        using var host = builder.Build();
        await host.RunAsync();
    }

    /// <summary>
    /// A silo of the running silos' cluster that drives a benchmark, registered like the Api (grains, models and
    /// agent work, no pumps): its grain calls go through Orleans to activations wherever Orleans places them,
    /// on this process or on the work silos, while only the work silos deliver messages and run activities.
    /// </summary>
    private static IHost DriverSilo()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Fluid:Runtime:MigrateOnStart"] = "false";
        builder.Configuration["Fluid:Silo:Name"] ??= $"bench-driver-{Environment.ProcessId}";
        builder.Configuration["Fluid:Cluster:SiloPort"] ??= "0";
        builder.Configuration["Fluid:Cluster:GatewayPort"] ??= "0";
        builder.Configuration["Fluid:Cluster:Dashboard"] ??= "false";
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddFluidRuntime();
        builder.AddFluidSilo();
        builder.AddGrains();
        builder.AddModels();
        builder.AddAgentWork();
        return builder.Build();
    }

    /// <summary>
    /// The services that apply the migrations (or, with <paramref name="models"/>, embed), never started: no Orleans, pumps or
    /// agent work, and so no grain calls.
    /// </summary>
    private static IHost ClientHost(bool models = false)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Fluid:Runtime:MigrateOnStart", "false")]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddFluidRuntime();
        builder.AddGrains();
        if (models)
        {
            builder.AddModels();
        }

        return builder.Build();
    }
}
