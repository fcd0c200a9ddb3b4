using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FluidManager.Grains.Memory;

/// <summary>
/// Once the process has started, and every hour after, hands the live memory items still without a vector (their
/// embedding failed after its retries, or was written before this process had a model) to their agent's grain, which
/// starts a <c>memory.embed</c> activity for each one without an activity in flight. Several processes sweeping at
/// once is harmless: the grain takes one turn at a time and a vector is written only over the content it was made of.
/// </summary>
internal sealed class MemoryEmbeddingSweep(NpgsqlDataSource dataSource, IGrainFactory grains, IHostApplicationLifetime lifetime, TimeProvider time,
    ILogger<MemoryEmbeddingSweep> logger) : BackgroundService
{
    /// <summary>Time between two sweeps after the first.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            await SweepAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One sweep; how many items were handed to activities.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            List<(long Company, long Agent)> agents;
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            await using (var command = new NpgsqlCommand(MemorySql.AgentsWithUnembedded, connection))
            {
                agents = await command.ListAsync(r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken);
            }

            var items = 0;
            foreach (var (company, agent) in agents)
            {
                cancellationToken.ThrowIfCancellationRequested();
                items += await grains.GetGrain<IAgentMemoryGrain>(agent).EmbedMissingAsync(company);
            }

            if (items > 0)
            {
                Log.MemorySwept(logger, items);
            }

            return items;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.MemorySweepFailed(logger, ex);
            return 0;
        }
    }
}
