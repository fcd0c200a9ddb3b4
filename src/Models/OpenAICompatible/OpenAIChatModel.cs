using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Azure.Identity;
using FluidManager.Models.Providers;
using Microsoft.Extensions.AI;

namespace FluidManager.Models.OpenAICompatible;

/// <summary>
/// The chat clients of remote providers, through Microsoft.Extensions.AI's OpenAI adapter: an
/// OpenAI-compatible <c>/chat/completions</c> endpoint (OpenAI, Ollama, vLLM…) with the OpenAI client, or an
/// Azure OpenAI deployment with Azure.AI.OpenAI. Both send their requests through the given
/// <see cref="HttpClient"/> (from <c>IHttpClientFactory</c>, with the resilience handler of <see cref="ModelHttp"/>);
/// the SDKs' own retries are off.
/// </summary>
public static class OpenAIChatModel
{
    private const string OpenAIKey = $"{ModelsOptions.Section}:OpenAI";
    private const string AzureKey = $"{ModelsOptions.Section}:Azure";

    /// <summary>A client of <paramref name="modelName"/>, the provider's model name such as <c>gpt-4o-mini</c> (without <c>openai:</c>).</summary>
    public static IChatClient CreateOpenAI(string modelName, OpenAIModelOptions options, HttpClient http)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new ModelConfigurationException($"{OpenAIKey}:ApiKey", $"No API key for the OpenAI-compatible endpoint: set '{OpenAIKey}:ApiKey' (environment variable 'Fluid__Models__OpenAI__ApiKey'); servers without keys accept any text.");
        }

        var clientOptions = new global::OpenAI.OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.TotalTimeout,
        };
        if (!string.IsNullOrWhiteSpace(options.BaseUrl))
        {
            clientOptions.Endpoint = new Uri(options.BaseUrl);
        }

        return new global::OpenAI.OpenAIClient(new ApiKeyCredential(options.ApiKey), clientOptions).GetChatClient(modelName).AsIChatClient();
    }

    /// <summary>
    /// A client of the Azure OpenAI deployment <paramref name="deployment"/>: with <see cref="AzureOpenAIModelOptions.ApiKey"/>
    /// when set, else Microsoft Entra ID (<see cref="DefaultAzureCredential"/>).
    /// </summary>
    public static IChatClient CreateAzure(string deployment, AzureOpenAIModelOptions options, HttpClient http)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        if (string.IsNullOrWhiteSpace(options.Endpoint) || !Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint))
        {
            throw new ModelConfigurationException($"{AzureKey}:Endpoint", $"No Azure OpenAI endpoint: set '{AzureKey}:Endpoint' to the resource's URL, such as https://my-resource.openai.azure.com/.");
        }

        var clientOptions = new AzureOpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.TotalTimeout,
        };
        var client = string.IsNullOrWhiteSpace(options.ApiKey)
            ? new AzureOpenAIClient(endpoint, new DefaultAzureCredential(), clientOptions)
            : new AzureOpenAIClient(endpoint, new ApiKeyCredential(options.ApiKey), clientOptions);
        return client.GetChatClient(deployment).AsIChatClient();
    }
}
