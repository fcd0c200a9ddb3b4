using FluidManager.Grains.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Access;

/// <summary>
/// The authorization policies. Every endpoint requires a signed-in member unless it says
/// <c>AllowAnonymous</c>; company endpoints state one of these: <see cref="Read"/> for queries,
/// <see cref="Command"/> for anything that changes the company's work, <see cref="Admin"/> for
/// settings and users.
/// </summary>
public static class AccessPolicies
{
    /// <summary>Any member of the current company (ceo, admin, viewer).</summary>
    public const string Read = "read";

    /// <summary>The ceo: commands to agents, tasks, meetings.</summary>
    public const string Command = "command";

    /// <summary>A ceo or an admin: settings and users.</summary>
    public const string Admin = "admin";

    /// <summary>A ceo or an admin of the operator company: cluster-wide views (silos, dead letters of every company).</summary>
    public const string Operator = "operator";

    /// <summary>The per-client-address rate limit of the login endpoint.</summary>
    public const string LoginRateLimit = "login";

    /// <summary>Marks an endpoint that acts on the caller's own session, password or tokens: open to every member, whatever the role.</summary>
    public static TBuilder Personal<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Read).WithMetadata(PersonalEndpointMetadata.Instance);
}

/// <summary>Endpoint metadata: acts on the caller's own session, password or tokens, so a viewer may call it too.</summary>
public sealed class PersonalEndpointMetadata
{
    public static PersonalEndpointMetadata Instance { get; } = new();

    private PersonalEndpointMetadata()
    {
    }
}

/// <summary>Admits a ceo or admin of the operator company (<see cref="AuthOptions.OperatorCompanyId"/>, default the first company).</summary>
public sealed class OperatorRequirement : IAuthorizationRequirement;

internal sealed class OperatorAuthorizationHandler(CompanyDirectory companies, IOptions<AuthOptions> options) : AuthorizationHandler<OperatorRequirement>
{
    /// <summary>The first company's id once known (0 before): companies are never renumbered.</summary>
    private long _firstCompany;

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OperatorRequirement requirement)
    {
        if (AccessClaims.ToIdentity(context.User) is not { Role: CompanyRoles.Ceo or CompanyRoles.Admin } identity)
        {
            return;
        }

        var operatorCompany = options.Value.OperatorCompanyId ?? await FirstCompanyAsync();
        if (identity.CompanyId == operatorCompany)
        {
            context.Succeed(requirement);
        }
    }

    private async Task<long?> FirstCompanyAsync()
    {
        var known = Volatile.Read(ref _firstCompany);
        if (known != 0)
        {
            return known;
        }

        var first = await companies.FirstCompanyIdAsync(CancellationToken.None);
        if (first is { } id)
        {
            Volatile.Write(ref _firstCompany, id);
        }

        return first;
    }
}
