using FluidManager.Api.Hosting;
using FluidManager.Api.Idempotency;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Access;

public sealed record LoginRequest(string? Email, string? Password, long? CompanyId);

public sealed record SwitchCompanyRequest(long? CompanyId);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record SessionUser(long Id, string Email, string DisplayName);

/// <summary>The signed-in user, the current company and role, every company the user belongs to, and how the request authenticated ("cookie" or "token").</summary>
public sealed record Session(SessionUser User, CompanyMembership Company, string Role, IReadOnlyList<CompanyMembership> Companies, string Authentication);

/// <summary>Sign-in and the caller's own session: login, logout, me, switch company, change password.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");

        group.MapPost("/login", LoginAsync)
            .AllowAnonymous()
            .RequireRateLimiting(AccessPolicies.LoginRateLimit)
            .WithoutIdempotency()
            .WithName("Login")
            .WithSummary("Signs in with e-mail and password (optionally into a given company) and sets the session cookie.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/logout", (Func<HttpContext, Task<NoContent>>)LogoutAsync)
            .AllowAnonymous()
            .WithoutIdempotency()
            .WithName("Logout")
            .WithSummary("Ends the dashboard session (removes the cookie). API tokens are revoked with DELETE /api/tokens/{id}.");

        group.MapGet("/me", MeAsync)
            .Personal()
            .WithName("GetSession")
            .WithSummary("The signed-in user, the current company and role, and every company the user belongs to.");

        group.MapPost("/switch", SwitchAsync)
            .Personal()
            .WithoutIdempotency()
            .WithName("SwitchCompany")
            .WithSummary("Re-issues the session cookie for another company the user belongs to (404 for any other).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/password", ChangePasswordAsync)
            .Personal()
            .WithoutIdempotency()
            .WithName("ChangePassword")
            .WithSummary("Changes the caller's own password, given the current one.")
            .ProducesValidationProblem();

        return app;
    }

    private static async Task<Results<Ok<Session>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext http, UserDirectory users, LoginThrottle throttle, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(AuthApi));
        var errors = new FieldErrors();
        var email = AccessInput.Email(request.Email, errors);
        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("password", "A password is required.");
        }

        errors.ThrowIfAny();

        var address = LoginThrottle.ClientAddress(http);
        if (!throttle.TryAcquire(address, email!, out var retryAfter))
        {
            Log.SignInThrottled(logger, email!, address);
            if (retryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Problems.Result(StatusCodes.Status429TooManyRequests, "Too many sign-in attempts.", "Too many sign-in attempts for this address: wait a minute and try again.", "rate_limited");
        }

        var identity = await users.VerifyPasswordAsync(email!, request.Password!, request.CompanyId, cancellationToken);
        if (identity is null)
        {
            Log.SignInFailed(logger, email!, address);
            return Problems.Result(StatusCodes.Status401Unauthorized, "Sign-in failed.", "The e-mail address or the password is wrong.", "auth.invalid_credentials");
        }

        await http.SignInAsync(AccessSchemes.Cookie, AccessClaims.ToPrincipal(identity, AccessSchemes.Cookie), new AuthenticationProperties { IsPersistent = true });
        Log.SignedIn(logger, identity.UserId, identity.CompanyId);
        return TypedResults.Ok(await SessionOfAsync(identity, "cookie", users, cancellationToken));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(AccessSchemes.Cookie);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Session>> MeAsync(ICompanyContext caller, HttpContext http, UserDirectory users, CancellationToken cancellationToken) =>
        TypedResults.Ok(await SessionOfAsync(caller.Identity, AccessClaims.IsToken(http.User) ? "token" : "cookie", users, cancellationToken));

    private static async Task<Ok<Session>> SwitchAsync(SwitchCompanyRequest request, ICompanyContext caller, HttpContext http, UserDirectory users, CancellationToken cancellationToken)
    {
        if (request.CompanyId is not { } companyId)
        {
            throw new ValidationException("companyId", "The company to switch to is required.");
        }

        if (AccessClaims.IsToken(http.User))
        {
            throw new ConflictException("An API token belongs to one company: create a token in the other company instead.", "auth.token_bound_to_company");
        }

        var identity = await users.FindIdentityAsync(caller.UserId, companyId, cancellationToken) ?? throw new NotFoundException("Company", companyId);
        await http.SignInAsync(AccessSchemes.Cookie, AccessClaims.ToPrincipal(identity, AccessSchemes.Cookie), new AuthenticationProperties { IsPersistent = true });
        return TypedResults.Ok(await SessionOfAsync(identity, "cookie", users, cancellationToken));
    }

    private static async Task<NoContent> ChangePasswordAsync(ChangePasswordRequest request, ICompanyContext caller, UserDirectory users, CancellationToken cancellationToken)
    {
        await users.ChangePasswordAsync(caller.UserId, request.CurrentPassword, request.NewPassword, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Session> SessionOfAsync(AccessIdentity identity, string authentication, UserDirectory users, CancellationToken cancellationToken)
    {
        var companies = await users.ListCompaniesAsync(identity.UserId, cancellationToken);
        var current = companies.FirstOrDefault(c => c.Id == identity.CompanyId) ?? throw new NotFoundException("Company", identity.CompanyId);
        return new Session(new SessionUser(identity.UserId, identity.Email, identity.DisplayName), current, identity.Role, companies, authentication);
    }
}
