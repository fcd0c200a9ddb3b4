namespace FluidManager.Knowledge.Spaces;

/// <summary>Replaces a document's tags and/or metadata; a null one is left as it is.</summary>
[GenerateSerializer]
[Alias("fm.knowledge.UpdateDocumentCommand")]
public sealed record UpdateDocumentCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long DocumentId,
    [property: Id(2)] IReadOnlyList<string?>? Tags = null,
    [property: Id(3)] IReadOnlyDictionary<string, string?>? Metadata = null);
