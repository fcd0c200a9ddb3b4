namespace FluidManager.Grains.Interfaces.Errors;

/// <summary>Input that breaks a rule about its shape (400), with the offending fields named.</summary>
[GenerateSerializer]
[Alias("fm.errors.ValidationException")]
public sealed class ValidationException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException("One or more fields are invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")), "validation")
{
    public ValidationException(string field, string error) : this(new Dictionary<string, string[]> { [field] = [error] }) { }

    [Id(0)]
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
