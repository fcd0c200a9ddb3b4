using System.Text.Json;
using System.Text.Json.Serialization;
using FluidManager.Api.Access;
using FluidManager.Api.Idempotency;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Hosting;

/// <summary>Wiring of the HTTP host: services, middleware, health, documentation, dashboard.</summary>
public static class ApiHostingExtensions
{
    /// <summary>Every path that is not a file and not under /api, /hubs, /health, /openapi, /swagger or /orleans (the Orleans Dashboard).</summary>
    private const string ClientRoutes = "{*path:nonfile:regex(^(?!(api|hubs|health|openapi|swagger|orleans)(/|$)))}";

    /// <summary>Problem details for every error, JSON, request body limits, idempotency keys, OpenAPI.</summary>
    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section)
            .Validate(o => o.MaxRequestBodyBytes >= 1024, $"{ApiOptions.Section}:MaxRequestBodyBytes must be at least 1024.")
            .Validate(o => o.MaxUploadBytes >= 1024, $"{ApiOptions.Section}:MaxUploadBytes must be at least 1024.")
            .ValidateOnStart();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions.TryAdd("code", Problems.DefaultCode(problem.Status ?? context.HttpContext.Response.StatusCode));
            problem.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        // Malformed JSON and unbindable parameters become BadHttpRequestException, which the handler names in a 400 problem.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Enums travel as their snake_case names ("awaiting_approval"), the same as in event payloads.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        });
        builder.Services.AddHostedService<IdempotencyJanitor>();
        builder.Services.AddOpenApi(o => o.AddContract());
        return builder;
    }

    /// <summary>
    /// The middleware, in order: errors as problem details; the dashboard's files and the API
    /// explorer (public); routing; body limits; authentication and authorization; the login rate
    /// limit; the request's actor for grain turns; idempotency keys.
    /// </summary>
    public static WebApplication UseApiPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (DashboardFiles(app) is { } files)
        {
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "fluidManager API v1");
            o.RoutePrefix = "swagger";
        });
        app.UseRouting();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<ActorScopeMiddleware>();
        app.UseMiddleware<IdempotencyMiddleware>();
        return app;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the database answers and the schema is current.</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        return app;
    }

    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c> (the explorer is at <c>/swagger</c>).</summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The dashboard's client-side routes fall back to its index. Paths of the API, the hubs, health,
    /// documentation and the Orleans Dashboard never do: there an unknown path is a 404 (or 405) problem.
    /// </summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        if (DashboardFiles(app) is { } files)
        {
            app.MapFallbackToFile(ClientRoutes, "index.html", new StaticFileOptions { FileProvider = files }).AllowAnonymous();
            return app;
        }

        app.MapGet("/", () => TypedResults.Content(
            "<!doctype html><title>fluidManager</title><p>The dashboard is not built. Run <code>npm run build</code> in src/Dashboard, or set Fluid:Api:DashboardPath.</p>",
            "text/html")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static PhysicalFileProvider? DashboardFiles(WebApplication app)
    {
        var configured = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.DashboardPath;
        var root = new[] { configured, Path.Combine(app.Environment.ContentRootPath, "wwwroot"), Path.Combine(app.Environment.ContentRootPath, "..", "Dashboard", "dist") }
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => Path.GetFullPath(p!))
            .FirstOrDefault(p => File.Exists(Path.Combine(p, "index.html")));
        return root is null ? null : new PhysicalFileProvider(root);
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}
