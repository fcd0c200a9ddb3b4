using FluidManager.Grains.Interfaces.Artifacts;

namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Records an uploaded image (already in object storage) as the agent's avatar.</summary>
public sealed record SetAvatarCommand(long CompanyId, StoredObject Image, string FileName, long? ExpectedVersion = null);
