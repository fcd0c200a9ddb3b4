using System.ComponentModel;
using FluidManager.Grains.Interfaces;

namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// One knowledge space (key = space id): its ACL and its documents. Ingestion runs as the
/// <c>knowledge.ingest</c> activity; its outcome comes back to this grain, which makes the new chunks
/// searchable in one row update.
/// </summary>
[Alias("fm.IKnowledgeSpaceGrain")]
public interface IKnowledgeSpaceGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<KnowledgeSpaceDto> GetAsync(long companyId);

    Task<KnowledgeSpaceDto> UpdateAsync(UpdateSpaceCommand command);

    Task<KnowledgeSpaceDto> SetAclAsync(SetAclCommand command);

    /// <summary>Deletes the space, its documents and chunks; returns the object keys of the documents' bytes, to delete.</summary>
    Task<IReadOnlyList<string>> DeleteAsync(long companyId, long? expectedVersion = null);

    /// <summary>Records an uploaded document (or a new version of the one with the same name) and queues its ingestion.</summary>
    Task<DocumentUpload> AddDocumentAsync(AddDocumentCommand command);

    /// <summary>The space's documents, or only those carrying <paramref name="tag"/>.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<DocumentDto>> ListDocumentsAsync(long companyId, string? tag = null);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<DocumentDto> GetDocumentAsync(long companyId, long documentId);

    /// <summary>Replaces the document's tags and/or metadata (checked by the space's ACL when an agent does so).</summary>
    Task<DocumentDto> UpdateDocumentAsync(UpdateDocumentCommand command);

    /// <summary>Queues a new ingestion of a failed (or ready) document from its stored bytes.</summary>
    Task<DocumentDto> RetryDocumentAsync(long companyId, long documentId);

    /// <summary>Deletes the document and its chunks; returns the object key of its bytes, to delete.</summary>
    Task<string> DeleteDocumentAsync(long companyId, long documentId);

    /// <summary>Called by the ingestion activity when it starts: false when that generation is no longer wanted.</summary>
    Task<bool> StartIngestionAsync(long documentId, int generation);
}
