using FluidManager.Api.Hosting;
using FluidManager.Grains.Access;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Idempotency;

/// <summary>Deletes idempotency keys past their retention, hourly. Several Api instances doing it at once is harmless.</summary>
public sealed class IdempotencyJanitor(IdempotencyStore store, IOptions<ApiOptions> options, TimeProvider time, ILogger<IdempotencyJanitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var purged = await store.PurgeAsync(time.GetUtcNow() - options.Value.IdempotencyRetention, stoppingToken);
                if (purged > 0)
                {
                    Log.IdempotencyPurged(logger, purged);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.IdempotencyPurgeFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
