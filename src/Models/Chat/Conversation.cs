using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FluidManager.Models;

/// <summary>
/// Conveniences over Microsoft.Extensions.AI's conversation types, which are the model boundary: a tool
/// call is a <see cref="FunctionCallContent"/> in an assistant message, its answer a
/// <see cref="FunctionResultContent"/> in a tool message. The agent loop runs every tool itself and
/// records each call; nothing here invokes a tool.
/// </summary>
public static class Conversation
{
    /// <summary>Microsoft.Extensions.AI's settings, written compactly (tool arguments are stored and compared as text).</summary>
    private static readonly JsonSerializerOptions Json = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    extension(ChatMessage)
    {
        public static ChatMessage System(string text) => new(ChatRole.System, text);

        public static ChatMessage User(string text) => new(ChatRole.User, text);

        /// <summary>An assistant message: its text (may be empty) and the tools it asks to run.</summary>
        public static ChatMessage Assistant(string text, IEnumerable<FunctionCallContent>? toolCalls = null)
        {
            var contents = new List<AIContent>();
            if (!string.IsNullOrEmpty(text))
            {
                contents.Add(new TextContent(text));
            }

            contents.AddRange(toolCalls ?? []);
            return new ChatMessage(ChatRole.Assistant, contents);
        }

        /// <summary>A tool message answering the call <paramref name="callId"/> with <paramref name="result"/>.</summary>
        public static ChatMessage Tool(string callId, string result) =>
            new(ChatRole.Tool, [new FunctionResultContent(callId, result)]);
    }

    extension(ChatMessage message)
    {
        /// <summary>The tools an assistant message asks to run, in order.</summary>
        public IReadOnlyList<FunctionCallContent> ToolCalls => [.. message.Contents.OfType<FunctionCallContent>()];

        /// <summary>The call a tool message answers; null for other messages.</summary>
        public string? ToolCallId => message.Contents.OfType<FunctionResultContent>().FirstOrDefault()?.CallId;

        /// <summary>The text of the message, tool results included (a tool message's text is its result).</summary>
        public string Content => message.Role == ChatRole.Tool && message.Contents.OfType<FunctionResultContent>().FirstOrDefault() is { } result
            ? ResultText(result.Result)
            : message.Text;
    }

    extension(FunctionCallContent call)
    {
        /// <summary>The arguments as JSON text (<c>{}</c> when there are none).</summary>
        public string ArgumentsJson => call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, Json);

        /// <summary>The arguments as a JSON object, or false when the model wrote something that is not one.</summary>
        public bool TryParseArguments(out JsonElement arguments)
        {
            if (call.Exception is not null || call.Arguments is null)
            {
                arguments = default;
                return false;
            }

            arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), Json);
            return arguments.ValueKind == JsonValueKind.Object;
        }
    }

    extension(FunctionCallContent)
    {
        /// <summary>A tool call from the JSON text a model wrote; text that is not a JSON object is kept as the call's parse error.</summary>
        public static FunctionCallContent FromJson(string callId, string name, string? argumentsJson) =>
            FunctionCallContent.CreateFromParsedArguments(
                string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson,
                callId,
                name,
                text => JsonSerializer.Deserialize<Dictionary<string, object?>>(text, Json));
    }

    extension(ChatResponse response)
    {
        /// <summary>Every tool call of the answer, in order.</summary>
        public IReadOnlyList<FunctionCallContent> ToolCalls => [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];

        /// <summary>The tokens read and written, as the provider reported them (or as counted when it reported none).</summary>
        public Usage TokenUsage => new(
            (int)Math.Min(int.MaxValue, response.Usage?.InputTokenCount ?? 0),
            (int)Math.Min(int.MaxValue, response.Usage?.OutputTokenCount ?? 0));

        /// <summary>
        /// Why the model stopped, as stored in the call records: <c>stop</c>, <c>tool_calls</c>, <c>length</c> or
        /// <c>content_filter</c>; null when the provider said nothing.
        /// </summary>
        public string? FinishReasonText =>
            response.FinishReason == ChatFinishReason.ToolCalls || (response.FinishReason is null && response.ToolCalls.Count > 0) ? "tool_calls"
            : response.FinishReason == ChatFinishReason.Length ? "length"
            : response.FinishReason == ChatFinishReason.ContentFilter ? "content_filter"
            : response.FinishReason is null ? null
            : "stop";

        /// <summary>The answer as one assistant message, to append to the conversation before the tool results.</summary>
        public ChatMessage ToMessage() => ChatMessage.Assistant(response.Text, response.ToolCalls);
    }

    extension(UsageDetails usage)
    {
        /// <summary>Sets the total to input plus output; returns the same details.</summary>
        public UsageDetails WithTotal()
        {
            usage.TotalTokenCount = (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0);
            return usage;
        }
    }

    /// <summary>
    /// The messages as a provider should get them: tool results read back from JSON storage (a JSON string)
    /// become text again, so they are not sent quoted.
    /// </summary>
    public static IReadOnlyList<ChatMessage> Restore(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return [.. messages.Select(m => m.Contents.Any(c => c is FunctionResultContent { Result: JsonElement })
            ? new ChatMessage(m.Role, [.. m.Contents.Select(c => c is FunctionResultContent { Result: JsonElement } r ? new FunctionResultContent(r.CallId, ResultText(r.Result)) : c)])
            : m)];
    }

    private static string ResultText(object? result) => result switch
    {
        null => "",
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? "",
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(result, Json),
    };
}

/// <summary>
/// A tool offered to the model: its name, what it does and the JSON schema of its arguments. It is stored
/// with the request (activity inputs are JSON) and offered to the model as an <see cref="AIFunctionDeclaration"/>,
/// a declaration only: the model can ask for it, never run it.
/// </summary>
public sealed record ToolDefinition(string Name, string Description, JsonElement Parameters)
{
    /// <summary>Builds a definition from a JSON schema written as text.</summary>
    public static ToolDefinition Create(string name, string description, string jsonSchema)
    {
        using var document = JsonDocument.Parse(jsonSchema);
        return new ToolDefinition(name, description, document.RootElement.Clone());
    }

    /// <summary>The definition of a declaration the model was offered.</summary>
    public static ToolDefinition From(AIFunctionDeclaration declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        return new ToolDefinition(declaration.Name, declaration.Description, declaration.JsonSchema);
    }

    /// <summary>The declaration offered to the model.</summary>
    public AIFunctionDeclaration ToDeclaration() => AIFunctionFactory.CreateDeclaration(Name, Description, Parameters);
}
