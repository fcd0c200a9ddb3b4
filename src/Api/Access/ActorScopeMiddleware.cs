using FluidManager.Runtime.Grains;

namespace FluidManager.Api.Access;

/// <summary>Runs an authenticated request under <see cref="CallerContext.As"/> its user, so every grain turn it starts records <c>human:{id}</c> as actor.</summary>
public sealed class ActorScopeMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (AccessClaims.ToIdentity(context.User) is not { } identity)
        {
            await next(context);
            return;
        }

        using (CallerContext.As(HttpCompanyContext.ActorOf(identity.UserId)))
        {
            await next(context);
        }
    }
}
