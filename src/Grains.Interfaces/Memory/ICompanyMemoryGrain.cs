using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>Company-wide views of agent memory (key = company id): the proposed playbook changes waiting in the CEO's inbox.</summary>
[Alias("fm.ICompanyMemoryGrain")]
public interface ICompanyMemoryGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<PlaybookChangeDto>> ListPendingPlaybookChangesAsync(long companyId);
}
