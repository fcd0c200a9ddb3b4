namespace FluidManager.Grains.Interfaces.Errors;

/// <summary>The request is valid but the current state forbids it (409), e.g. an illegal status transition.</summary>
[GenerateSerializer]
[Alias("fm.errors.ConflictException")]
public sealed class ConflictException(string message, string code = "conflict") : DomainException(message, code);
