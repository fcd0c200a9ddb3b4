using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Memory;

/// <summary>Company-wide views of agent memory (key = company id).</summary>
[GrainType("company-memory")]
public sealed class CompanyMemoryGrain(ITurnContext context) : DurableGrain, ICompanyMemoryGrain
{
    protected override ITurnContext Turn => context;

    public async Task<IReadOnlyList<PlaybookChangeDto>> ListPendingPlaybookChangesAsync(long companyId)
    {
        await context.EnsureCompanyAsync(companyId);
        return await context.Sql(PlaybookSql.Pending).With("company_id", companyId).ListAsync(Playbook.Map);
    }
}
