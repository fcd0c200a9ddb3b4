using System.Text.Json;
using FluidManager.Grains.Access;

namespace FluidManager.Api.Features;

/// <summary>Reads query-string values that the framework cannot bind with a field-named error.</summary>
public static class QueryValues
{
    /// <summary>
    /// An enum from its wire name ("awaiting_approval"; the C# name is accepted too), or null when
    /// absent; an unknown name is an error on <paramref name="field"/> listing the known ones.
    /// </summary>
    public static TEnum? Enum<TEnum>(string? text, string field, FieldErrors errors) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        if (!char.IsDigit(trimmed[0]) && trimmed[0] != '-'
            && System.Enum.TryParse<TEnum>(trimmed.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var value)
            && System.Enum.IsDefined(value))
        {
            return value;
        }

        errors.Add(field, $"'{trimmed}' is not one of: {string.Join(", ", Names<TEnum>())}.");
        return null;
    }

    /// <summary>The wire names of an enum's values.</summary>
    public static IEnumerable<string> Names<TEnum>() where TEnum : struct, Enum =>
        System.Enum.GetNames<TEnum>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName);
}
