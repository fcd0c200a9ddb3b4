using System.Text.Json;

namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// A document of a space. <see cref="Generation"/> counts its uploads and retries; <see cref="ActiveGeneration"/>
/// is the one whose chunks are searchable (null before the first successful ingestion). <see cref="Progress"/>
/// is the running ingestion's last report (stage, done, total). <see cref="Tags"/> (lower case, sorted) and
/// <see cref="Metadata"/> (string values) describe it; a space's documents are filtered by tag. <see cref="Version"/>
/// rises with every change of the document (its labels, a new upload, an ingestion's start and end): the Api's ETag
/// for it, which an edit sends back (<c>If-Match</c> or <c>expectedVersion</c>) so as not to overwrite another's change.
/// </summary>
[GenerateSerializer]
[Alias("fm.knowledge.DocumentDto")]
public sealed record DocumentDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] long SpaceId,
    [property: Id(3)] string Name,
    [property: Id(4)] string ContentType,
    [property: Id(5)] long SizeBytes,
    [property: Id(6)] string Sha256,
    [property: Id(7)] DocumentStatus Status,
    [property: Id(8)] string? Error,
    [property: Id(9)] string? Format,
    [property: Id(10)] int Generation,
    [property: Id(11)] int? ActiveGeneration,
    [property: Id(12)] int ChunkCount,
    [property: Id(13)] long CharCount,
    [property: Id(14)] int Attempts,
    [property: Id(15)] JsonElement? Progress,
    [property: Id(16)] string? UploadedBy,
    [property: Id(17)] DateTimeOffset CreatedAt,
    [property: Id(18)] DateTimeOffset UpdatedAt,
    [property: Id(19)] DateTimeOffset? IngestedAt,
    [property: Id(20)] IReadOnlyList<string> Tags,
    [property: Id(21)] IReadOnlyDictionary<string, string> Metadata,
    [property: Id(22)] long Version);
