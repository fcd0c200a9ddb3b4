using System.Diagnostics.Metrics;
using FluidManager.Api.Access;
using FluidManager.Runtime.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;

namespace FluidManager.Api.Operators;

/// <summary>Settings of the Prometheus scrape endpoint. Section <c>Fluid:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Fluid:Metrics";

    /// <summary>
    /// A port of the Api's own (listed in <c>ASPNETCORE_URLS</c> too, and never published) on which
    /// <c>/metrics</c> answers without signing in, for a Prometheus on a private network. 0 (default):
    /// <c>/metrics</c> answers operators only, like the other cluster-wide views.
    /// </summary>
    public int Port { get; set; }

    /// <summary>How long the figures read from the database are reused between scrapes. Default 15 s.</summary>
    public TimeSpan DatabaseRefresh { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// OpenTelemetry for the Api, and the Prometheus scrape endpoint <c>/metrics</c>. Besides the
/// process's own metrics, the endpoint carries cluster-wide figures read from the database
/// (<see cref="DatabaseGauges"/>), so one scrape of the Api shows the whole company fleet.
/// </summary>
public static class OperatorMetrics
{
    public const string Path = "/metrics";

    private const string Policy = "metrics";

    private static int s_hosts;

    public static IHostApplicationBuilder AddOperatorMetrics(this IHostApplicationBuilder builder)
    {
        builder.AddFluidTelemetry("fluidmanager-api");
        builder.Services.AddOptions<MetricsOptions>()
            .BindConfiguration(MetricsOptions.Section)
            .Validate(o => o.Port is >= 0 and <= 65535, $"{MetricsOptions.Section}:Port must be a TCP port (0 for none).")
            .Validate(o => o.DatabaseRefresh > TimeSpan.Zero, $"{MetricsOptions.Section}:DatabaseRefresh must be positive.")
            .ValidateOnStart();
        // Each host listens to its own meter only: a meter listener binds a metric stream to the first
        // meter of a name, so two hosts in one process (tests, or an embedded host) must never share one.
        var meterName = $"{DatabaseGauges.MeterName}.{Interlocked.Increment(ref s_hosts)}";
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DatabaseGauges>(sp, meterName));
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(meterName).AddPrometheusExporter());
        builder.Services.AddSingleton<IAuthorizationHandler, MetricsAccessHandler>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddRequirements(new MetricsAccessRequirement()));
        return builder;
    }

    /// <summary>Maps <c>/metrics</c>: operators only, or anyone on <see cref="MetricsOptions.Port"/>.</summary>
    public static IEndpointRouteBuilder MapOperatorMetrics(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<DatabaseGauges>(); // creates the instruments
        app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(Policy);
        return app;
    }
}

/// <summary>Admits callers on the metrics port, and operators anywhere.</summary>
internal sealed class MetricsAccessRequirement : IAuthorizationRequirement;

