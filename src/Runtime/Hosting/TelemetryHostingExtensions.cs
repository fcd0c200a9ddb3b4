using FluidManager.Runtime.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FluidManager.Runtime.Hosting;

/// <summary>OpenTelemetry for the Silo and the Api.</summary>
public static class TelemetryHostingExtensions
{
    /// <summary>The standard variable that turns the OTLP exporter on (e.g. <c>http://collector:4317</c>).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Orleans' activity sources (grain calls across silos), subscribed when traces are exported.</summary>
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Sources of model-call telemetry (Microsoft.Extensions.AI's OpenTelemetry client).</summary>
    private static readonly string[] GenAiSources = ["Experimental.Microsoft.Extensions.AI", "Microsoft.Extensions.AI"];

    /// <summary>Seconds: turns take milliseconds, activities (model calls) seconds to minutes.</summary>
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    /// <summary>
    /// Adds OpenTelemetry traces and metrics:
    /// <list type="bullet">
    /// <item>metrics of ASP.NET Core, HttpClient, Npgsql, the .NET runtime, Orleans (<c>Microsoft.Orleans</c>),
    /// model calls (gen_ai conventions) and the product's own (<c>FluidManager.*</c>: turns, activities);</item>
    /// <item>traces of the same, where each task's activities (model calls, tool calls) share the task's trace;</item>
    /// <item>the OTLP exporter when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, configured by the standard
    /// <c>OTEL_*</c> variables (<c>OTEL_SERVICE_NAME</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>…).</item>
    /// </list>
    /// Traces are only collected when they are exported. The Api adds a Prometheus scrape endpoint on top.
    /// </summary>
    public static IHostApplicationBuilder AddFluidTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName, serviceInstanceId: $"{Environment.MachineName}-{Environment.ProcessId}"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("Microsoft.Orleans")
                .AddMeter($"{FluidTelemetry.Prefix}.*")
                .AddMeter(GenAiSources)
                .AddView("fm.turn.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets })
                .AddView("fm.activity.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets }));
        if (exportOtlp)
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddSource(OrleansSources)
                    .AddSource($"{FluidTelemetry.Prefix}.*")
                    .AddSource(GenAiSources))
                .UseOtlpExporter();
        }

        return builder;
    }
}
