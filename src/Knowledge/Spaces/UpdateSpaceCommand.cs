namespace FluidManager.Knowledge.Spaces;

/// <summary>Renames a space or changes its description.</summary>
public sealed record UpdateSpaceCommand(long CompanyId, string Name, string? Description = null, long? ExpectedVersion = null);
