using System.Globalization;
using System.Text.RegularExpressions;

namespace FluidManager.Grains.Storage;

/// <summary>
/// Object keys: slash-separated segments of letters, digits, '.', '_' and '-', never "." or "..",
/// so a key can name a file under the storage root and nothing outside it. Every key of a company
/// starts with <c>companies/{id}/</c>.
/// </summary>
public static partial class ObjectKeys
{
    public const int MaxLength = 512;

    public static string CompanyPrefix(long companyId) => "companies/" + companyId.ToString(CultureInfo.InvariantCulture) + "/";

    /// <summary>A fresh key for an artifact's bytes.</summary>
    public static string NewArtifactKey(long companyId) => CompanyPrefix(companyId) + "artifacts/" + Guid.CreateVersion7().ToString("N");

    public static bool BelongsTo(string key, long companyId) => IsValid(key) && key.StartsWith(CompanyPrefix(companyId), StringComparison.Ordinal);

    public static bool IsValid(string? key) =>
        key is { Length: > 0 and <= MaxLength }
        && KeyPattern().IsMatch(key)
        && key.Split('/').All(segment => segment is not ("." or ".."));

    /// <summary>Throws <see cref="ArgumentException"/> for a key that <see cref="IsValid"/> refuses.</summary>
    public static void Validate(string key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a valid object key: use slash-separated segments of letters, digits, '.', '_' and '-', without '.' or '..' segments.", nameof(key));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9._-]+)*$")]
    private static partial Regex KeyPattern();
}
