using System.Collections.Concurrent;
using FluidManager.Models.Offline;
using FluidManager.Models.OpenAICompatible;
using FluidManager.Models.Providers;
using FluidManager.Models.Scripted;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FluidManager.Models;

/// <summary>
/// The <see cref="IChatModelProvider"/>: resolves <c>offline</c>, <c>scripted:&lt;name&gt;</c>,
/// <c>openai:&lt;model&gt;</c> (or a bare model name) and <c>azure:&lt;deployment&gt;</c> to an
/// <see cref="IChatClient"/>, after checking the global allowed list (<c>Fluid:Models:Allowed</c>) and the
/// company's own list. Each client is a Microsoft.Extensions.AI pipeline, outermost first:
/// <list type="number">
/// <item>bound to its id: a call whose <see cref="ChatOptions.ModelId"/> names another model is refused;</item>
/// <item><c>OpenTelemetryChatClient</c> under <see cref="ModelTelemetry.SourceName"/> (gen_ai spans and metrics);</item>
/// <item>usage counted with the model's tokenizer when the provider reports none;</item>
/// <item>for remote providers, their failures turned into <see cref="ModelCallException"/>.</item>
/// </list>
/// There is no function-invoking middleware: tool calls go back to the caller, which runs and records them.
/// Remote models also need their key or endpoint and a price, so that budgets can be checked before each call.
/// </summary>
public sealed class ModelCatalog : IChatModelProvider, IDisposable
{
    private readonly ModelsOptions _options;
    private readonly OfflineChatModel _offline;
    private readonly ScenarioLibrary _scenarios;
    private readonly ModelPricing _pricing;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lazy<IHttpClientFactory> _http;
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _remote = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (IChatClient Inner, IChatClient Pipeline)> _local = new(StringComparer.OrdinalIgnoreCase);

    public ModelCatalog(
        IOptions<ModelsOptions> options,
        OfflineChatModel offline,
        ScenarioLibrary scenarios,
        ModelPricing pricing,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IHttpClientFactory? httpClients = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _offline = offline;
        _scenarios = scenarios;
        _pricing = pricing;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<ModelCatalog>();
        _time = timeProvider ?? TimeProvider.System;
        _http = new Lazy<IHttpClientFactory>(() => httpClients ?? ModelHttp.CreateFactory(options, _loggers));
        Allowed = _options.EffectiveAllowed;
    }

    public string DefaultModel => Normalise(_options.Default).ToString();

    public IReadOnlyList<string> Allowed { get; }

    public bool IsAllowed(string modelId, IReadOnlyCollection<string>? companyAllowed = null)
    {
        var id = ModelId.Parse(modelId);
        return Allowed.Any(id.Matches) && (companyAllowed is null || companyAllowed.Count == 0 || companyAllowed.Any(id.Matches));
    }

    public IChatClient Resolve(string? modelId, IReadOnlyCollection<string>? companyAllowed = null)
    {
        var id = Normalise(string.IsNullOrWhiteSpace(modelId) ? _options.Default : modelId);
        var text = id.ToString();
        if (!Allowed.Any(id.Matches))
        {
            throw new ModelNotAllowedException(text, Allowed,
                $"Model '{text}' is not allowed. Allowed models: {string.Join(", ", Allowed)} (set by '{ModelsOptions.Section}:Allowed').");
        }

        if (companyAllowed is { Count: > 0 } && !companyAllowed.Any(id.Matches))
        {
            throw new ModelNotAllowedException(text, [.. companyAllowed],
                $"Model '{text}' is not allowed for this company. Allowed for the company: {string.Join(", ", companyAllowed)}.");
        }

        var client = id.Provider switch
        {
            ModelId.Offline => Local(text, _offline),
            ModelId.Scripted when id.Name.Length == 0 => throw new ModelNotAllowedException(text, Allowed, "A scripted model needs a scenario name: 'scripted:<scenario>'."),
            ModelId.Scripted => Local(text, _scenarios.GetModel(id.Name)),
            _ => Remote(id),
        };
        Log.ModelResolved(_logger, text);
        return client;
    }

