using FluidManager.Grains.Access;

namespace FluidManager.Api.Access;

/// <summary>
/// Who is calling, for which company: what every company endpoint needs. Take it as an endpoint
/// parameter. Grain calls made during the request already run as <see cref="Actor"/>.
/// </summary>
public interface ICompanyContext
{
    /// <summary>The company every read and command of this request is scoped to.</summary>
    long CompanyId { get; }

    long UserId { get; }

    /// <summary>ceo, admin or viewer (see <see cref="CompanyRoles"/>).</summary>
    string Role { get; }

    /// <summary>The actor recorded on events and in the worklog: <c>human:{UserId}</c>.</summary>
    string Actor { get; }

    AccessIdentity Identity { get; }
}

/// <summary>Reads the <see cref="ICompanyContext"/> of the current request from its claims.</summary>
internal sealed class HttpCompanyContext(IHttpContextAccessor accessor) : ICompanyContext
{
    private AccessIdentity? _identity;

    public AccessIdentity Identity => _identity ??= AccessClaims.ToIdentity(accessor.HttpContext?.User)
        ?? throw new InvalidOperationException("No authenticated user: the company context is only available to endpoints that require authentication.");

    public long CompanyId => Identity.CompanyId;

    public long UserId => Identity.UserId;

    public string Role => Identity.Role;

    public string Actor => ActorOf(Identity.UserId);

    public static string ActorOf(long userId) => $"human:{userId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
