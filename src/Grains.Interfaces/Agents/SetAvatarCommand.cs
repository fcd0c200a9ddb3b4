using FluidManager.Grains.Interfaces.Artifacts;

namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Records an uploaded image (already in object storage) as the agent's avatar.</summary>
[GenerateSerializer]
[Alias("fm.agents.SetAvatarCommand")]
public sealed record SetAvatarCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] StoredObject Image,
    [property: Id(2)] string FileName,
    [property: Id(3)] long? ExpectedVersion = null);