    public void Dispose()
    {
        foreach (var client in _remote.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    private ModelId Normalise(string modelId)
    {
        var id = ModelId.Parse(modelId);
        return id switch
        {
            { Provider: ModelId.OpenAI, Name.Length: 0 } => id with { Name = _options.OpenAI.Model },
            { Provider: ModelId.Azure, Name.Length: 0 } when !string.IsNullOrWhiteSpace(_options.Azure.Deployment) => id with { Name = _options.Azure.Deployment.Trim() },
            _ => id,
        };
    }

    /// <summary>The pipeline of an in-process model; rebuilt when the model is replaced (a scenario added again).</summary>
    private IChatClient Local(string id, IChatClient model) =>
        _local.AddOrUpdate(
            id,
            _ => (model, Pipeline(id, id, model, remote: null)),
            (_, existing) => ReferenceEquals(existing.Inner, model) ? existing : (model, Pipeline(id, id, model, remote: null))).Pipeline;

    private IChatClient Remote(ModelId id)
    {
        if (id.Name.Length == 0)
        {
            throw new ModelConfigurationException($"{ModelsOptions.Section}:Azure:Deployment",
                $"'azure' names no deployment: use 'azure:<deployment>' or set '{ModelsOptions.Section}:Azure:Deployment'.");
        }

        _pricing.Get(id.ToString());
        return _remote.GetOrAdd(id.ToString(), key => new Lazy<IChatClient>(() =>
        {
            var (inner, options, settings) = id.Provider == ModelId.Azure
                ? (OpenAIChatModel.CreateAzure(id.Name, _options.Azure, _http.Value.CreateClient(ModelHttp.AzureClient)), (ModelEndpointOptions)_options.Azure, $"{ModelsOptions.Section}:Azure")
                : (OpenAIChatModel.CreateOpenAI(id.Name, _options.OpenAI, _http.Value.CreateClient(ModelHttp.OpenAIClient)), _options.OpenAI, $"{ModelsOptions.Section}:OpenAI");
            return Pipeline(key, id.Name, inner, (options, settings));
        })).Value;
    }

    private IChatClient Pipeline(string id, string providerModel, IChatClient model, (ModelEndpointOptions Options, string Key)? remote)
    {
        var builder = new ChatClientBuilder(model)
            .Use(inner => new BoundChatClient(inner, id, providerModel, m => Normalise(m).ToString()))
            .UseOpenTelemetry(_loggers, ModelTelemetry.SourceName)
            .Use(inner => new TokenCountingChatClient(inner, id, _loggers.CreateLogger<TokenCountingChatClient>()));
        if (remote is { } settings)
        {
            builder.Use(inner => new ProviderErrorsChatClient(inner, id, settings.Key, settings.Options, _loggers.CreateLogger<ProviderErrorsChatClient>(), _time));
        }

        return builder.Build();
    }

    /// <summary>A resolved model: refuses calls that name another model, and passes the provider's own model name on.</summary>
    private sealed class BoundChatClient(IChatClient inner, string id, string providerModel, Func<string, string> normalise) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            base.GetResponseAsync(messages, Bind(options), cancellationToken);

        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            base.GetStreamingResponseAsync(messages, Bind(options), cancellationToken);

        public override string ToString() => id;

        private ChatOptions Bind(ChatOptions? options)
        {
            if (!string.IsNullOrWhiteSpace(options?.ModelId) && normalise(options.ModelId) is var asked
                && !string.Equals(asked, id, StringComparison.OrdinalIgnoreCase) && !string.Equals(options.ModelId, providerModel, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"The request names model '{asked}' but was sent to '{id}'; resolve '{asked}' from the catalogue instead.", nameof(options));
            }

            var bound = options?.Clone() ?? new ChatOptions();
            bound.ModelId = providerModel;
            return bound;
        }
    }
}
