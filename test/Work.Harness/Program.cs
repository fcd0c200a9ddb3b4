using FluidManager.Grains;
using FluidManager.Grains.Work;
using FluidManager.Models.Hosting;
using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FluidManager.Work.Harness;

/// <summary>
/// Commands (connection string from ConnectionStrings__Fluid, settings from Fluid__* variables):
///   work-silo NAME   run a silo with the grains and agent work (offline and scripted models) until SIGTERM
/// </summary>
internal static class WorkHarness
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "work-silo")
        {
            await Console.Error.WriteLineAsync("usage: work-harness work-silo [NAME]");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Fluid:Runtime:MigrateOnStart"] ??= "false";
        builder.Configuration["Fluid:Silo:Name"] ??= args.Length > 1 ? args[1] : $"work-harness-{Environment.ProcessId}";
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddFluidRuntime();
        builder.AddGrains();
        builder.AddModels();
        builder.AddAgentWork();
        builder.AddSiloPumps();
        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }
}
