using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FluidManager.Models.Providers;

/// <summary>
/// Fills the usage of an answer whose provider reported none (some Ollama and vLLM builds), counting with
/// the model's tokenizer (<see cref="TokenEstimator"/>), so every answer can be priced.
/// </summary>
internal sealed class TokenCountingChatClient(IChatClient inner, string model, ILogger logger) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var response = await base.GetResponseAsync(list, options, cancellationToken);
        if (response.Usage is { InputTokenCount: not null, OutputTokenCount: not null })
        {
            return response;
        }

        Log.UsageCounted(logger, model);
        var tools = (options?.Tools ?? []).OfType<AIFunctionDeclaration>().Select(ToolDefinition.From);
        var usage = response.Usage ?? new UsageDetails();
        usage.InputTokenCount ??= TokenEstimator.CountInput(list, tools, model);
        usage.OutputTokenCount ??= TokenEstimator.CountOutput(response.Text, response.ToolCalls, model);
        response.Usage = usage.WithTotal();
        return response;
    }
}
