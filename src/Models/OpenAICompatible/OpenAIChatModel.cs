using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sdk = OpenAI.Chat;

namespace FluidManager.Models.OpenAICompatible;

/// <summary>
/// A chat model behind an OpenAI-compatible <c>/chat/completions</c> endpoint (OpenAI, Azure OpenAI v1,
/// Ollama, vLLM…), through the <c>OpenAI</c> package. Messages, tools, tool calls and usage map both ways;
/// retries and timeouts follow <see cref="OpenAIModelOptions"/>. A server that reports no usage gets
/// estimated token counts.
/// </summary>
public sealed class OpenAIChatModel : IChatModel
{
    private readonly Sdk.ChatClient _client;
    private readonly OpenAIEndpoint _endpoint;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>A client for <paramref name="modelName"/>, the provider's model name such as <c>gpt-4o-mini</c> (without <c>openai:</c>).</summary>
    public OpenAIChatModel(string modelName, OpenAIModelOptions options, ILogger<OpenAIChatModel>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _endpoint = new OpenAIEndpoint(options, _logger, _time);
        _client = new Sdk.ChatClient(modelName, _endpoint.Credential, _endpoint.ClientOptions);
        ModelName = modelName;
    }

    public string ModelName { get; }

    public string ModelId => $"{Models.ModelId.OpenAI}:{ModelName}";

    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var messages = request.Messages.Select(ToSdk).ToList();
        var options = new Sdk.ChatCompletionOptions
        {
            Temperature = request.Temperature,
            MaxOutputTokenCount = request.MaxOutputTokens > 0 ? request.MaxOutputTokens : null,
        };
#pragma warning disable OPENAI001 // Seed is marked experimental by the SDK; servers that ignore it are fine.
        options.Seed = request.Seed;
#pragma warning restore OPENAI001
        foreach (var tool in request.Tools)
        {
            options.Tools.Add(Sdk.ChatTool.CreateFunctionTool(tool.Name, tool.Description, BinaryData.FromString(tool.Parameters.GetRawText())));
        }

        var completion = await _endpoint.ExecuteAsync(
            ModelId,
            async token => (await _client.CompleteChatAsync(messages, options, token)).Value,
            cancellationToken);

        var text = string.Concat(completion.Content.Where(p => p.Kind == Sdk.ChatMessageContentPartKind.Text).Select(p => p.Text));
        var calls = completion.ToolCalls.Select(c => new ToolCall(c.Id, c.FunctionName, c.FunctionArguments?.ToString() ?? "{}")).ToList();
        var finish = completion.FinishReason switch
        {
            Sdk.ChatFinishReason.ToolCalls or Sdk.ChatFinishReason.FunctionCall => FinishReason.ToolCalls,
            Sdk.ChatFinishReason.Length => FinishReason.Length,
            Sdk.ChatFinishReason.ContentFilter => FinishReason.ContentFilter,
            _ => calls.Count > 0 ? FinishReason.ToolCalls : FinishReason.Stop,
        };
        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            text = completion.Refusal;
            finish = FinishReason.ContentFilter;
        }

        Usage usage;
        if (completion.Usage is { } reported)
        {
            usage = new Usage(reported.InputTokenCount, reported.OutputTokenCount);
        }
        else
        {
            Log.UsageEstimated(_logger, ModelId);
            usage = new Usage(TokenEstimator.EstimateInput(request), TokenEstimator.CountOutput(text, calls));
        }

        var duration = _time.GetElapsedTime(started);
        Log.CallCompleted(_logger, ModelId, duration.TotalMilliseconds, usage.InputTokens, usage.OutputTokens, request.CorrelationId);
        return new ChatResponse
        {
            Model = ModelId,
            Text = text,
            ToolCalls = calls,
            FinishReason = finish,
            Usage = usage,
            Duration = duration,
        };
    }

    private static Sdk.ChatMessage ToSdk(ChatMessage message)
    {
        switch (message.Role)
        {
            case ChatRole.System:
                return new Sdk.SystemChatMessage(message.Content);
            case ChatRole.User:
                return new Sdk.UserChatMessage(message.Content);
            case ChatRole.Tool:
                return new Sdk.ToolChatMessage(
                    message.ToolCallId ?? throw new ArgumentException("A tool message needs the ToolCallId it answers.", nameof(message)),
                    message.Content);
            case ChatRole.Assistant when message.ToolCalls.Count > 0:
                var assistant = new Sdk.AssistantChatMessage(message.ToolCalls.Select(c =>
                    Sdk.ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(string.IsNullOrWhiteSpace(c.Arguments) ? "{}" : c.Arguments))));
                if (!string.IsNullOrEmpty(message.Content))
                {
                    assistant.Content.Add(Sdk.ChatMessageContentPart.CreateTextPart(message.Content));
                }

                return assistant;
            case ChatRole.Assistant:
                return new Sdk.AssistantChatMessage(message.Content);
            default:
                throw new ArgumentOutOfRangeException(nameof(message), message.Role, "Unknown chat role.");
        }
    }
}
