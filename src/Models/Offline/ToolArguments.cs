using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluidManager.Models.Offline;

/// <summary>One argument the offline model wants to pass, under its canonical name and common aliases.</summary>
internal sealed record Argument(string Name, JsonNode? Value, params string[] Aliases);

/// <summary>
/// Writes a tool call's arguments to fit the schema the loop offered: each schema property gets the
/// argument whose name or alias matches it, converted to the property's type (or enum); required
/// properties left over get a neutral value. Without a schema, the canonical names are used.
/// </summary>
internal static class ToolArguments
{
    /// <summary>Writes quotes and non-ASCII letters as they are, like a model would.</summary>
    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Build(ToolDefinition? tool, string fallbackText, params Argument[] arguments)
    {
        var properties = tool is { Parameters.ValueKind: JsonValueKind.Object } && tool.Parameters.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? p
            : (JsonElement?)null;
        var result = new JsonObject();
        if (properties is null)
        {
            foreach (var argument in arguments.Where(a => a.Value is not null))
            {
                result[argument.Name] = argument.Value!.DeepClone();
            }

            return result.ToJsonString(Output);
        }

        var required = tool!.Parameters.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        var used = new HashSet<Argument>();
        foreach (var property in properties.Value.EnumerateObject())
        {
            var key = Normalise(property.Name);
            var argument = arguments.FirstOrDefault(a => !used.Contains(a) && a.Value is not null && Normalise(a.Name) == key)
                ?? arguments.FirstOrDefault(a => !used.Contains(a) && a.Value is not null && a.Aliases.Any(alias => Normalise(alias) == key));
            if (argument is not null)
            {
                used.Add(argument);
                result[property.Name] = Convert(argument.Value!, property.Value);
            }
            else if (required.Contains(property.Name))
            {
                result[property.Name] = Neutral(property.Value, fallbackText);
            }
        }

        return result.ToJsonString(Output);
    }

    private static string Normalise(string name) =>
        new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static string TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return "";
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => type.GetString() ?? "",
            JsonValueKind.Array => type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t is not null and not "null") ?? "",
            _ => "",
        };
    }

    private static JsonNode? Convert(JsonNode value, JsonElement schema)
    {
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum", out var choices) && choices.ValueKind == JsonValueKind.Array)
        {
            var wanted = value.ToString();
            var options = choices.EnumerateArray().ToList();
            var match = options.FirstOrDefault(o => string.Equals(o.ToString(), wanted, StringComparison.OrdinalIgnoreCase));
            return JsonNode.Parse((match.ValueKind == JsonValueKind.Undefined ? options.FirstOrDefault() : match).GetRawText() is { Length: > 0 } raw ? raw : "null");
        }

        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        switch (TypeOf(schema))
        {
            case "integer":
                return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) ? JsonValue.Create(whole) : JsonValue.Create(0);
            case "number":
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(0);
            case "string":
                return JsonValue.Create(text);
            case "boolean":
                return JsonValue.Create(bool.TryParse(text, out var flag) && flag);
            case "array":
                return value is JsonArray ? value.DeepClone() : new JsonArray(value.DeepClone());
            default:
                return value.DeepClone();
        }
    }

    private static JsonNode? Neutral(JsonElement schema, string fallbackText)
    {
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            return JsonNode.Parse(choices[0].GetRawText());
        }

        return TypeOf(schema) switch
        {
            "integer" or "number" => JsonValue.Create(0),
            "boolean" => JsonValue.Create(false),
            "array" => new JsonArray(),
            "object" => new JsonObject(),
            _ => JsonValue.Create(fallbackText),
        };
    }
}
