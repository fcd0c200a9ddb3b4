namespace FluidManager.Grains.Interfaces.Errors;

/// <summary>The thing does not exist, or belongs to another company (answered the same way: 404).</summary>
public sealed class NotFoundException(string what, object id) : DomainException($"{what} {id} was not found.", "not_found")
{
    public string What { get; } = what;
}
