using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluidManager.Models;

/// <summary>
/// How a task brief asks for a structured result: a heading, then the JSON Schema in a fenced <c>json</c> block. Agents
/// (and the offline model) read the schema back from the brief; the result is then the JSON value alone.
/// </summary>
public static class StructuredOutput
{
    public const string Heading = "Result format: complete the task with a result that is only a JSON value matching this JSON Schema (no other text):";

    private const string Fence = "```";

    /// <summary>The paragraph appended to a brief that asks for a result matching <paramref name="schema"/>.</summary>
    public static string Request(JsonNode schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return $"{Heading}\n{Fence}json\n{schema.ToJsonString()}\n{Fence}";
    }

    /// <summary>The schema a brief asks the result to match, when it carries a <see cref="Request"/> paragraph.</summary>
    public static JsonObject? FindSchema(string brief)
    {
        ArgumentNullException.ThrowIfNull(brief);
        var at = brief.LastIndexOf(Heading, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = brief.IndexOf(Fence + "json", at, StringComparison.Ordinal);
        var end = start < 0 ? -1 : brief.IndexOf(Fence, start + 7, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(brief[(start + 7)..end]) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The brief without its result-format paragraph.</summary>
    public static string WithoutRequest(string brief)
    {
        ArgumentNullException.ThrowIfNull(brief);
        var at = brief.LastIndexOf(Heading, StringComparison.Ordinal);
        return at < 0 ? brief : brief[..at].TrimEnd();
    }

    /// <summary>
    /// The JSON value in an agent's result: the whole text, else the first fenced block, else the span from the first
    /// <c>{</c> or <c>[</c> to the last matching bracket. Null when none of them parses.
    /// </summary>
    public static JsonNode? Extract(string? result)
    {
        if (string.IsNullOrWhiteSpace(result))
        {
            return null;
        }

        var text = result.Trim();
        if (TryParse(text) is { } whole)
        {
            return whole;
        }

        var fence = text.IndexOf(Fence, StringComparison.Ordinal);
        if (fence >= 0)
        {
            var bodyStart = text.IndexOf('\n', fence);
            var close = bodyStart < 0 ? -1 : text.IndexOf(Fence, bodyStart, StringComparison.Ordinal);
            if (close > bodyStart && TryParse(text[bodyStart..close]) is { } fenced)
            {
                return fenced;
            }
        }

        foreach (var (open, closeChar) in new[] { ('{', '}'), ('[', ']') })
        {
            var first = text.IndexOf(open, StringComparison.Ordinal);
            var last = text.LastIndexOf(closeChar);
            if (first >= 0 && last > first && TryParse(text[first..(last + 1)]) is { } spanned)
            {
                return spanned;
            }
        }

        return null;
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
