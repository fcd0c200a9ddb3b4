namespace FluidManager.Models;

/// <summary>
/// Settings of the model layer. Section <c>Fluid:Models</c>. Example:
/// <code>
/// "Fluid": { "Models": {
///   "Default": "offline",
///   "Allowed": [ "offline", "scripted:*", "openai:gpt-4o-mini" ],
///   "Prices": { "gpt-4o-mini": { "InputPerMillion": 0.15, "OutputPerMillion": 0.60 } },
///   "OpenAI": { "BaseUrl": "https://api.openai.com/v1", "ApiKey": "(from a secret)", "Timeout": "00:01:40", "MaxRetries": 3 },
///   "Azure": { "Endpoint": "https://my-resource.openai.azure.com/", "Deployment": "gpt-4o-mini", "ApiKey": "(optional: else Entra ID)" },
///   "Offline": { "LatencyMs": 400 },
///   "Scripted": { "ScenarioPath": "scenarios" },
///   "Embeddings": { "Model": "offline", "Dimensions": 384 } } }
/// </code>
/// </summary>
public sealed class ModelsOptions
{
    public const string Section = "Fluid:Models";

    /// <summary>The allowed list used when <see cref="Allowed"/> is empty.</summary>
    public static IReadOnlyList<string> DefaultAllowed { get; } = [ModelId.Offline, "scripted:*"];

    /// <summary>The model of an agent that names none. Default <c>offline</c>.</summary>
    public string Default { get; set; } = ModelId.Offline;

    /// <summary>
    /// The models agents may use (the CEO's global policy): exact ids (<c>openai:gpt-4o-mini</c>),
    /// provider patterns (<c>openai:*</c>) or <c>*</c>. Empty: <c>offline</c> and <c>scripted:*</c>.
    /// </summary>
    public IList<string> Allowed { get; set; } = [];

    /// <summary>USD per million tokens by model name (see <see cref="ModelPricing"/> for the lookup).</summary>
    public IDictionary<string, ModelPrice> Prices { get; set; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);

    public OpenAIModelOptions OpenAI { get; set; } = new();

    public AzureOpenAIModelOptions Azure { get; set; } = new();

    public OfflineModelOptions Offline { get; set; } = new();

    public ScriptedModelOptions Scripted { get; set; } = new();

    public EmbeddingOptions Embeddings { get; set; } = new();

    /// <summary><see cref="Allowed"/>, or <see cref="DefaultAllowed"/> when it is empty.</summary>
    public IReadOnlyList<string> EffectiveAllowed =>
        Allowed.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToList() is { Count: > 0 } list ? list : DefaultAllowed;
}

/// <summary>
/// How calls to a model endpoint are made resilient: they go through an <c>HttpClient</c> from
/// <c>IHttpClientFactory</c> with the standard resilience handler (Microsoft.Extensions.Http.Resilience),
/// configured from these values.
/// </summary>
public abstract class ModelEndpointOptions
{
    /// <summary>How long one attempt may take before it is abandoned; a timed-out attempt is not retried (the model may still be working). Default 100 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries after a transient failure only: 408, 429, a 5xx or a lost connection; 0 disables them. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay when the server sends no Retry-After; doubles each retry, with jitter. Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts. A Retry-After asking for more fails the call at once. Default 60 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a call may take, every attempt and wait included: each attempt's timeout plus each wait at its longest.</summary>
    public TimeSpan TotalTimeout => (Timeout * (MaxRetries + 1)) + (MaxRetryDelay * MaxRetries) + TimeSpan.FromSeconds(1);
}

/// <summary>An OpenAI-compatible endpoint (OpenAI, Ollama, vLLM…). Section <c>Fluid:Models:OpenAI</c>.</summary>
public sealed class OpenAIModelOptions : ModelEndpointOptions
{
    /// <summary>The API root, ending in <c>/v1</c> for most servers. Default: OpenAI's (<c>https://api.openai.com/v1</c>).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The API key. Read from configuration only (a secret or environment variable); never logged or returned.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model of the id <c>openai</c> without a name. Default <c>gpt-4o-mini</c>.</summary>
    public string Model { get; set; } = "gpt-4o-mini";
}

/// <summary>
/// Azure OpenAI, through Azure.AI.OpenAI: models are deployments of a resource (<c>azure:&lt;deployment&gt;</c>).
/// Section <c>Fluid:Models:Azure</c>.
/// </summary>
public sealed class AzureOpenAIModelOptions : ModelEndpointOptions
{
    /// <summary>The resource's endpoint, such as <c>https://my-resource.openai.azure.com/</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The deployment of the id <c>azure</c> without a name.</summary>
    public string? Deployment { get; set; }

    /// <summary>
    /// The resource's API key, from configuration only (a secret or environment variable); never logged. Empty:
    /// Microsoft Entra ID through <c>DefaultAzureCredential</c> (managed identity, workload identity, environment, Azure CLI…).
    /// </summary>
    public string? ApiKey { get; set; }
}

/// <summary>The offline deterministic model. Section <c>Fluid:Models:Offline</c>.</summary>
public sealed class OfflineModelOptions
{
    /// <summary>Delay before each answer, so progress is visible in demos; cancellable. Default 0.</summary>
    public int LatencyMs { get; set; }
}

/// <summary>The scripted model. Section <c>Fluid:Models:Scripted</c>.</summary>
public sealed class ScriptedModelOptions
{
    /// <summary>
    /// A folder of scenario files (<c>scripted:launch</c> reads <c>launch.json</c> in it) or one scenario
    /// file (its name without extension is the scenario's name). Relative paths start at the content root.
    /// </summary>
    public string? ScenarioPath { get; set; }
}

/// <summary>The embedding model. Section <c>Fluid:Models:Embeddings</c>.</summary>
public sealed class EmbeddingOptions
{
    /// <summary>
    /// <c>offline</c> (all-MiniLM-L6-v2 run in-process, 384 dimensions; also <c>offline:minilm</c>),
    /// <c>offline:hashing</c> (feature hashing of words: fast, no meaning) or an OpenAI-compatible model such as
    /// <c>openai:text-embedding-3-small</c>. Default <c>offline</c>.
    /// </summary>
    public string Model { get; set; } = ModelId.Offline;

    /// <summary>
    /// Vector length: 384 for MiniLM, any length for hashing, the length the endpoint returns for an
    /// OpenAI-compatible model. The knowledge index follows it (an empty index is resized at start-up,
    /// a filled one needs a re-embed). Default 384.
    /// </summary>
    public int Dimensions { get; set; } = 384;

    /// <summary>
    /// Send <see cref="Dimensions"/> to an OpenAI-compatible server. Default true; turn off for models that
    /// do not accept it (<c>text-embedding-ada-002</c>, most local models) and set Dimensions to their native size.
    /// </summary>
    public bool SendDimensions { get; set; } = true;
}
