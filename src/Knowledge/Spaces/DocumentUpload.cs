namespace FluidManager.Knowledge.Spaces;

/// <summary>The recorded document, and the object key of the bytes it replaced (to delete), if any.</summary>
[GenerateSerializer]
[Alias("fm.knowledge.DocumentUpload")]
public sealed record DocumentUpload(
    [property: Id(0)] DocumentDto Document,
    [property: Id(1)] string? ReplacedStorageKey,
    [property: Id(2)] bool Replaced);
