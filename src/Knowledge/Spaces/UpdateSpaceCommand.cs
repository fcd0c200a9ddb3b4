namespace FluidManager.Knowledge.Spaces;

/// <summary>Renames a space or changes its description.</summary>
[GenerateSerializer]
[Alias("fm.knowledge.UpdateSpaceCommand")]
public sealed record UpdateSpaceCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description = null,
    [property: Id(3)] long? ExpectedVersion = null);
