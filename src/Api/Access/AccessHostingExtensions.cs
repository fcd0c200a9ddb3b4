using System.Threading.RateLimiting;
using FluidManager.Api.Hosting;
using FluidManager.Grains.Access;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Access;

/// <summary>Wiring of access: sign-in (cookie or API token), the role policies, the login rate limit, the first-start bootstrap.</summary>
public static class AccessHostingExtensions
{
    public static IHostApplicationBuilder AddApiAccess(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.LoginAttemptsPerEmail >= 1 && o.LoginAttemptsPerAddress >= 1, $"{AuthOptions.Section}: login attempts must be at least 1.")
            .Validate(o => o.LoginWindow > TimeSpan.Zero && o.SessionLifetime > TimeSpan.Zero, $"{AuthOptions.Section}: LoginWindow and SessionLifetime must be positive.")
            .ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section);
        services.AddHttpContextAccessor();
        services.AddScoped<ICompanyContext, HttpCompanyContext>();
        services.AddSingleton<LoginThrottle>();
        services.AddHostedService<BootstrapService>();

        // Session cookies must open on every Api instance: the key ring lives in PostgreSQL.
        services.AddDataProtection().SetApplicationName("fluidManager");
        services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeyRepository>((o, keys) => o.XmlRepository = keys);

        services.AddScoped<CookieSessionEvents>();
        services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, "Session cookie or API token", o =>
                o.ForwardDefaultSelector = context => ApiTokenAuthenticationHandler.HasToken(context) ? AccessSchemes.Token : AccessSchemes.Cookie)
            .AddCookie(AccessSchemes.Cookie, o =>
            {
                o.Cookie.Name = AccessSchemes.CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.EventsType = typeof(CookieSessionEvents);
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AccessSchemes.Token, "API token", null);
        services.AddOptions<CookieAuthenticationOptions>(AccessSchemes.Cookie)
            .Configure<IOptions<AuthOptions>>((o, auth) => o.ExpireTimeSpan = auth.Value.SessionLifetime);

        var member = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(AccessClaims.CompanyId).Build();
        services.AddSingleton<IAuthorizationHandler, OperatorAuthorizationHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(member)
            .AddPolicy(AccessPolicies.Read, member)
            .AddPolicy(AccessPolicies.Command, p => p.Combine(member).RequireRole(CompanyRoles.Ceo))
            .AddPolicy(AccessPolicies.Admin, p => p.Combine(member).RequireRole(CompanyRoles.Ceo, CompanyRoles.Admin))
            .AddPolicy(AccessPolicies.Operator, p => p.Combine(member).AddRequirements(new OperatorRequirement()));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
                {
                    context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests.", "Too many sign-in attempts from this address: wait a minute and try again.", "rate_limited");
            };
            o.AddPolicy(AccessPolicies.LoginRateLimit, context =>
            {
                var auth = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(LoginThrottle.ClientAddress(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = auth.LoginAttemptsPerAddress,
                    Window = auth.LoginWindow,
                    QueueLimit = 0,
                });
            });
        });
        return builder;
    }

    /// <summary>Sign-in, companies, users and API tokens.</summary>
    public static IEndpointRouteBuilder MapAccessEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapAuthApi();
        app.MapCompaniesApi();
        app.MapUsersApi();
        app.MapTokensApi();
        return app;
    }
}
