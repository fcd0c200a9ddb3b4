using Npgsql;

namespace FluidManager.Runtime.Setup;

/// <summary>
/// The superuser's part of a database (<c>Setup/database-setup.sql</c>): the roles <see cref="AppRole"/>
/// (the product's login, not a superuser, owner of the database and its schemas), <c>fluid_sql_reader</c>
/// and <c>fluid_sql_tool</c>, the extensions, and the catalog and server information revoked from PUBLIC.
/// Idempotent; scripts/run.sh and docker compose run the same file with psql before the product starts.
/// </summary>
public static class DatabaseSetup
{
    /// <summary>The product's login role.</summary>
    public const string AppRole = "fluid_app";

    /// <summary>The text of <c>database-setup.sql</c>.</summary>
    public static string Sql { get; } = Read();

    /// <summary>
    /// Runs the setup on the database of <paramref name="superuser"/> (an open connection of a superuser).
    /// A null or empty password leaves the role's password as it is; the tool's password, when not given,
    /// is derived from the app's (as the SQL tool's default connection string expects).
    /// </summary>
    public static async Task ApplyAsync(NpgsqlConnection superuser, string? appPassword, string? toolPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(superuser);
        await using (var inputs = new NpgsqlCommand("SELECT set_config('fluid_setup.app_password', @app, false), set_config('fluid_setup.tool_password', @tool, false)", superuser))
        {
            inputs.Parameters.AddWithValue("app", appPassword ?? "");
            inputs.Parameters.AddWithValue("tool", toolPassword ?? "");
            await inputs.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var setup = new NpgsqlCommand(Sql, superuser);
        await setup.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Read()
    {
        var assembly = typeof(DatabaseSetup).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Setup.database-setup.sql", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
