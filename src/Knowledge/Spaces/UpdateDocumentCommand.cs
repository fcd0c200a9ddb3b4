namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// Replaces a document's tags and/or metadata; a null one is left as it is. With <see cref="ExpectedVersion"/>, the
/// change is made only while the document is still at that version (else <c>VersionMismatchException</c>).
/// </summary>
[GenerateSerializer]
[Alias("fm.knowledge.UpdateDocumentCommand")]
public sealed record UpdateDocumentCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long DocumentId,
    [property: Id(2)] IReadOnlyList<string?>? Tags = null,
    [property: Id(3)] IReadOnlyDictionary<string, string?>? Metadata = null,
    [property: Id(4)] long? ExpectedVersion = null);
