namespace FluidManager.Knowledge.Spaces;

/// <summary>Where a document's ingestion stands.</summary>
[GenerateSerializer]
[Alias("fm.knowledge.DocumentStatus")]
public enum DocumentStatus
{
    /// <summary>Uploaded; the ingestion activity is queued.</summary>
    Pending,

    /// <summary>Text extraction, chunking and embedding are running (see the progress).</summary>
    Ingesting,

    /// <summary>Its chunks are searchable.</summary>
    Ready,

    /// <summary>The last ingestion failed (see the error); retry it. Chunks of an earlier version stay searchable.</summary>
    Failed,
}
