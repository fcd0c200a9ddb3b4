namespace FluidManager.Knowledge.Spaces;

/// <summary>Replaces every ACL rule of a space.</summary>
public sealed record SetAclCommand(long CompanyId, IReadOnlyList<AclRule> Rules, long? ExpectedVersion = null);
