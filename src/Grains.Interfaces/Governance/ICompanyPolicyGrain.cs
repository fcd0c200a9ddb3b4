using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Governance;

/// <summary>The company's governance settings (key = company id).</summary>
[Alias("fm.ICompanyPolicyGrain")]
public interface ICompanyPolicyGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<CompanyPolicyDto> GetAsync(long companyId);

    Task<CompanyPolicyDto> SetAsync(SetCompanyPolicyCommand command);
}
