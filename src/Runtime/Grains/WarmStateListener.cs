using FluidManager.Runtime.Silos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Drops the memory of this silo's warm activations named by committed turns (one grain per line of
/// the payload), and all of it whenever the connection was (re)established, since notifications
/// sent while it was down are lost.
/// </summary>
internal sealed class WarmStateListener(RuntimeConnection connectionInfo, WarmActivations activations, TimeProvider time, IOptions<FluidRuntimeOptions> options, ILogger<WarmStateListener> logger)
    : NotificationListener(connectionInfo, time, logger)
{
    protected override string Channel => options.Value.WarmChannel;

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
