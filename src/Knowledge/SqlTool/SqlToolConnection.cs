using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace FluidManager.Knowledge.SqlTool;

/// <summary>
/// The connection string of the SQL tool's own pool. Agents' statements never run on the product's
/// connection: they log in as <see cref="LoginRole"/>, a role that owns nothing, holds no privilege of its
/// own and may only become <see cref="SqlToolExecutor.ReaderRole"/>.
/// </summary>
public sealed record SqlToolConnection(string ConnectionString)
{
    /// <summary>The configuration key (env: <c>ConnectionStrings__FluidSqlTool</c>).</summary>
    public const string ConnectionStringKey = "ConnectionStrings:FluidSqlTool";

    /// <summary>The login role the database setup creates for the tool.</summary>
    public const string LoginRole = "fluid_sql_tool";

    /// <summary>
    /// <see cref="ConnectionStringKey"/> when set; otherwise the product's connection string with
    /// <c>Username=fluid_sql_tool</c> and the password the database setup derives from the product's
    /// (<see cref="DerivePassword"/>).
    /// </summary>
    public static SqlToolConnection From(IConfiguration configuration, string productConnectionString)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ConnectionStringKey];
        var builder = new NpgsqlConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? productConnectionString : configured);
        if (string.IsNullOrWhiteSpace(configured))
        {
            builder.Username = LoginRole;
            builder.Password = string.IsNullOrEmpty(builder.Password) ? null : DerivePassword(builder.Password);
            builder.Passfile = null;
        }

        builder.ApplicationName = "fluid-sql-tool";
        return new SqlToolConnection(builder.ConnectionString);
    }

    /// <summary>The tool's password derived from the product's: lower-case hex of SHA-256 of <c>fluid_sql_tool:</c> and the password (as the database setup computes it).</summary>
    public static string DerivePassword(string productPassword) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(LoginRole + ":" + productPassword))).ToLowerInvariant();
}
