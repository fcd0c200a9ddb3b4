using FluidManager.Models.Embeddings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FluidManager.Models.Hosting;

/// <summary>Checks <see cref="ModelsOptions"/> at start-up; every error names the key to set.</summary>
internal sealed class ModelsOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<ModelsOptions>
{
    private const string S = ModelsOptions.Section;

    public ValidateOptionsResult Validate(string? name, ModelsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var allowed = options.EffectiveAllowed;
        var pricing = new ModelPricing(options.Prices);

        if (string.IsNullOrWhiteSpace(options.Default))
        {
            errors.Add($"'{S}:Default' must name a model, such as 'offline'.");
        }
        else if (!allowed.Any(ModelId.Parse(options.Default).Matches))
        {
            errors.Add($"'{S}:Default' is '{options.Default}', which '{S}:Allowed' ({string.Join(", ", allowed)}) does not include.");
        }

        static ModelId Entry(string a) => ModelId.Parse(a.EndsWith(":*", StringComparison.Ordinal) ? a[..^2] : a);
        var entries = allowed.Where(a => a != "*").ToList();
        if (!string.IsNullOrWhiteSpace(options.Default))
        {
            entries.Add(options.Default);
        }

        var real = entries.Where(a => Entry(a).Provider == ModelId.OpenAI).ToList();
        var azure = entries.Where(a => Entry(a).Provider == ModelId.Azure).ToList();

        ModelId? embeddings = string.IsNullOrWhiteSpace(options.Embeddings.Model) ? null : ModelId.Parse(options.Embeddings.Model);
        if (embeddings is { Provider: ModelId.OpenAI })
        {
            real.Add(options.Embeddings.Model);
        }

        if (real.Count > 0 && string.IsNullOrWhiteSpace(options.OpenAI.ApiKey))
        {
            errors.Add($"'{real[0]}' is configured but no API key is set: set '{S}:OpenAI:ApiKey' (environment variable 'Fluid__Models__OpenAI__ApiKey').");
        }

        if (azure.Count > 0 && (string.IsNullOrWhiteSpace(options.Azure.Endpoint) || !Uri.TryCreate(options.Azure.Endpoint, UriKind.Absolute, out var azureUrl)
            || (azureUrl.Scheme != Uri.UriSchemeHttp && azureUrl.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"'{azure[0]}' is configured but '{S}:Azure:Endpoint' is not an absolute http(s) URL: set it to the resource's endpoint, such as https://my-resource.openai.azure.com/.");
        }

        foreach (var id in real.Concat(azure).Where(a => !a.EndsWith(":*", StringComparison.Ordinal)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var model = ModelId.Parse(id);
            var full = model.Name.Length > 0 ? model
                : model.Provider == ModelId.OpenAI ? model with { Name = options.OpenAI.Model }
                : string.IsNullOrWhiteSpace(options.Azure.Deployment) ? model : model with { Name = options.Azure.Deployment.Trim() };
            if (full.Name.Length == 0)
            {
                errors.Add($"'{id}' names no deployment: use 'azure:<deployment>' or set '{S}:Azure:Deployment'.");
            }
            else if (!pricing.TryGet(full.ToString(), out _))
            {
                var key = ModelPricing.PriceKey(full.ToString());
                errors.Add($"'{full}' has no price: set '{key}:InputPerMillion' and '{key}:OutputPerMillion' (USD per million tokens).");
            }
        }

        foreach (var (model, price) in options.Prices)
        {
            if (price is null || price.InputPerMillion < 0 || price.OutputPerMillion < 0)
            {
                errors.Add($"'{S}:Prices:{model}' must have InputPerMillion and OutputPerMillion of zero or more.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.OpenAI.BaseUrl)
            && (!Uri.TryCreate(options.OpenAI.BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"'{S}:OpenAI:BaseUrl' must be an absolute http(s) URL, such as https://api.openai.com/v1.");
        }

        ValidateEndpoint(errors, options.OpenAI, $"{S}:OpenAI");
        ValidateEndpoint(errors, options.Azure, $"{S}:Azure");

        if (options.Offline.LatencyMs is < 0 or > 600_000)
        {
            errors.Add($"'{S}:Offline:LatencyMs' must be between 0 and 600000.");
        }

        if (embeddings is null || embeddings.Value.Provider == ModelId.Scripted
            || (embeddings.Value.Provider == ModelId.Offline && embeddings.Value.Name.ToLowerInvariant() is not ("" or "minilm" or "hashing")))
        {
            errors.Add($"'{S}:Embeddings:Model' must be 'offline' (MiniLM), 'offline:hashing' or an OpenAI-compatible model such as 'openai:text-embedding-3-small'.");
        }
        else if (embeddings.Value.Provider == ModelId.Offline && embeddings.Value.Name.ToLowerInvariant() != "hashing" && options.Embeddings.Dimensions is >= 1 and <= 16_000 && options.Embeddings.Dimensions != MiniLMEmbeddingModel.ModelDimensions)
        {
            errors.Add($"'{S}:Embeddings:Dimensions' is {options.Embeddings.Dimensions}, but the offline model (all-MiniLM-L6-v2) makes vectors of {MiniLMEmbeddingModel.ModelDimensions}: set it to {MiniLMEmbeddingModel.ModelDimensions} or choose another model.");
        }

        if (options.Embeddings.Dimensions is < 1 or > 16_000)
        {
            errors.Add($"'{S}:Embeddings:Dimensions' must be between 1 and 16000.");
        }

        if (!string.IsNullOrWhiteSpace(options.Scripted.ScenarioPath))
        {
            var path = Path.GetFullPath(options.Scripted.ScenarioPath, environment?.ContentRootPath ?? AppContext.BaseDirectory);
            if (!Directory.Exists(path) && !File.Exists(path))
            {
                errors.Add($"'{S}:Scripted:ScenarioPath' is '{options.Scripted.ScenarioPath}', which does not exist ({path}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateEndpoint(List<string> errors, ModelEndpointOptions options, string key)
    {
        if (options.Timeout < TimeSpan.FromMilliseconds(10) || options.Timeout > TimeSpan.FromHours(1))
        {
            errors.Add($"'{key}:Timeout' must be between 00:00:00.010 and 01:00:00.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            errors.Add($"'{key}:MaxRetries' must be between 0 and 10.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > options.MaxRetryDelay)
        {
            errors.Add($"'{key}:RetryBaseDelay' must be zero or more and at most '{key}:MaxRetryDelay'.");
        }

        if (options.MaxRetryDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"'{key}:MaxRetryDelay' must be at most 01:00:00.");
        }
    }
}
