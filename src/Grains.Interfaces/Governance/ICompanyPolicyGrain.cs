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

    /// <summary>Raises the monthly token limit to <paramref name="limit"/> when it is set and lower (an approved budget raise); the rest of the policy stays.</summary>
    Task<CompanyPolicyDto> RaiseTokenLimitAsync(long companyId, long limit);
}
