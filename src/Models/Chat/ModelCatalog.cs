using System.Collections.Concurrent;
using FluidManager.Models.Offline;
using FluidManager.Models.OpenAICompatible;
using FluidManager.Models.Scripted;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FluidManager.Models;

/// <summary>
/// The <see cref="IChatModelProvider"/>: resolves <c>offline</c>, <c>scripted:&lt;name&gt;</c> and
/// <c>openai:&lt;model&gt;</c> (or a bare model name) to a model, after checking the global allowed list
/// (<c>Fluid:Models:Allowed</c>) and the company's own list. The model returned is bound to its id: a request
/// whose <see cref="ChatRequest.Model"/> names another model is refused. OpenAI-compatible models also need
/// <c>Fluid:Models:OpenAI:ApiKey</c> and a price, so that budgets can be checked before each call.
/// </summary>
public sealed class ModelCatalog : IChatModelProvider
{
    private readonly ModelsOptions _options;
    private readonly OfflineChatModel _offline;
    private readonly ScenarioLibrary _scenarios;
    private readonly ModelPricing _pricing;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<OpenAIChatModel>> _openAI = new(StringComparer.OrdinalIgnoreCase);

    public ModelCatalog(
        IOptions<ModelsOptions> options,
        OfflineChatModel offline,
        ScenarioLibrary scenarios,
        ModelPricing pricing,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _offline = offline;
        _scenarios = scenarios;
        _pricing = pricing;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<ModelCatalog>();
        _time = timeProvider ?? TimeProvider.System;
        Allowed = _options.EffectiveAllowed;
    }

    public string DefaultModel => ModelId.Parse(_options.Default).ToString();

    public IReadOnlyList<string> Allowed { get; }

    public bool IsAllowed(string modelId, IReadOnlyCollection<string>? companyAllowed = null)
    {
        var id = ModelId.Parse(modelId);
        return Allowed.Any(id.Matches) && (companyAllowed is null || companyAllowed.Count == 0 || companyAllowed.Any(id.Matches));
    }

    public IChatModel Resolve(string? modelId, IReadOnlyCollection<string>? companyAllowed = null)
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

        IChatModel model = id.Provider switch
        {
            ModelId.Offline => _offline,
            ModelId.Scripted when id.Name.Length == 0 => throw new ModelNotAllowedException(text, Allowed, "A scripted model needs a scenario name: 'scripted:<scenario>'."),
            ModelId.Scripted => _scenarios.GetModel(id.Name),
            _ => OpenAI(id),
        };
        Log.ModelResolved(_logger, text);
        return new BoundChatModel(text, model, m => Normalise(m).ToString());
    }

    private ModelId Normalise(string modelId)
    {
        var id = ModelId.Parse(modelId);
        return id.Provider == ModelId.OpenAI && id.Name.Length == 0 ? id with { Name = _options.OpenAI.Model } : id;
    }

    private OpenAIChatModel OpenAI(ModelId id)
    {
        _pricing.Get(id.ToString());
        return _openAI.GetOrAdd(id.Name, name => new Lazy<OpenAIChatModel>(() =>
            new OpenAIChatModel(name, _options.OpenAI, _loggers.CreateLogger<OpenAIChatModel>(), _time))).Value;
    }

    /// <summary>A resolved model: refuses requests that name another model.</summary>
    private sealed class BoundChatModel(string id, IChatModel inner, Func<string, string> normalise) : IChatModel
    {
        public Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (!string.IsNullOrWhiteSpace(request.Model) && normalise(request.Model) is var asked && !string.Equals(asked, id, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"The request names model '{asked}' but was sent to '{id}'; resolve '{asked}' from the catalogue instead.", nameof(request));
            }

            return inner.CompleteAsync(request, cancellationToken);
        }

        public override string ToString() => id;
    }
}
