using FluidManager.Models.Embeddings;
using FluidManager.Models.Offline;
using FluidManager.Models.OpenAICompatible;
using FluidManager.Models.Providers;
using FluidManager.Models.Scripted;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluidManager.Models.Hosting;

/// <summary>Registration entry point of the model layer.</summary>
public static class ModelsHostingExtensions
{
    /// <summary>
    /// Adds the model layer, configured from <c>Fluid:Models</c> (<see cref="ModelsOptions"/>, checked at
    /// start-up): <see cref="IChatModelProvider"/> (the <see cref="ModelCatalog"/>, whose chat clients are
    /// Microsoft.Extensions.AI <see cref="IChatClient"/>s traced under <see cref="ModelTelemetry.SourceName"/>),
    /// <see cref="ModelPricing"/>, <see cref="OfflineChatModel"/>, <see cref="ScenarioLibrary"/>, the resilient HTTP
    /// clients of remote providers (<see cref="ModelHttp"/>) and the configured embedding model, an
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings (MiniLM unless configured otherwise).
    /// With no configuration at all, everything runs offline.
    /// </summary>
    public static IHostApplicationBuilder AddModels(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ModelsOptions>().BindConfiguration(ModelsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelsOptions>, ModelsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddModelHttpClients();
        services.TryAddSingleton(sp => new ModelPricing(sp.GetRequiredService<IOptions<ModelsOptions>>()));
        services.TryAddSingleton(sp => new OfflineChatModel(sp.GetRequiredService<IOptions<ModelsOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ScenarioLibrary(
            sp.GetRequiredService<IOptions<ModelsOptions>>(), sp.GetService<IHostEnvironment>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ModelCatalog(
            sp.GetRequiredService<IOptions<ModelsOptions>>(),
            sp.GetRequiredService<OfflineChatModel>(),
            sp.GetRequiredService<ScenarioLibrary>(),
            sp.GetRequiredService<ModelPricing>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IHttpClientFactory>()));
        services.TryAddSingleton<IChatModelProvider>(sp => sp.GetRequiredService<ModelCatalog>());
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(CreateEmbeddingModel);
        return builder;
    }

    private static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingModel(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ModelsOptions>>().Value;
        var id = ModelId.Parse(options.Embeddings.Model);
        if (id.Provider == ModelId.Offline)
        {
            return string.Equals(id.Name, "hashing", StringComparison.OrdinalIgnoreCase) ? new HashingEmbeddingModel(options.Embeddings.Dimensions) : new MiniLMEmbeddingModel();
        }

        var name = id.Name.Length > 0 ? id.Name : "text-embedding-3-small";
        return new OpenAIEmbeddingModel(
            name,
            options.Embeddings.Dimensions,
            options.OpenAI,
            options.Embeddings.SendDimensions,
            services.GetService<ILoggerFactory>()?.CreateLogger<OpenAIEmbeddingModel>(),
            services.GetRequiredService<TimeProvider>());
    }
}
