namespace FluidManager.Grains.Interfaces.Organization;

[GenerateSerializer]
[Alias("fm.organization.DeletePolicyRuleCommand")]
public sealed record DeletePolicyRuleCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long RuleId,
    [property: Id(2)] long? ExpectedVersion = null);
