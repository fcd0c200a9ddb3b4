namespace FluidManager.Knowledge.Spaces;

/// <summary>The recorded document, and the object key of the bytes it replaced (to delete), if any.</summary>
public sealed record DocumentUpload(DocumentDto Document, string? ReplacedStorageKey, bool Replaced);
