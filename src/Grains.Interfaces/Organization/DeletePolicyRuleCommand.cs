namespace FluidManager.Grains.Interfaces.Organization;

public sealed record DeletePolicyRuleCommand(long CompanyId, long RuleId, long? ExpectedVersion = null);
