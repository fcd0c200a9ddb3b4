using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace FluidManager.Knowledge.Mcp;

/// <summary>
/// Encrypts a server's secrets with ASP.NET Core Data Protection (the key ring lives in the database's
/// data_protection_keys, shared by every Api and silo), under a purpose of their own per company, so a
/// payload copied to another company's row does not decrypt.
/// </summary>
public sealed class McpSecrets(IDataProtectionProvider provider)
{
    private const string Purpose = "FluidManager.Mcp.ServerSecrets.v1";

    public string? Protect(long companyId, IReadOnlyDictionary<string, string> secrets) =>
        secrets.Count == 0 ? null : Protector(companyId).Protect(JsonSerializer.Serialize(secrets));

    public IReadOnlyDictionary<string, string> Unprotect(long companyId, string? payload) =>
        payload is null
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(Protector(companyId).Unprotect(payload)) ?? [];

    private IDataProtector Protector(long companyId) => provider.CreateProtector(Purpose, companyId.ToString(CultureInfo.InvariantCulture));
}