internal sealed class MetricsAccessHandler(IOptions<MetricsOptions> options) : AuthorizationHandler<MetricsAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, MetricsAccessRequirement requirement)
    {
        if (context.Resource is not HttpContext http)
        {
            return;
        }

        if (options.Value.Port > 0 && http.Connection.LocalPort == options.Value.Port)
        {
            context.Succeed(requirement);
            return;
        }

        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        if ((await authorization.AuthorizeAsync(context.User, http, AccessPolicies.Operator)).Succeeded)
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// Cluster-wide figures read from the database: tasks by status, model spend and tokens, the p95 of
/// recent model calls, the activities backlog, dead letters and silos. Read in one round trip at
/// most every <see cref="MetricsOptions.DatabaseRefresh"/>, however often Prometheus scrapes.
/// </summary>
public sealed class DatabaseGauges : IDisposable
{
    public const string MeterName = "FluidManager.Cluster";

    private const string Sql = """
        SELECT 'tasks' AS metric, status AS label, count(*)::float8 AS value FROM tasks GROUP BY status
        UNION ALL SELECT 'activities', status, count(*) FROM runtime.activities WHERE status IN ('pending', 'running') GROUP BY status
        UNION ALL SELECT 'dead_letters', '', count(*) FROM runtime.dead_letters
        UNION ALL SELECT 'spend_usd', '', coalesce(sum(cost), 0)::float8 FROM llm_calls
        UNION ALL SELECT 'tokens', 'input', coalesce(sum(input_tokens), 0)::float8 FROM llm_calls
        UNION ALL SELECT 'tokens', 'output', coalesce(sum(output_tokens), 0)::float8 FROM llm_calls
        UNION ALL SELECT 'model_p95_s', '', coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms), 0) / 1000.0
          FROM llm_calls WHERE at > now() - interval '15 minutes'
        UNION ALL SELECT 'model_calls_15m', CASE WHEN succeeded THEN 'succeeded' ELSE 'failed' END, count(*)
          FROM llm_calls WHERE at > now() - interval '15 minutes' GROUP BY succeeded
        UNION ALL SELECT 'silos', CASE status WHEN 3 THEN 'active' WHEN 6 THEN 'dead' WHEN 5 THEN 'stopping' ELSE 'joining' END, count(*)
          FROM orleansmembershiptable WHERE deploymentid = @cluster GROUP BY status
        """;

    private static readonly string[] TaskStatuses = ["queued", "running", "paused", "blocked", "awaiting_approval", "done", "failed", "cancelled"];

    private readonly Meter _meter;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _clusterId;
    private readonly KeyValuePair<string, object?> _database;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refresh;
    private readonly ILogger<DatabaseGauges> _logger;
    private readonly Lock _gate = new();
    private IReadOnlyList<(string Metric, string Label, double Value)> _figures = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public DatabaseGauges(string meterName, NpgsqlDataSource dataSource, FluidClusterOptions cluster, TimeProvider time, IOptions<MetricsOptions> options, ILogger<DatabaseGauges> logger)
    {
        _dataSource = dataSource;
        _clusterId = cluster.ClusterId;
        // Every figure names its database, so that two clusters (or two hosts in one process) never mix.
        var database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database;
        _database = new("database", database);
        _meter = new Meter(meterName);
        _time = time;
        _refresh = options.Value.DatabaseRefresh;
        _logger = logger;
        _meter.CreateObservableGauge("fm.tasks", () => Measure("tasks", "status", TaskStatuses), "{task}", "Tasks of every company, by status.");
        _meter.CreateObservableGauge("fm.activities", () => Measure("activities", "status", ["pending", "running"]), "{activity}", "Activities waiting or running (the backlog of slow work).");
        _meter.CreateObservableGauge("fm.dead_letters", () => Measure("dead_letters"), "{message}", "Messages in the dead letters.");
        _meter.CreateObservableCounter("fm.model.spend_usd", () => Measure("spend_usd"), description: "Model spend of every company, in USD.");
        _meter.CreateObservableCounter("fm.model.tokens", () => Measure("tokens", "direction", ["input", "output"]), "{token}", "Model tokens of every company.");
        _meter.CreateObservableGauge("fm.model.call_p95", () => Measure("model_p95_s"), "s", "95th percentile of the model calls of the last 15 minutes.");
        _meter.CreateObservableGauge("fm.model.calls_15m", () => Measure("model_calls_15m", "outcome", ["succeeded", "failed"]), "{call}", "Model calls of the last 15 minutes.");
        _meter.CreateObservableGauge("fm.silos", () => Measure("silos", "status", ["active", "joining", "stopping", "dead"]), "{silo}", "Silos of the cluster, by membership status.");
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> Measure(string metric, string? labelName = null, string[]? labels = null)
    {
        var figures = Figures().Where(f => f.Metric == metric).ToList();
        if (labelName is null)
        {
            return [new Measurement<double>(figures.Sum(f => f.Value), _database)];
        }

        // Every label is reported, zero included, so a status that empties shows 0 rather than vanishing.
        return (labels ?? []).Union(figures.Select(f => f.Label))
            .Select(label => new Measurement<double>(figures.Where(f => f.Label == label).Sum(f => f.Value), _database, new KeyValuePair<string, object?>(labelName, label)));
    }

    private IReadOnlyList<(string Metric, string Label, double Value)> Figures()
    {
        lock (_gate)
        {
            if (_time.GetUtcNow() - _readAt < _refresh)
            {
                return _figures;
            }

            try
            {
                using var command = _dataSource.CreateCommand(Sql);
                command.Parameters.AddWithValue("cluster", _clusterId);
                using var reader = command.ExecuteReader();
                var figures = new List<(string, string, double)>();
                while (reader.Read())
                {
                    figures.Add((reader.GetString(0), reader.GetString(1), reader.GetDouble(2)));
                }

                _figures = figures;
            }
            catch (NpgsqlException ex)
            {
                Log.MetricsReadFailed(_logger, ex.Message); // keep the last figures; the next scrape tries again
            }

            _readAt = _time.GetUtcNow();
            return _figures;
        }
    }
}
