using System.Text.Json;

namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// A document of a space. <see cref="Generation"/> counts its uploads and retries; <see cref="ActiveGeneration"/>
/// is the one whose chunks are searchable (null before the first successful ingestion). <see cref="Progress"/>
/// is the running ingestion's last report (stage, done, total).
/// </summary>
public sealed record DocumentDto(
    long Id,
    long CompanyId,
    long SpaceId,
    string Name,
    string ContentType,
    long SizeBytes,
    string Sha256,
    DocumentStatus Status,
    string? Error,
    string? Format,
    int Generation,
    int? ActiveGeneration,
    int ChunkCount,
    long CharCount,
    int Attempts,
    JsonElement? Progress,
    string? UploadedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? IngestedAt);
