using FluidManager.Grains.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FluidManager.Api.Access;

/// <summary>
/// The session cookie's behaviour: 401/403 as problem details instead of redirects, and on every
/// request a check that the membership still exists (a removed or disabled user is signed out at
/// once) and that the cookie's role is current.
/// </summary>
public sealed class CookieSessionEvents(UserDirectory users) : CookieAuthenticationEvents
{
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) => AccessProblems.UnauthenticatedAsync(context.HttpContext);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) => AccessProblems.ForbiddenAsync(context.HttpContext);

    public override Task RedirectToLogout(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    public override Task RedirectToReturnUrl(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var claimed = AccessClaims.ToIdentity(context.Principal);
        var current = claimed is null ? null : await users.FindIdentityAsync(claimed.UserId, claimed.CompanyId, context.HttpContext.RequestAborted);
        if (current is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AccessSchemes.Cookie);
            return;
        }

        if (current != claimed)
        {
            context.ReplacePrincipal(AccessClaims.ToPrincipal(current, AccessSchemes.Cookie));
            context.ShouldRenew = true;
        }
    }
}
