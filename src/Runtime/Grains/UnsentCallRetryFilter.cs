using Microsoft.Extensions.Logging;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Sends a grain call again when it could not be sent at all: the silo holding the grain's
/// activation is gone, and until membership declares it dead the directory still points there.
/// A rejected call (Orleans could not hand it to the target silo) never ran, so sending it again is safe; once the dead silo is
/// struck off, the grain activates on a living one. Calls whose outcome is unknown are not retried.
/// </summary>
internal sealed class UnsentCallRetryFilter(TimeProvider time, ILogger<UnsentCallRetryFilter> logger) : IOutgoingGrainCallFilter
{
    /// <summary>How long a call keeps trying; membership declares a silo dead well within it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var deadline = time.GetUtcNow() + Patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (OrleansMessageRejectionException ex) when (time.GetUtcNow() < deadline)
            {
                Log.CallResent(logger, context.TargetId.ToString(), attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * Math.Pow(2, attempt))), time);
            }
        }
    }
}
