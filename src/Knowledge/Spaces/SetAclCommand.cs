namespace FluidManager.Knowledge.Spaces;

/// <summary>Replaces every ACL rule of a space.</summary>
[GenerateSerializer]
[Alias("fm.knowledge.SetAclCommand")]
public sealed record SetAclCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] IReadOnlyList<AclRule> Rules,
    [property: Id(2)] long? ExpectedVersion = null);
