namespace FluidManager.Knowledge.Retrieval;

/// <summary>
/// One passage returned by a search, with what a citation needs: the document, the chunk and its
/// position (ordinal and character range in the document's extracted text), the fused score and the
/// rank it had in the vector and the full-text lists (null when absent from one).
/// </summary>
public sealed record Citation(
    int Rank,
    long ChunkId,
    long DocumentId,
    string DocumentName,
    long SpaceId,
    string SpaceName,
    int Ordinal,
    string Heading,
    int CharStart,
    int CharEnd,
    double Score,
    int? VectorRank,
    int? TextRank,
    double? Distance,
    string Text);
