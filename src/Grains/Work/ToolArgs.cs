using System.Globalization;
using System.Text.Json;

namespace FluidManager.Grains.Work;

/// <summary>Reads a model's tool arguments leniently: the canonical name or an alias, numbers written as text (the agent's own tools and the governed ones).</summary>
internal readonly struct ToolArgs
{
    private readonly JsonElement _root;

    /// <summary>Arguments already parsed as a JSON object.</summary>
    public ToolArgs(JsonElement root) => _root = root;

    /// <summary>The arguments, or null when they are not a JSON object.</summary>
    public static ToolArgs? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new ToolArgs(JsonDocument.Parse("{}").RootElement.Clone());
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? new ToolArgs(document.RootElement.Clone()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string? Text(params string[] names)
    {
        foreach (var name in names)
        {
            if (_root.TryGetProperty(name, out var value))
            {
                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                    _ => null,
                };
                if (!string.IsNullOrWhiteSpace(text))
                {
                    return text.Trim();
                }
            }
        }

        return null;
    }

    public long? Long(params string[] names) =>
        Text(names) is { } text && long.TryParse(text.TrimStart('#'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public decimal? Decimal(params string[] names) =>
        Text(names) is { } text && decimal.TryParse(text.TrimStart('$', '€', '£').Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null;

    public JsonElement? Element(params string[] names)
    {
        foreach (var name in names)
        {
            if (_root.TryGetProperty(name, out var value) && value.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined)
            {
                return value;
            }
        }

        return null;
    }
}
