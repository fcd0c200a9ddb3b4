using Microsoft.Extensions.Logging;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Sends a grain call again when the silo holding the grain's activation is gone: until membership
/// declares it dead, the directory still points there, and once it is struck off the grain
/// activates on a living silo.
/// <list type="bullet">
/// <item>A rejected call (Orleans could not hand it to the target silo) never ran: it is sent again.</item>
/// <item>A read-only call changes nothing, so an unknown outcome (a timeout) or a failure of Orleans
/// itself (an <c>OrleansException</c>, such as a placement whose directory lookup found the partition
/// changing hands) is safe to try again too; the product's own errors are not Orleans exceptions. Read methods carry a short <c>[ResponseTimeout]</c>, so that a request sent to a silo as it
/// was killed does not wait out the default 30 s.</item>
/// <item>A write whose outcome is unknown (it timed out) is not retried: it may have committed.</item>
/// <item>A call to a system target (Orleans' own per-silo services: the grain directory's partitions,
/// membership gossip, call cancellation) or to a client's observer is never sent again: such a target
/// is pinned to one silo or client, so a resend goes back to the same dead process. Orleans handles
/// those failures itself; holding them back would stall it. A directory lookup held on the dead
/// silo's partition kept a grain's placement waiting until Orleans' 30 s placement timeout, while a
/// failed lookup is retried by the placement on the partition's new owner.</item>
/// </list>
/// </summary>
internal sealed class UnsentCallRetryFilter(TimeProvider time, ILogger<UnsentCallRetryFilter> logger) : IOutgoingGrainCallFilter
{
    /// <summary>How long a call keeps trying; membership declares a silo dead well within it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!CanMove(context.TargetId))
        {
            await context.Invoke();
            return;
        }

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
            catch (Exception ex) when (time.GetUtcNow() < deadline && (ex is OrleansMessageRejectionException || (readOnly && ex is TimeoutException or OrleansException)))
            {
                Log.CallResent(logger, context.TargetId.ToString(), attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * Math.Pow(2, attempt))), time);
            }
        }
    }

    /// <summary>Whether the target is a grain, which Orleans activates elsewhere once its silo is struck off (a system target or a client is not).</summary>
    internal static bool CanMove(GrainId target) => !target.IsSystemTarget() && !target.IsClient();
}
