using System.Globalization;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Data;

/// <summary>Checks every command starts with: the right company, the expected version.</summary>
internal static class Guard
{
    /// <summary>The grain's key as a number; a malformed key reads as "not found".</summary>
    public static long KeyAsId(this ITurnContext context, string what) =>
        long.TryParse(context.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new NotFoundException(what, context.Key);

    /// <summary>A company-keyed grain answers only for its own company; the company must exist.</summary>
    public static async Task<long> EnsureCompanyAsync(this ITurnContext context, long companyId)
    {
        var key = context.KeyAsId("Company");
        if (key != companyId)
        {
            throw new NotFoundException("Company", companyId);
        }

        var exists = await context.Sql("SELECT EXISTS (SELECT 1 FROM companies WHERE id = @id)").With("id", companyId).ScalarAsync<bool>();
        return exists ? companyId : throw new NotFoundException("Company", companyId);
    }

    public static void Version(string what, long? expected, long actual)
    {
        if (expected is { } e && e != actual)
        {
            throw new VersionMismatchException(what, e, actual);
        }
    }
}
