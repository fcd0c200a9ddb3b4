using Xunit;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using FluidManager.Runtime.Migrations;
using FluidManager.Runtime.Setup;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FluidManager.TestSupport;

/// <summary>
/// The test cluster started by scripts/test.sh (env FLUID_TEST_PG: an admin connection string).
/// Each test class gets its own database, cloned from a template that already holds every migration.
/// Like production, every database gets the superuser's setup (<see cref="DatabaseSetup"/>) and the
/// product connects as <c>fluid_app</c>, which is not a superuser; the roles are the cluster's, made
/// once and granted per database. Their passwords: the admin's for fluid_app, the SQL tool's derived from it.
/// </summary>
public static class TestCluster
{
    public const string EnvironmentVariable = "FLUID_TEST_PG";
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Templates = new();

    public static string AdminConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException($"No test PostgreSQL: run the tests through scripts/test.sh, or set {EnvironmentVariable} to an admin connection string of a cluster with pgvector.");

    /// <summary>Creates a fresh database with the migrations of <paramref name="assemblies"/> applied; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix, params Assembly[] assemblies)
    {
        var template = await Templates.GetOrAdd(TemplateKey(assemblies), key => new Lazy<Task<string>>(() => CreateTemplateAsync(key, assemblies))).Value;
        var name = $"{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", admin);
                await create.ExecuteNonQueryAsync();
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                await Task.Delay(100 * attempt); // another session is copying the template
            }
        }

        await SetUpAsync(name); // the database's owner and privileges are not copied from the template
        return ConnectionString(name);
    }

    /// <summary>Creates an empty database with the superuser's setup only (no migration); returns its connection string.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string prefix)
    {
        var name = $"{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        await SetUpAsync(name);
        return ConnectionString(name);
    }

    /// <summary>The product's connection string to <paramref name="database"/>: the role fluid_app, as in production.</summary>
    public static string ConnectionString(string database, int maxPoolSize = 30) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            Database = database, Username = DatabaseSetup.AppRole, Password = AppPassword, MaxPoolSize = maxPoolSize, IncludeErrorDetail = true,
        }.ConnectionString;

    /// <summary>A superuser's connection string to <paramref name="database"/>, for what the product's role may not do.</summary>
    public static string AdminConnectionStringTo(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, IncludeErrorDetail = true }.ConnectionString;

    private static string? AppPassword => new NpgsqlConnectionStringBuilder(AdminConnectionString).Password;

    /// <summary>
    /// Runs the superuser's setup on <paramref name="database"/>. Serialised across the cluster (an advisory
    /// lock in database postgres): the roles and the shared catalogs' privileges are the cluster's, and two
    /// concurrent grants on one shared catalog row would fail.
    /// </summary>
    private static async Task SetUpAsync(string database)
    {
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres" }.ConnectionString);
        await admin.OpenAsync();
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(7070708)", admin))
        {
            await lockCommand.ExecuteNonQueryAsync();
        }

        try
        {
            await using var target = new NpgsqlConnection(AdminConnectionStringTo(database) + ";Pooling=false");
            await target.OpenAsync();
            await DatabaseSetup.ApplyAsync(target, AppPassword, null, CancellationToken.None);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(7070708)", admin);
            await unlock.ExecuteNonQueryAsync();
        }
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static string TemplateKey(Assembly[] assemblies)
    {
        var migrations = MigrationRunner.Discover(assemblies);
        var text = string.Join("|", migrations.Select(m => $"{m.Name}:{m.Checksum}"));
        return "tpl_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }

    private static async Task<string> CreateTemplateAsync(string name, Assembly[] assemblies)
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        // Several test assemblies may build the same template at once: one lock serialises them.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(7070707)", admin))
        {
            await lockCommand.ExecuteNonQueryAsync();
        }

        try
        {
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin))
            {
                exists.Parameters.AddWithValue("name", name);
                if (await exists.ExecuteScalarAsync() is not null)
                {
                    return name;
                }
            }

            var building = name + "_build";
            await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)", admin))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{building}\"", admin))
            {
                await create.ExecuteNonQueryAsync();
            }

            await SetUpAsync(building);

            await using (var dataSource = NpgsqlDataSource.Create(ConnectionString(building)))
            {
                var runner = new MigrationRunner(dataSource, assemblies.Select(a => new MigrationAssembly(a)), NullLogger<MigrationRunner>.Instance);
                await runner.ApplyAsync(CancellationToken.None);
            }

            NpgsqlConnection.ClearAllPools();
            await using (var rename = new NpgsqlCommand($"ALTER DATABASE \"{building}\" RENAME TO \"{name}\"", admin))
            {
                await rename.ExecuteNonQueryAsync();
            }

            return name;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(7070707)", admin);
            await unlock.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>
/// An xunit class fixture: one migrated database for the test class, dropped afterwards; or, after
/// <see cref="UseSharedDatabase"/>, the database of a fixture the whole assembly shares.
/// </summary>
public abstract class DatabaseFixture : IAsyncLifetime
{
    private string? _connectionString;
    private bool _shared;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The fixture is not initialised.");

    protected abstract Assembly[] MigrationAssemblies { get; }

    protected virtual string Prefix => GetType().Name.Replace("Fixture", "", StringComparison.Ordinal);

    public virtual async Task InitializeAsync() => _connectionString = await TestCluster.CreateDatabaseAsync(Prefix, MigrationAssemblies);

    public virtual async Task DisposeAsync()
    {
        if (_connectionString is not null && !_shared)
        {
            await TestCluster.DropDatabaseAsync(_connectionString);
        }
    }

    /// <summary>Works on a database that another fixture made and drops (instead of calling <see cref="InitializeAsync"/>).</summary>
    protected void UseSharedDatabase(string connectionString)
    {
        _connectionString = connectionString;
        _shared = true;
    }

    /// <summary>One value read from the test database, converted to <typeparamref name="T"/>.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result!, typeof(T), CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> map, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
