using System.Globalization;
using System.Text.RegularExpressions;
using FluidManager.Grains.Access;

namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// The shape of a document's tags and metadata. Tags are trimmed, lower-cased labels (letters, digits,
/// space, <c>. _ -</c>), without repeats; metadata is a flat map of string values under keys of the same
/// alphabet. Errors name the field: <c>tags[2]</c>, <c>metadata.owner</c>.
/// </summary>
public static partial class DocumentLabels
{
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;
    public const int MaxMetadataEntries = 30;
    public const int MaxKeyLength = 60;
    public const int MaxValueLength = 500;

    /// <summary>The normalised tags (sorted, distinct), or null when <paramref name="tags"/> is null; problems go to <paramref name="errors"/>.</summary>
    public static IReadOnlyList<string>? Tags(IReadOnlyList<string?>? tags, FieldErrors errors, string field = "tags")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (tags is null)
        {
            return null;
        }

        var clean = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tags.Count; i++)
        {
            var key = $"{field}[{i.ToString(CultureInfo.InvariantCulture)}]";
            var tag = tags[i]?.Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(tag) || tag.Length > MaxTagLength || !Label().IsMatch(tag))
            {
                errors.Add(key, $"'{tags[i]}' is not a tag: 1-{MaxTagLength} letters, digits, spaces, '.', '_' or '-', starting with a letter or digit");
                continue;
            }

            clean.Add(tag);
        }

        if (clean.Count > MaxTags)
        {
            errors.Add(field, $"at most {MaxTags} tags per document ({clean.Count} given)");
        }

        return clean.ToList();
    }

    /// <summary>The metadata with trimmed keys and values (sorted by key), or null when <paramref name="metadata"/> is null.</summary>
    public static IReadOnlyDictionary<string, string>? Metadata(IReadOnlyDictionary<string, string?>? metadata, FieldErrors errors, string field = "metadata")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (metadata is null)
        {
            return null;
        }

        if (metadata.Count > MaxMetadataEntries)
        {
            errors.Add(field, $"at most {MaxMetadataEntries} entries ({metadata.Count} given)");
        }

        var clean = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawKey, rawValue) in metadata)
        {
            var key = rawKey.Trim();
            var name = $"{field}.{key}";
            if (key.Length is 0 or > MaxKeyLength || !Label().IsMatch(key.ToLowerInvariant()))
            {
                errors.Add(field, $"'{rawKey}' is not a key: 1-{MaxKeyLength} letters, digits, spaces, '.', '_' or '-', starting with a letter or digit");
                continue;
            }

            var value = rawValue?.Trim() ?? "";
            if (value.Length is 0 or > MaxValueLength || value.Any(char.IsControl))
            {
                errors.Add(name, $"is required: 1-{MaxValueLength} characters on one line (remove the entry to clear it)");
                continue;
            }

            if (!clean.TryAdd(key, value))
            {
                errors.Add(name, "is given twice");
            }
        }

        return clean;
    }

    [GeneratedRegex("^[a-z0-9\\p{L}][a-z0-9\\p{L} ._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
