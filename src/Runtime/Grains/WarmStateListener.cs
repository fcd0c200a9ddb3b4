using FluidManager.Runtime.Silos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Drops the memory of this silo's warm activations named by committed turns (one grain per line of
/// the payload), and all of it whenever the connection was (re)established, since notifications
/// sent while it was down are lost, and whenever a silo joins or leaves the cluster: a silo that died
/// may have committed turns whose notifications it had not sent yet (see <see cref="CommitHints"/>).
/// </summary>
internal sealed class WarmStateListener(
    RuntimeConnection connectionInfo,
    WarmActivations activations,
    IClusterMembershipService membership,
    TimeProvider time,
    IOptions<FluidRuntimeOptions> options,
    ILogger<WarmStateListener> logger)
    : NotificationListener(connectionInfo, time, logger)
{
    protected override string Channel => options.Value.WarmChannel;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watch = WatchMembershipAsync(stoppingToken);
        await base.ExecuteAsync(stoppingToken);
        await watch;
    }

    private async Task WatchMembershipAsync(CancellationToken stoppingToken)
    {
        try
        {
            var previous = membership.CurrentSnapshot;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var update = snapshot.CreateUpdate(previous);
                previous = snapshot;
                if (update.HasChanges)
                {
                    activations.DropAll();
                    Log.WarmDroppedOnMembership(logger, string.Join(", ", update.Changes.Select(c => $"{c.Name ?? c.SiloAddress.ToString()}: {c.Status}")));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    protected override Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        activations.DropAll();
        return Task.CompletedTask;
    }

    protected override void OnNotification(string payload)
    {
        foreach (var line in payload.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0)
            {
                activations.Drop(new GrainKey(line[..slash], line[(slash + 1)..]));
            }
        }
    }
}
