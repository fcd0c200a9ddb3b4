using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FluidManager.Models.Offline;

/// <summary>
/// The offline model's structured result: a JSON value that conforms to the schema a brief asks for (see
/// <see cref="StructuredOutput"/>), built from the brief's own words. Handles the common keywords: type (one or
/// several), properties and required, items with minItems and maxItems, enum, const, minimum and maximum (exclusive too),
/// minLength and maxLength, enum (the choice the brief names, if any), anyOf, oneOf and allOf (the first alternative), and local <c>$ref</c>s to <c>$defs</c>.
/// A schema nothing can match (<c>"not": {}</c>, a pattern the words do not fit) gets a best effort, which the caller's
/// validation then refuses.
/// </summary>
internal static partial class OfflineJson
{
    private const int MaxDepth = 8;

    public static JsonNode? Write(JsonObject schema, string title, string brief, ulong seed)
    {
        var sentences = Sentences(StructuredOutput.WithoutRequest(brief));
        if (sentences.Count == 0)
        {
            sentences = [title];
        }

        return Value(schema, schema, "$", title, sentences, seed, 0);
    }

    private static JsonNode? Value(JsonObject root, JsonObject schema, string path, string title, IReadOnlyList<string> sentences, ulong seed, int depth)
    {
        if (schema["$ref"] is JsonValue reference && reference.GetValueKind() == JsonValueKind.String
            && Resolve(root, reference.GetValue<string>()) is { } target && depth < MaxDepth)
        {
            return Value(root, target, path, title, sentences, seed, depth + 1);
        }

        if (schema.TryGetPropertyValue("const", out var constant))
        {
            return constant?.DeepClone();
        }

        if (schema["enum"] is JsonArray { Count: > 0 } choices)
        {
            // A choice the brief names (as a word) is the one the brief argues for; else one by the seed.
            var named = choices.OfType<JsonValue>()
                .Where(c => c.GetValueKind() == JsonValueKind.String)
                .FirstOrDefault(c => sentences.Any(s => Regex.IsMatch(s, @"\b" + Regex.Escape(c.GetValue<string>()) + @"\b", RegexOptions.IgnoreCase)));
            return (named ?? choices[(int)(StableHash.Of(seed, path + "#enum") % (ulong)choices.Count)])?.DeepClone();
        }

        foreach (var keyword in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (schema[keyword] is JsonArray { Count: > 0 } alternatives && alternatives[0] is JsonObject first && depth < MaxDepth)
            {
                var merged = (JsonObject)schema.DeepClone();
                merged.Remove(keyword);
                foreach (var (key, node) in first)
                {
                    if (!merged.ContainsKey(key))
                    {
                        merged[key] = node?.DeepClone();
                    }
                }

                return Value(root, merged, path, title, sentences, seed, depth + 1);
            }
        }

        var type = TypeOf(schema);
        return type switch
        {
            "object" => depth < MaxDepth ? Object(root, schema, path, title, sentences, seed, depth) : new JsonObject(),
            "array" => depth < MaxDepth ? Array(root, schema, path, title, sentences, seed, depth) : new JsonArray(),
            "integer" => JsonValue.Create((long)Number(schema, path, seed, integer: true)),
            "number" => JsonValue.Create(Number(schema, path, seed, integer: false)),
            "boolean" => JsonValue.Create(StableHash.Of(seed, path + "#bool") % 2 == 0),
            "null" => null,
            _ => JsonValue.Create(Text(schema, path, title, sentences, seed)),
        };
    }

