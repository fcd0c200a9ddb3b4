using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FluidManager.Models;

/// <summary>
/// A JSON document between two tags in a system message: how the product hands a structured context (a meeting, a
/// lesson request) to a model, so that the offline model can read it back.
/// </summary>
internal static class PromptBlock
{
    public static string Write<T>(T value, string startTag, string endTag, JsonSerializerOptions json) =>
        $"{startTag}\n{JsonSerializer.Serialize(value, json)}\n{endTag}";

    /// <summary>The first block in the system messages; null when there is none or its JSON is not valid.</summary>
    public static T? Find<T>(IReadOnlyList<ChatMessage> messages, string startTag, string endTag, JsonSerializerOptions json)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages.Where(m => m.Role == ChatRole.System))
        {
            var text = message.Content;
            var start = text.IndexOf(startTag, StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf(endTag, start, StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }

            try
            {
                return JsonSerializer.Deserialize<T>(text.AsSpan(start + startTag.Length, end - start - startTag.Length), json);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }
}
