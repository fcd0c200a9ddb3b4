using System.Reflection;
using FluidManager.Runtime.Hosting;
using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FluidManager.Runtime.Tests;

/// <summary>A database holding the runtime's schema and the test grains' tables.</summary>
public sealed class RuntimeDatabase : DatabaseFixture
{
    protected override Assembly[] MigrationAssemblies => [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(TestGrainRegistration).Assembly];

    /// <summary>
    /// The Orleans cluster of this database's runtime hosts: its own, so that test classes never join
    /// each other's cluster even if they shared a database.
    /// </summary>
    public string ClusterId => $"test-{new NpgsqlConnectionStringBuilder(ConnectionString).Database}";

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// One runtime instance (a process's worth of services) on the test database: an Orleans silo of the
/// database's cluster, with or without the message, reminder and activity pumps. Several instances
/// on one database form one cluster.
/// </summary>
public sealed class RuntimeHost : IAsyncDisposable
{
    private RuntimeHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    public static async Task<RuntimeHost> StartAsync(RuntimeDatabase database, bool pumps, string name = "test", IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Fluid"] = database.ConnectionString,
            ["Fluid:Runtime:MigrateOnStart"] = "false",
            ["Fluid:Runtime:MaxMessageAttempts"] = "3",
            ["Fluid:Runtime:MessageBackoff"] = "00:00:00.050",
            ["Fluid:Silo:Name"] = name,
            ["Fluid:Silo:PollInterval"] = "00:00:00.050",
            ["Fluid:Silo:ActivityLease"] = "00:00:01.500",
            ["Fluid:Silo:HeartbeatInterval"] = "00:00:00.500",
            ["Fluid:Silo:DrainGrace"] = "00:00:02",
            ["Fluid:Cluster:ClusterId"] = database.ClusterId,
            ["Fluid:Cluster:SiloPort"] = "0",
            ["Fluid:Cluster:GatewayPort"] = "0",
            ["Fluid:Cluster:FastMembership"] = "true",
            ["Fluid:Cluster:Dashboard"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.AddFilter(_ => false);
        builder.AddFluidRuntime();
        builder.AddFluidSilo(silo => silo.Services.AddSingleton<IFatalErrorHandler, StopHostOnFatalError>());
        builder.Services.AddTestGrains(name);
        if (pumps)
        {
            builder.AddSiloPumps();
        }

        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new RuntimeHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(stop.Token);
        Host.Dispose();
    }
}

/// <summary>
/// A silo told that the cluster declared it dead stops its own host, instead of ending the whole
/// test process as Orleans' default handler does (Environment.FailFast).
/// </summary>
internal sealed class StopHostOnFatalError(IHostApplicationLifetime lifetime) : IFatalErrorHandler
{
    public bool IsUnexpected(Exception exception) => true;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
    {
        Console.Error.WriteLine($"Fatal silo error ({context}): {exception}; stopping this runtime host.");
        lifetime.StopApplication();
    }
}
