using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FluidManager.Models;

/// <summary>
/// Token counts from the model's tiktoken encoding (Microsoft.ML.Tokenizers): <c>cl100k_base</c> or
/// <c>o200k_base</c>, chosen by model name (<see cref="TiktokenTokenizer.CreateForModel(string, IReadOnlyDictionary{string, int}?, Normalizer?)"/>);
/// any other model, the offline and scripted ones included, counts with <c>o200k_base</c>. Used where a
/// provider reports no usage, for the offline model's usage, and for budget reservations before a call.
/// </summary>
public static class TokenEstimator
{
    /// <summary>The encoding of models the tokenizer library does not know.</summary>
    public const string DefaultEncoding = "o200k_base";

    /// <summary>Tokens a chat format adds around each message (role markers).</summary>
    public const int PerMessageOverhead = 4;

    /// <summary>Tokens a chat format adds once per request (reply priming).</summary>
    public const int PerRequestOverhead = 3;

    private static readonly Lazy<Tokenizer> Default = new(() => TiktokenTokenizer.CreateForEncoding(DefaultEncoding));
    private static readonly ConcurrentDictionary<string, Tokenizer> ByModel = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The tokenizer of <paramref name="model"/>: a provider model name (<c>gpt-4o-mini</c>) or a catalogue id
    /// (<c>openai:gpt-4</c>); null, unknown names and encodings whose data is not shipped fall back to <c>o200k_base</c>.
    /// </summary>
    public static Tokenizer For(string? model)
    {
        var name = NameOf(model);
        return name.Length == 0 ? Default.Value : ByModel.GetOrAdd(name, Create);
    }

    /// <summary>Tokens of <paramref name="text"/> with the default encoding (<c>o200k_base</c>); zero for empty text.</summary>
    public static int Count(string? text) => Count(text, null);

    /// <summary>Tokens of <paramref name="text"/> with <paramref name="model"/>'s encoding; zero for empty text.</summary>
    public static int Count(string? text, string? model) =>
        string.IsNullOrEmpty(text) ? 0 : For(model).CountTokens(text);

    /// <summary>Input tokens of a request: messages, tool calls, tool results and tool definitions, with per-message overhead.</summary>
    public static int EstimateInput(ChatRequest request, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CountInput(request.Messages, request.Tools, model ?? request.Model);
    }

    /// <summary>Input tokens of a conversation and the tools offered with it.</summary>
    public static int CountInput(IEnumerable<ChatMessage> messages, IEnumerable<ToolDefinition> tools, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(tools);
        var tokenizer = For(model);
        var tokens = PerRequestOverhead;
        foreach (var message in messages)
        {
            tokens += PerMessageOverhead + Tokens(tokenizer, message.Content) + Tokens(tokenizer, message.ToolCallId);
            foreach (var call in message.ToolCalls)
            {
                tokens += Tokens(tokenizer, call.Name) + Tokens(tokenizer, call.ArgumentsJson) + PerMessageOverhead;
            }
        }

        foreach (var tool in tools)
        {
            var schema = tool.Parameters.ValueKind == JsonValueKind.Undefined ? null : tool.Parameters.GetRawText();
            tokens += Tokens(tokenizer, tool.Name) + Tokens(tokenizer, tool.Description) + Tokens(tokenizer, schema) + PerMessageOverhead;
        }

        return tokens;
    }

    /// <summary>Output tokens of an answer: its text, plus each tool call's name and arguments.</summary>
    public static int CountOutput(string? text, IEnumerable<FunctionCallContent> toolCalls, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(toolCalls);
        var tokenizer = For(model);
        var tokens = Tokens(tokenizer, text);
        foreach (var call in toolCalls)
        {
            tokens += Tokens(tokenizer, call.Name) + Tokens(tokenizer, call.ArgumentsJson) + PerRequestOverhead;
        }

        return tokens;
    }

    /// <summary>The most a request can use: its input plus its <see cref="ChatRequest.MaxOutputTokens"/>.</summary>
    public static Usage EstimateReservation(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Usage(EstimateInput(request), Math.Max(0, request.MaxOutputTokens));
    }

    /// <summary>The longest start of <paramref name="text"/> that fits in <paramref name="maxTokens"/> tokens.</summary>
    public static string Truncate(string text, int maxTokens, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var index = For(model).GetIndexByTokenCount(text, Math.Max(0, maxTokens), out _, out _);
        return text[..index];
    }

    private static int Tokens(Tokenizer tokenizer, string? text) => string.IsNullOrEmpty(text) ? 0 : tokenizer.CountTokens(text);

    /// <summary>The provider's model name: <c>gpt-4o</c> for <c>openai:gpt-4o</c>; empty for the offline and scripted models.</summary>
    private static string NameOf(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return "";
        }

        var id = ModelId.Parse(model);
        return id.Provider is ModelId.Offline or ModelId.Scripted ? "" : id.Name;
    }

    private static Tokenizer Create(string name)
    {
        try
        {
            return TiktokenTokenizer.CreateForModel(name);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException or IOException)
        {
            return Default.Value; // unknown model (llama3, a deployment name) or an encoding whose data package is not shipped
        }
    }
}
