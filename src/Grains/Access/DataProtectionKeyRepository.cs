using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace FluidManager.Grains.Access;

/// <summary>
/// Keeps the data-protection key ring (which encrypts session cookies) in PostgreSQL, so every Api
/// instance reads the same keys. The keys are stored as the framework writes them: protect the
/// database as you would the keys.
/// </summary>
public sealed class DataProtectionKeyRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = dataSource.OpenConnection();
        return connection.Query<string>(AccessSql.ReadDataProtectionKeys).Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = dataSource.OpenConnection();
        connection.Execute(AccessSql.InsertDataProtectionKey, new { friendly_name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
