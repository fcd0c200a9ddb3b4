using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;

namespace FluidManager.Grains.Organization;

/// <summary>
/// Turns a refusal into a lasting "policy.denied" event. The refused command's turn rolls back
/// (everything it wrote disappears, a message it posted included), so the denial is written by a
/// turn of its own: a root call to <see cref="IPolicyAuditGrain"/> with the ambient turn left behind.
/// That grain is locked by nothing else in the refused turn, so the two cannot wait on each other.
/// </summary>
internal static class PolicyDenials
{
    /// <summary>Records the denial, then returns the exception for the caller to throw.</summary>
    public static async Task<PolicyDeniedException> RecordAsync(ITurnContext context, ILogger logger, PolicyDenial denial)
    {
        denial = denial with { Actor = denial.Actor ?? context.Actor };
        Log.PolicyDenied(logger, denial.CompanyId, denial.Action, denial.Rule, denial.Reason);
        var grains = context.Cluster;
        Task recording;
        using (ExecutionContext.SuppressFlow())
        {
            // No execution context flows into this task: it starts outside the ambient turn.
            recording = Task.Run(async () =>
            {
                using var actor = denial.Actor is { } name ? CallerContext.As(name) : null;
                await grains.GetGrain<IPolicyAuditGrain>(denial.CompanyId).RecordDenialAsync(denial);
            });
        }

        try
        {
            await recording;
        }
#pragma warning disable CA1031 // The refusal must reach the caller even if its record could not be written.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.DenialNotRecorded(logger, denial.CompanyId, denial.Rule, ex);
        }

        return new PolicyDeniedException(denial.Reason, denial.Rule);
    }
}
