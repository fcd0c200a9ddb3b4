namespace FluidManager.Grains.Interfaces.Errors;

/// <summary>The thing does not exist, or belongs to another company (answered the same way: 404).</summary>
[GenerateSerializer]
[Alias("fm.errors.NotFoundException")]
public sealed class NotFoundException(string what, object id) : DomainException($"{what} {id} was not found.", "not_found")
{
    [Id(0)]
    public string What { get; } = what;
}
