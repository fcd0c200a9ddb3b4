using Microsoft.Extensions.Logging;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Sends a grain call again when the silo holding the grain's activation is gone: until membership
/// declares it dead, the directory still points there, and once it is struck off the grain
/// activates on a living silo.
/// <list type="bullet">
/// <item>A rejected call (Orleans could not hand it to the target silo) never ran: it is sent again.</item>
/// <item>A read-only call changes nothing, so an unknown outcome (a timeout) is safe to try again
/// too. Read methods carry a short <c>[ResponseTimeout]</c>, so that a request sent to a silo as it
/// was killed does not wait out the default 30 s.</item>
/// <item>A write whose outcome is unknown (it timed out) is not retried: it may have committed.</item>
/// </list>
/// </summary>
internal sealed class UnsentCallRetryFilter(TimeProvider time, ILogger<UnsentCallRetryFilter> logger) : IOutgoingGrainCallFilter
{
    /// <summary>How long a call keeps trying; membership declares a silo dead well within it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var readOnly = context.InterfaceMethod is { } method
            && GrainMethods.IsReadOnly(method);
        var deadline = time.GetUtcNow() + Patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (Exception ex) when (time.GetUtcNow() < deadline && (ex is OrleansMessageRejectionException || (readOnly && ex is TimeoutException)))
            {
                Log.CallResent(logger, context.TargetId.ToString(), attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * Math.Pow(2, attempt))), time);
            }
        }
    }
}
