using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using FluidManager.Runtime.Grains;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;

namespace FluidManager.Runtime.Hosting;

/// <summary>Makes a host an Orleans silo of the product's cluster.</summary>
public static class SiloHostingExtensions
{
    /// <summary>The ADO.NET invariant of PostgreSQL, which Orleans needs spelled out.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Adds an Orleans silo: ADO.NET clustering and reminders on the product's PostgreSQL (the data
    /// source registered by <see cref="FluidRuntimeHostingExtensions.AddFluidRuntime"/>), endpoints
    /// and ids from <c>Fluid:Cluster</c>, Npgsql exceptions carried to callers, and the Orleans
    /// Dashboard's statistics unless turned off. Used by the Silo and by the Api, which is a silo too.
    /// </summary>
    public static IHostApplicationBuilder AddFluidSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        var cluster = builder.Configuration.GetSection(FluidClusterOptions.Section).Get<FluidClusterOptions>() ?? new FluidClusterOptions();
        var problems = cluster.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        var siloName = builder.Configuration[$"{SiloOptions.Section}:{nameof(SiloOptions.Name)}"] is { Length: > 0 } name
            ? name
            : $"{Environment.MachineName}-{Environment.ProcessId}";
        builder.Services.AddSingleton(cluster);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = siloName);
            var siloPort = cluster.SiloPort == 0 ? FreePort.Pick(except: cluster.GatewayPort) : cluster.SiloPort;
            silo.ConfigureEndpoints(AdvertisedAddress(cluster.AdvertisedHost), siloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o => o.Configure<NpgsqlDataSource>((options, dataSource) =>
            {
                options.Invariant = PostgresInvariant;
                options.DataSource = dataSource;
            }));
            silo.UseAdoNetReminderService(o => o.Configure<NpgsqlDataSource>((options, dataSource) =>
            {
                options.Invariant = PostgresInvariant;
                options.DataSource = dataSource;
            }));
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = Reminders.OrleansReminders.MinimumPeriod);
            silo.AddStartupTask<Reminders.ReminderCatchUp>();
            silo.Services.AddHostedService<Reminders.OverdueReminderSweep>();
            if (!string.IsNullOrWhiteSpace(builder.Configuration[TelemetryHostingExtensions.OtlpEndpointVariable]))
            {
                silo.AddActivityPropagation(); // trace context crosses silos with each grain call
            }

            silo.AddIncomingGrainCallFilter<TurnCallFilter>();
            silo.AddOutgoingGrainCallFilter<TurnCallGuard>();
            silo.AddOutgoingGrainCallFilter<UnsentCallRetryFilter>();
            silo.Services.AddScoped<ActivationTurnContext>();
            silo.Services.AddScoped<ITurnContext>(sp => sp.GetRequiredService<ActivationTurnContext>());
            silo.Services.AddSingleton<WarmActivations>();
            silo.Services.AddHostedService<WarmStateListener>();
            silo.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
            if (cluster.FastMembership)
            {
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.NumVotesForDeathDeclaration = 1;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                    o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                    o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
                });
            }

            // Any of Orleans' membership settings, over the preset above (Orleans validates them at start-up).
            silo.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration(FluidClusterOptions.MembershipSection);

            if (cluster.Dashboard)
            {
                silo.AddDashboard();
            }

            configure?.Invoke(silo);
        });
        return builder;
    }

    private static IPAddress AdvertisedAddress(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        var addresses = Dns.GetHostAddresses(host);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new InvalidOperationException($"{FluidClusterOptions.Section}:AdvertisedHost '{host}' has no IPv4 address.");
    }
}
