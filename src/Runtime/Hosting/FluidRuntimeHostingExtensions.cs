using FluidManager.Runtime.Activities;
using FluidManager.Runtime.Events;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Messaging;
using FluidManager.Runtime.Migrations;
using FluidManager.Runtime.Silos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Hosting;

/// <summary>Registration entry points of the runtime.</summary>
public static class FluidRuntimeHostingExtensions
{
    /// <summary>The configuration key of the PostgreSQL connection string (env: <c>ConnectionStrings__Fluid</c>).</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Fluid";

    /// <summary>
    /// Adds the grain runtime: the PostgreSQL data source, grain factory and turn executor, migrations
    /// on start-up, the event log and the <c>database</c> health check. Used by the Silo and the Api.
    /// </summary>
    public static IHostApplicationBuilder AddFluidRuntime(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"No PostgreSQL connection string: set '{ConnectionStringKey}' in appsettings.json or the environment variable 'ConnectionStrings__Fluid'.");
        }

        builder.Services.AddOptions<FluidRuntimeOptions>()
            .BindConfiguration(FluidRuntimeOptions.Section)
            .Validate(o => o.MaxTurnAttempts >= 1, $"{FluidRuntimeOptions.Section}:MaxTurnAttempts must be at least 1.")
            .Validate(o => o.MaxMessageAttempts >= 1, $"{FluidRuntimeOptions.Section}:MaxMessageAttempts must be at least 1.")
            .Validate(o => o.MaxConcurrentTurns >= 1, $"{FluidRuntimeOptions.Section}:MaxConcurrentTurns must be at least 1.")
            .Validate(o => o.ReminderSweepInterval >= TimeSpan.FromSeconds(1), $"{FluidRuntimeOptions.Section}:ReminderSweepInterval must be at least one second.")
            .Validate(o => System.Text.RegularExpressions.Regex.IsMatch(o.ChannelPrefix, "^[a-z_][a-z0-9_]{0,40}$"), $"{FluidRuntimeOptions.Section}:ChannelPrefix must be lower-case letters, digits or '_'.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(new RuntimeConnection(connectionString));
        // pgvector's types (vector, halfvec, sparsevec) read and written as Pgvector's typed values.
        builder.Services.TryAddSingleton(_ =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = "fluid" };
            PrepareAutomatically(dataSource.ConnectionStringBuilder);
            KeepSessionsOnReturn(dataSource.ConnectionStringBuilder);
            dataSource.UseVector();
            return dataSource.Build();
        });
        builder.Services.TryAddSingleton<GrainRegistry>();
        builder.Services.TryAddSingleton<GrainTransactions>();
        builder.Services.TryAddSingleton<CommitHints>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CommitHints>());
        builder.Services.TryAddSingleton<EventLog>();
        builder.Services.TryAddSingleton<EventWriter>();
        builder.Services.TryAddSingleton<ClusterAdmin>();
        builder.Services.TryAddSingleton<MigrationRunner>();
        builder.Services.AddSingleton(new MigrationAssembly(typeof(FluidRuntimeHostingExtensions).Assembly));

        if (builder.Configuration.GetValue($"{FluidRuntimeOptions.Section}:MigrateOnStart", true))
        {
            // Inserted first so that migrations finish before any other hosted service starts.
            builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, MigrationHostedService>());
        }

        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Unless the connection string says otherwise, each connection prepares the statements it runs a
    /// second time: the turns run the same few hundred statements thousands of times a minute, and
    /// PostgreSQL would otherwise parse and plan each of them anew (a third of its time under load).
    /// "Max Auto Prepare=0" in the connection string turns it off.
    /// </summary>
    internal static void PrepareAutomatically(NpgsqlConnectionStringBuilder settings)
    {
        var named = NamedKeys(settings);
        if (!named.Contains("MaxAutoPrepare"))
        {
            settings.MaxAutoPrepare = 256;
            if (!named.Contains("AutoPrepareMinUsages"))
            {
                settings.AutoPrepareMinUsages = 2;
            }
        }
    }

    /// <summary>
    /// Adds the work of a silo (after <see cref="SiloHostingExtensions.AddFluidSilo"/>): unless disabled, the
    /// message and activity pumps, and the purge of finished activities. Orleans reminders wake the grains.
    /// </summary>
    public static IHostApplicationBuilder AddSiloPumps(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SiloOptions>()
            .BindConfiguration(SiloOptions.Section)
            .Validate(o => o.MessageDeliveries >= 1 && o.InboxClaimBatch >= 1 && o.CompletionWorkers >= 1 && o.ActivitySlots >= 1,
                $"{SiloOptions.Section}: MessageDeliveries, InboxClaimBatch, CompletionWorkers and ActivitySlots must be at least 1.")
            .Validate(o => o.ActivityLease >= TimeSpan.FromSeconds(1), $"{SiloOptions.Section}:ActivityLease must be at least one second.")
            .ValidateOnStart();

        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.DrainGrace + TimeSpan.FromSeconds(10));
        builder.Services.TryAddSingleton(sp => new SiloIdentity(sp.GetRequiredService<ILocalSiloDetails>()));
        builder.Services.TryAddSingleton<WorkSignal>();
        builder.Services.AddHostedService<InboxLeaseRelease>();
        builder.Services.AddHostedService<FinishedActivityPurge>();
        if (silo.RunPumps)
        {
            builder.Services.AddHostedService<WorkListener>();
            builder.Services.AddSingleton<MessagePump>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<MessagePump>());
            builder.Services.AddSingleton<ActivityWorker>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ActivityWorker>());
        }

        return builder;
    }

    /// <summary>Adds the process's event listener, pushing committed events to every registered <see cref="IEventSink"/>.</summary>
    public static IHostApplicationBuilder AddEventListener(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EventListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventListener>());
        return builder;
    }

    /// <summary>Registers a grain class for its interface under a stable type name (default: the interface name without "I" and "Grain").</summary>
    public static IServiceCollection AddGrain<TInterface, TImplementation>(this IServiceCollection services, string? typeName = null)
        where TInterface : class
        where TImplementation : class, TInterface
    {
        services.AddSingleton(new GrainRegistration(typeof(TInterface), typeof(TImplementation), typeName ?? DefaultTypeName(typeof(TInterface))));
        return services;
    }

    /// <summary>Registers the handler of one activity kind.</summary>
    public static IServiceCollection AddActivityHandler<THandler>(this IServiceCollection services)
        where THandler : class, IActivityHandler
    {
        services.AddSingleton<IActivityHandler, THandler>();
        return services;
    }

    /// <summary>Adds an assembly whose embedded <c>Migrations/*.sql</c> extend the schema.</summary>
    public static IServiceCollection AddMigrations(this IServiceCollection services, System.Reflection.Assembly assembly)
    {
        services.AddSingleton(new MigrationAssembly(assembly));
        return services;
    }

    private static string DefaultTypeName(Type grainInterface)
    {
        var name = grainInterface.Name;
        if (name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]))
        {
            name = name[1..];
        }

        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }

    /// <summary>
    /// Unless the connection string says otherwise, a connection handed back to the pool is not reset:
    /// the runtime leaves no session state behind (its settings and advisory locks are the transaction's,
    /// and the migrations unlock theirs), and the reset is seven statements run before the next command
    /// of every borrowed connection, more statements than the turns run themselves. "No Reset On
    /// Close=false" in the connection string turns the reset back on.
    /// </summary>
    internal static void KeepSessionsOnReturn(NpgsqlConnectionStringBuilder settings)
    {
        if (!NamedKeys(settings).Contains("NoResetOnClose"))
        {
            settings.NoResetOnClose = true;
        }
    }

    /// <summary>The keys the connection string names, without spaces (the generic builder holds only those).</summary>
    private static HashSet<string> NamedKeys(NpgsqlConnectionStringBuilder settings) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = settings.ConnectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);

    internal static IOptions<T> Wrap<T>(T value) where T : class => Options.Create(value);
}
