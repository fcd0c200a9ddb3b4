using System.Globalization;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Work.Harness;

/// <summary>
/// Memory of a warm grain, measured in a silo that is the only one of its cluster (so every activation is
/// local): hire N agents, let Orleans deactivate every idle activation, then wake the N agent grains with a
/// read each. Prints the growth of the live managed heap (after full, compacting collections) divided by the
/// number of activations Orleans reports as added. The working set is not used: after forced collections it
/// shrinks or grows with what the GC hands back to the system, not with the activations.
/// </summary>
internal static class MemoryBench
{
    public static async Task<int> RunAsync(IServiceProvider services, int agentCount)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var (companyId, agents) = await BenchCompany.HirePausedDevelopersAsync(services, "Memory", agentCount);
        var company = grains.GetGrain<ICompanyGrain>(companyId);

        // Every code path is warm now; start from no idle activation at all.
        await management.ForceActivationCollection(TimeSpan.Zero);
        var activationsBefore = await management.GetTotalActivationCount();
        var heapBefore = LiveHeapBytes();
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (agentId, _) =>
            await grains.GetGrain<IAgentGrain>(agentId).GetAsync(companyId));
        var heapAfter = LiveHeapBytes();
        var activations = await management.GetTotalActivationCount() - activationsBefore;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"agents={agentCount} activations_added={activations} activations_before={activationsBefore} heap_before_bytes={heapBefore} heap_after_bytes={heapAfter}"));
        if (activations < agentCount)
        {
            await Console.Error.WriteLineAsync($"only {activations} activations were added for {agentCount} agents: idle activations were not all collected");
            return 1;
        }

        Console.WriteLine(string.Create(inv, $"bytes_per_activation={(heapAfter - heapBefore) / activations}"));
        return 0;
    }

    /// <summary>Live managed bytes after full, compacting collections.</summary>
    private static long LiveHeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
