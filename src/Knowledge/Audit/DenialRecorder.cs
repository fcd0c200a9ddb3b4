using System.Globalization;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;

namespace FluidManager.Knowledge.Audit;

/// <summary>
/// Publishes a tool's refusal as a <c>policy.denied</c> event on the company's stream (live on the
/// dashboard, next to the hierarchy policy's denials), in a turn of its own. The tool's own audit row
/// (knowledge_retrievals, sql_audit, web_fetch_log) is the record; the event is the signal, so a failure
/// to publish is logged and does not change the answer.
/// </summary>
public sealed class DenialRecorder(IGrainFactory grains, ILogger<DenialRecorder> logger)
{
    /// <summary>Records that <paramref name="action"/> (knowledge.search, sql.query, web.fetch…) was refused by <paramref name="rule"/>.</summary>
    public async Task RecordAsync(long companyId, long agentId, long? taskId, string action, string rule, string reason)
    {
        var actor = "agent:" + agentId.ToString(CultureInfo.InvariantCulture);
        try
        {
            using (CallerContext.As(actor))
            {
                await grains.GetGrain<IPolicyAuditGrain>(companyId).RecordDenialAsync(new PolicyDenial
                {
                    CompanyId = companyId,
                    Action = action,
                    Rule = rule,
                    Reason = reason,
                    Actor = actor,
                    FromAgentId = agentId,
                    TaskId = taskId,
                });
            }
        }
#pragma warning disable CA1031 // The refusal must reach the caller even when its event cannot be written.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.DenialNotRecorded(logger, companyId, ex);
        }
    }
}
