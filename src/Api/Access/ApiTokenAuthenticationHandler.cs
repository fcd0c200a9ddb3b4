using System.Text.Encodings.Web;
using FluidManager.Api.Hosting;
using FluidManager.Grains.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FluidManager.Api.Access;

/// <summary>
/// Authenticates "Authorization: Bearer fm_&lt;prefix&gt;_&lt;secret&gt;" (personal API tokens). Browsers
/// cannot set headers on WebSockets, so requests to /hubs may pass the token as <c>access_token</c>.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenStore tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>True when the request presents a bearer token (the policy scheme then sends it here).</summary>
    public static bool HasToken(HttpContext context) => Presented(context) is not null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Presented(Context) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var found = await tokens.AuthenticateAsync(token, Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired, or its account is disabled.");
        }

        var principal = AccessClaims.ToPrincipal(found.Identity, Scheme.Name, found.TokenId);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers[HeaderNames.WWWAuthenticate] = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Authentication required.",
            result.Failure?.Message ?? "Sign in, or send a personal API token as \"Authorization: Bearer fm_…\".", "unauthenticated");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AccessProblems.ForbiddenAsync(Context);

    private static string? Presented(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return header[BearerPrefix.Length..].Trim();
        }

        return context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
    }
}

/// <summary>The 401 and 403 answers of both schemes: problem details, never a redirect.</summary>
internal static class AccessProblems
{
    public static Task UnauthenticatedAsync(HttpContext context) => Problems.WriteAsync(context, StatusCodes.Status401Unauthorized,
        "Authentication required.", "Sign in, or send a personal API token as \"Authorization: Bearer fm_…\".", "unauthenticated");

    public static Task ForbiddenAsync(HttpContext context) => Problems.WriteAsync(context, StatusCodes.Status403Forbidden,
        "Your role does not allow this.", $"Your role in this company ({AccessClaims.ToIdentity(context.User)?.Role ?? "none"}) does not allow this request.", "forbidden");
}
