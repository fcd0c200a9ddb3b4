using FluidManager.Grains.Interfaces.Artifacts;

namespace FluidManager.Knowledge.Spaces;

/// <summary>Records a document whose bytes are already in object storage and queues its ingestion. A document of the same name is replaced.</summary>
public sealed record AddDocumentCommand(long CompanyId, string Name, StoredObject Object);
