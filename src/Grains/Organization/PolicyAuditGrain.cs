using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Organization;

/// <summary>Writes policy denials to the company's stream, each in a turn of its own.</summary>
[GrainType("policy-audit")]
public sealed class PolicyAuditGrain(ITurnContext context) : DurableGrain, IPolicyAuditGrain
{
    protected override ITurnContext Turn => context;

    public async Task RecordDenialAsync(PolicyDenial denial)
    {
        ArgumentNullException.ThrowIfNull(denial);
        var companyId = context.KeyAsId("Company");
        await context.PublishAsync(Streams.Company(companyId), EventTypes.PolicyDenied, denial with { CompanyId = companyId }, companyId);
    }
}
