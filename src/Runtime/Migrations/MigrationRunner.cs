using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FluidManager.Runtime.Migrations;

/// <summary>A numbered SQL file embedded in an assembly, such as <c>0001_runtime.sql</c>.</summary>
public sealed record Migration(int Number, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)))[..16];
}

/// <summary>Raised when a migration cannot be applied; names the file that failed.</summary>
public sealed class MigrationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Applies embedded migrations in number order, each in its own transaction, under a session
/// advisory lock so several processes starting at once apply every file exactly once.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, IEnumerable<MigrationAssembly> assemblies, ILogger<MigrationRunner> logger)
{
    /// <summary>Arbitrary constant: the advisory lock key that serialises migrators.</summary>
    private const long LockKey = 0x466C_7569_644D_6967; // "FluidMig"

    public IReadOnlyList<Migration> Discover() => Discover(assemblies.Select(a => a.Assembly));

    public static IReadOnlyList<Migration> Discover(IEnumerable<Assembly> sources)
    {
        var migrations = new List<Migration>();
        foreach (var assembly in sources.Distinct())
        {
            foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Contains(".Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
            {
                var fileName = resource[(resource.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
                var digits = new string(fileName.TakeWhile(char.IsDigit).ToArray());
                if (digits.Length == 0)
                {
                    throw new MigrationException($"Migration file '{fileName}' in {assembly.GetName().Name} must start with its number, like 0001_name.sql.");
                }

                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                migrations.Add(new Migration(int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture), fileName, reader.ReadToEnd()));
            }
        }

        var duplicate = migrations.GroupBy(m => m.Number).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MigrationException($"Two migrations share number {duplicate.Key}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        return migrations.OrderBy(m => m.Number).ToList();
    }

    /// <summary>Applies what is missing; returns the names applied by this call.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken)
    {
        var migrations = Discover();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", LockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using (var create = new NpgsqlCommand(
                """
                CREATE TABLE IF NOT EXISTS public.schema_migrations (
                  number     int         NOT NULL PRIMARY KEY,
                  name       text        NOT NULL,
                  checksum   text        NOT NULL,
                  applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var applied = new Dictionary<int, (string Name, string Checksum)>();
            await using (var read = new NpgsqlCommand("SELECT number, name, checksum FROM public.schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
                }
            }

            var done = new List<string>();
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Number, out var existing))
                {
                    if (existing.Checksum != migration.Checksum)
                    {
                        throw new MigrationException($"Migration {migration.Name} was changed after it was applied (checksum {existing.Checksum} in the database, {migration.Checksum} now). Add a new migration instead of editing an applied one.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                try
                {
                    await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
                    {
                        await apply.ExecuteNonQueryAsync(cancellationToken);
                    }

                    await using (var record = new NpgsqlCommand("INSERT INTO public.schema_migrations (number, name, checksum) VALUES (@number, @name, @checksum)", connection, transaction))
                    {
                        record.Parameters.AddWithValue("number", migration.Number);
                        record.Parameters.AddWithValue("name", migration.Name);
                        record.Parameters.AddWithValue("checksum", migration.Checksum);
                        await record.ExecuteNonQueryAsync(cancellationToken);
                    }

                    await transaction.CommitAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is PostgresException or NpgsqlException)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    throw new MigrationException($"Migration {migration.Name} failed and was rolled back: {ex.Message}", ex);
                }

                Log.MigrationApplied(logger, migration.Name);
                done.Add(migration.Name);
            }

            if (done.Count > 0)
            {
                // Types created by the migrations (pgvector's) become known to every connection of the data source.
                await connection.ReloadTypesAsync(cancellationToken);
            }

            return done;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", LockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>True when every known migration is recorded as applied.</summary>
    public async Task<bool> IsUpToDateAsync(CancellationToken cancellationToken)
    {
        var expected = Discover().Select(m => m.Number).ToHashSet();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT number FROM public.schema_migrations", connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                expected.Remove(reader.GetInt32(0));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return false;
        }

        return expected.Count == 0;
    }
}

/// <summary>An assembly whose embedded <c>Migrations/*.sql</c> files belong to the schema.</summary>
public sealed record MigrationAssembly(Assembly Assembly);
