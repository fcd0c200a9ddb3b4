using Microsoft.Extensions.AI;

namespace FluidManager.Models;

/// <summary>
/// One call to a chat model as the product stores it (activity inputs are JSON): the conversation in
/// Microsoft.Extensions.AI's messages, the tools as definitions, and the limits. <see cref="ToChatOptions"/>
/// turns it into the <see cref="ChatOptions"/> of an <see cref="IChatClient"/> call; <see cref="From"/> reads
/// one back (the offline and scripted models do).
/// </summary>
public sealed record ChatRequest
{
    /// <summary>Default of <see cref="MaxOutputTokens"/>.</summary>
    public const int DefaultMaxOutputTokens = 1024;

    /// <summary>
    /// The model id the caller means, such as <c>offline</c> or <c>openai:gpt-4o-mini</c>. Optional:
    /// the client resolved by <see cref="IChatModelProvider"/> is bound to its id; when set, it must name
    /// that same model.
    /// </summary>
    public string? Model { get; init; }

    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>The tools the model may call. Empty: the model answers with text only.</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    public float? Temperature { get; init; }

    /// <summary>Upper bound of the answer's length, also used to reserve budget before the call. Default 1024.</summary>
    public int MaxOutputTokens { get; init; } = DefaultMaxOutputTokens;

    /// <summary>Sampling seed: sent to providers that support it and mixed into the offline model's choices.</summary>
    public long? Seed { get; init; }

    /// <summary>Free text that ties the call to its caller in the caller's logs (an activity or task id); never sent, never changes the answer.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The options of the call: the tools as declarations the model may ask for (the caller runs them).</summary>
    public ChatOptions ToChatOptions()
    {
        var options = new ChatOptions
        {
            ModelId = Model,
            Temperature = Temperature,
            MaxOutputTokens = MaxOutputTokens > 0 ? MaxOutputTokens : null,
            Seed = Seed,
        };
        if (Tools.Count > 0)
        {
            options.Tools = [.. Tools.Select(t => t.ToDeclaration())];
        }

        return options;
    }

    /// <summary>The request an <see cref="IChatClient"/> call carries.</summary>
    public static ChatRequest From(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new ChatRequest
        {
            Model = options?.ModelId,
            Messages = [.. messages],
            Tools = [.. (options?.Tools ?? []).OfType<AIFunctionDeclaration>().Select(ToolDefinition.From)],
            Temperature = options?.Temperature,
            MaxOutputTokens = options?.MaxOutputTokens ?? 0,
            Seed = options?.Seed,
        };
    }
}

/// <summary>Calls a chat client with a stored <see cref="ChatRequest"/>.</summary>
public static class ChatRequestExtensions
{
    /// <summary>Sends <paramref name="request"/>'s conversation with its options; the answer's tool calls come back unrun.</summary>
    public static Task<ChatResponse> GetResponseAsync(this IChatClient client, ChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        return client.GetResponseAsync(Conversation.Restore(request.Messages), request.ToChatOptions(), cancellationToken);
    }
}
