using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http;

namespace FluidManager.Api.Tests;

public sealed class ActorScopeTests
{
    [Fact]
    public async Task Grain_calls_of_an_authenticated_request_run_as_its_human_user_and_only_during_it()
    {
        string? seen = null;
        var middleware = new ActorScopeMiddleware(_ =>
        {
            seen = CallerContext.Actor;
            return Task.CompletedTask;
        });
        var context = new DefaultHttpContext { User = AccessClaims.ToPrincipal(new AccessIdentity(42, "a@acme.test", "A", 7, CompanyRoles.Ceo), AccessSchemes.Cookie) };

        await middleware.InvokeAsync(context);

        seen.Should().Be("human:42");
        CallerContext.Actor.Should().BeNull();
    }

    [Fact]
    public async Task An_anonymous_request_has_no_actor()
    {
        string? seen = "unset";
        var middleware = new ActorScopeMiddleware(_ =>
        {
            seen = CallerContext.Actor;
            return Task.CompletedTask;
        });

        await middleware.InvokeAsync(new DefaultHttpContext());

        seen.Should().BeNull();
    }
}
