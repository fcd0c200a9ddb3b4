using FluidManager.Api.Idempotency;
using FluidManager.Grains.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Access;

public sealed record CreateTokenRequest(string? Name, DateTimeOffset? ExpiresAt);

/// <summary>A token just created. <see cref="Token"/> is shown this once; only its hash is kept.</summary>
public sealed record CreatedToken(long Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Token);

/// <summary>The caller's personal API tokens in the current company ("Authorization: Bearer fm_…").</summary>
public static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tokens").WithTags("Tokens").Personal();

        group.MapGet("/", ListAsync)
            .WithName("ListTokens")
            .WithSummary("The caller's API tokens in the current company, revoked ones included; never their secrets.");

        group.MapPost("/", CreateAsync)
            .WithoutIdempotency()
            .WithName("CreateToken")
            .WithSummary("Creates an API token that acts as the caller in the current company; the secret is in this response only.")
            .ProducesValidationProblem();

        group.MapDelete("/{id:long}", RevokeAsync)
            .WithName("RevokeToken")
            .WithSummary("Revokes one of the caller's tokens; it stops working at once.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<ApiTokenInfo>>> ListAsync(ICompanyContext caller, ApiTokenStore tokens, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tokens.ListAsync(caller.CompanyId, caller.UserId, cancellationToken));

    private static async Task<Created<CreatedToken>> CreateAsync(CreateTokenRequest request, ICompanyContext caller, ApiTokenStore tokens, CancellationToken cancellationToken)
    {
        var issued = await tokens.CreateAsync(caller.CompanyId, caller.UserId, request.Name, request.ExpiresAt, cancellationToken);
        var info = issued.Info;
        return TypedResults.Created($"/api/tokens/{info.Id}", new CreatedToken(info.Id, info.Name, info.Prefix, info.CreatedAt, info.ExpiresAt, issued.Token));
    }

    private static async Task<NoContent> RevokeAsync(long id, ICompanyContext caller, ApiTokenStore tokens, CancellationToken cancellationToken)
    {
        await tokens.RevokeAsync(caller.CompanyId, caller.UserId, id, cancellationToken);
        return TypedResults.NoContent();
    }
}
