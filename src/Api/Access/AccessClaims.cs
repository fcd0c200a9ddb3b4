using System.Globalization;
using System.Security.Claims;
using FluidManager.Grains.Access;

namespace FluidManager.Api.Access;

/// <summary>The claims of an authenticated request: user, e-mail, name, company, role, and how it signed in.</summary>
public static class AccessClaims
{
    public const string UserId = ClaimTypes.NameIdentifier;
    public const string Email = ClaimTypes.Email;
    public const string Name = ClaimTypes.Name;
    public const string Role = ClaimTypes.Role;
    public const string CompanyId = "fluid:company";
    public const string TokenId = "fluid:token";

    /// <summary>"cookie" or "token".</summary>
    public const string Method = "fluid:method";

    public static ClaimsPrincipal ToPrincipal(AccessIdentity identity, string scheme, long? tokenId = null)
    {
        var claims = new List<Claim>
        {
            new(UserId, identity.UserId.ToString(CultureInfo.InvariantCulture)),
            new(Email, identity.Email),
            new(Name, identity.DisplayName),
            new(CompanyId, identity.CompanyId.ToString(CultureInfo.InvariantCulture)),
            new(Role, identity.Role),
            new(Method, tokenId is null ? "cookie" : "token"),
        };
        if (tokenId is { } id)
        {
            claims.Add(new Claim(TokenId, id.ToString(CultureInfo.InvariantCulture)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, Name, Role));
    }

    /// <summary>The identity a principal carries; null for anonymous or incomplete principals.</summary>
    public static AccessIdentity? ToIdentity(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true
            || !long.TryParse(principal.FindFirstValue(UserId), NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            || !long.TryParse(principal.FindFirstValue(CompanyId), NumberStyles.None, CultureInfo.InvariantCulture, out var companyId)
            || principal.FindFirstValue(Role) is not { } role)
        {
            return null;
        }

        return new AccessIdentity(userId, principal.FindFirstValue(Email) ?? "", principal.FindFirstValue(Name) ?? "", companyId, role);
    }

    public static bool IsToken(ClaimsPrincipal principal) => principal.FindFirstValue(Method) == "token";
}