    private static JsonObject Object(JsonObject root, JsonObject schema, string path, string title, IReadOnlyList<string> sentences, ulong seed, int depth)
    {
        var result = new JsonObject();
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, property) in properties)
            {
                result[name] = property is JsonObject sub ? Value(root, sub, $"{path}.{name}", title, sentences, seed, depth + 1) : JsonValue.Create(Pick(sentences, path + "." + name, seed));
            }
        }

        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()))
            {
                if (!result.ContainsKey(name))
                {
                    var sub = schema["additionalProperties"] as JsonObject ?? [];
                    result[name] = Value(root, sub, $"{path}.{name}", title, sentences, seed, depth + 1);
                }
            }
        }

        return result;
    }

    private static JsonArray Array(JsonObject root, JsonObject schema, string path, string title, IReadOnlyList<string> sentences, ulong seed, int depth)
    {
        var min = Int(schema, "minItems") ?? 1;
        var max = Int(schema, "maxItems") ?? Math.Max(min, 3);
        var count = Math.Clamp(Math.Max(min, Math.Min(3, sentences.Count)), min, Math.Max(min, max));
        var items = schema["items"] as JsonObject ?? [];
        var array = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            array.Add(Value(root, items, $"{path}[{i}]", title, Rotate(sentences, i), seed, depth + 1));
        }

        return array;
    }

    private static double Number(JsonObject schema, string path, ulong seed, bool integer)
    {
        var low = Double(schema, "minimum") ?? (Double(schema, "exclusiveMinimum") is { } exclusiveLow ? exclusiveLow + (integer ? 1 : 0.01) : (double?)null);
        var high = Double(schema, "maximum") ?? (Double(schema, "exclusiveMaximum") is { } exclusiveHigh ? exclusiveHigh - (integer ? 1 : 0.01) : (double?)null);
        var from = low ?? (high is { } h ? Math.Min(0, h) : 1);
        var to = high ?? from + 99;
        if (integer)
        {
            from = Math.Ceiling(from);
            to = Math.Floor(to);
        }

        if (to <= from)
        {
            return from;
        }

        var fraction = (StableHash.Of(seed, path + "#number") % 1000) / 1000.0;
        var value = from + ((to - from) * fraction);
        return integer ? Math.Round(value, MidpointRounding.ToZero) : Math.Round(value, 2);
    }

    private static string Text(JsonObject schema, string path, string title, IReadOnlyList<string> sentences, ulong seed)
    {
        var name = path[(path.LastIndexOfAny(['.', '$']) + 1)..].ToLowerInvariant();
        var text = schema["format"]?.GetValue<string>() switch
        {
            "date" => "2026-01-01",
            "date-time" => "2026-01-01T09:00:00Z",
            "email" => "team@example.com",
            "uri" or "url" => "https://example.com/" + Slug(title),
            _ => NamePattern().IsMatch(name) ? Shorten(title, 6) : Pick(sentences, path, seed),
        };
        var min = Int(schema, "minLength") ?? 0;
        var max = Int(schema, "maxLength");
        while (text.Length < min)
        {
            text += " " + Pick(sentences, path + "#more" + text.Length.ToString(CultureInfo.InvariantCulture), seed);
        }

        return max is { } m && text.Length > m ? text[..m] : text;
    }

    private static string TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray types => types.OfType<JsonValue>().Select(t => t.GetValue<string>()).FirstOrDefault(t => t != "null") ?? "null",
        _ when schema.ContainsKey("properties") || schema.ContainsKey("required") => "object",
        _ when schema.ContainsKey("items") => "array",
        _ => "string",
    };

    private static JsonObject? Resolve(JsonObject root, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        JsonNode? node = root;
        foreach (var segment in reference[2..].Split('/'))
        {
            node = node is JsonObject o ? o[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)] : null;
        }

        return node as JsonObject;
    }

    private static int? Int(JsonObject schema, string keyword) =>
        schema[keyword] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    private static double? Double(JsonObject schema, string keyword) =>
        schema[keyword] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static string Pick(IReadOnlyList<string> sentences, string slot, ulong seed) =>
        sentences[(int)(StableHash.Of(seed, slot) % (ulong)sentences.Count)];

    private static List<string> Rotate(IReadOnlyList<string> sentences, int by) =>
        [.. sentences.Skip(by % sentences.Count), .. sentences.Take(by % sentences.Count)];

    private static List<string> Sentences(string text) =>
        [.. SentencePattern().Split(text)
            .Select(s => s.Trim().TrimStart('-', '*', '•', ' ').Trim())
            .Where(s => s.Length >= 3)
            .Distinct(StringComparer.Ordinal)];

    private static string Shorten(string text, int words)
    {
        var list = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return list.Length == 0 ? "Untitled" : string.Join(' ', list.Take(words)).TrimEnd('.', ',', ';', ':');
    }

    private static string Slug(string text) => string.Join('-', WorkArea.Words(text).Take(6)) is { Length: > 0 } slug ? slug : "item";

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
    private static partial Regex SentencePattern();

    [GeneratedRegex(@"^(?:name|title|label|product|headline|slug)s?$|_name$|name$")]
    private static partial Regex NamePattern();
}
