using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Hosting;

/// <summary>Settings of the HTTP host. Section <c>Fluid:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Fluid:Api";

    /// <summary>
    /// Folder of the built dashboard. Default: <c>wwwroot</c> under the content root when it exists,
    /// else <c>../Dashboard/dist</c> (a source checkout after <c>npm run build</c>).
    /// </summary>
    public string? DashboardPath { get; set; }
}

/// <summary>Wiring of the HTTP host: services, middleware, health, documentation, dashboard.</summary>
public static class ApiHostingExtensions
{
    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        });
        return builder;
    }

    public static WebApplication UseApiPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the database answers and the schema is current.</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync });
        return app;
    }

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "fluidManager API v1");
            o.RoutePrefix = "swagger";
        });
        return app;
    }

    /// <summary>Serves the dashboard's static files with a fallback to its index for client-side routes.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        var configured = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.DashboardPath;
        var root = new[] { configured, Path.Combine(app.Environment.ContentRootPath, "wwwroot"), Path.Combine(app.Environment.ContentRootPath, "..", "Dashboard", "dist") }
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => Path.GetFullPath(p!))
            .FirstOrDefault(p => File.Exists(Path.Combine(p, "index.html")));
        if (root is null)
        {
            app.MapGet("/", () => TypedResults.Content(
                "<!doctype html><title>fluidManager</title><p>The dashboard is not built. Run <code>npm run build</code> in src/Dashboard, or set Fluid:Api:DashboardPath.</p>",
                "text/html"));
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapFallbackToFile("index.html", new StaticFileOptions { FileProvider = files });
        return app;
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
