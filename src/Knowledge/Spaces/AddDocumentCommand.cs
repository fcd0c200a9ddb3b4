using FluidManager.Grains.Interfaces.Artifacts;

namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// Records a document whose bytes are already in object storage and queues its ingestion. A document of
/// the same name is replaced; it keeps its tags and metadata unless new ones are given.
/// </summary>
[GenerateSerializer]
[Alias("fm.knowledge.AddDocumentCommand")]
public sealed record AddDocumentCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] string Name,
    [property: Id(2)] StoredObject Object,
    [property: Id(3)] IReadOnlyList<string?>? Tags = null,
    [property: Id(4)] IReadOnlyDictionary<string, string?>? Metadata = null);
