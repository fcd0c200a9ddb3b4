using System.Reflection;
using System.Text;
using FluidManager.Grains;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Storage;
using FluidManager.Grains.Work;
using FluidManager.Knowledge.Retrieval;
using FluidManager.Knowledge.Spaces;
using FluidManager.Knowledge.SqlTool;
using FluidManager.Knowledge.Web;
using FluidManager.Models;
using FluidManager.Models.Embeddings;
using Microsoft.Extensions.AI;
using FluidManager.Models.Hosting;
using FluidManager.Models.Scripted;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Hosting;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

[assembly: TestFramework(SharedFixtureFramework.TypeName, SharedFixtureFramework.AssemblyName)]

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// A database with the runtime's, the grains' and the knowledge schema, and two Orleans silos on it
/// (runtime, silo, grains, knowledge, pumps), which share one embedding model that can be held to
/// observe an ingestion in flight, and one scripted scenario library. The model is the hashing one
/// (<c>offline:hashing</c>), for speed: these tests ingest many documents, and test what retrieval does
/// with vectors (ACL, generations, fusion), not what the vectors mean; <see cref="SemanticKnowledgeTests"/>
/// runs the default MiniLM model through the same path. The test classes of
/// <see cref="KnowledgeFixture"/> share one; tests make a company each, so they never share rows.
/// </summary>
public class KnowledgeCluster : DatabaseFixture
{
    private readonly Lock _gate = new();
    private IReadOnlyList<IHost> _silos = [];
    private string? _storage;
    private ScenarioLibrary? _scenarios;

    protected override Assembly[] MigrationAssemblies =>
        [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly, typeof(KnowledgeHostingExtensions).Assembly];

    protected override string Prefix => "Knowledge";

    /// <summary>Whether the silos also run the agent loop (offline model), so agents work their tasks with the tools.</summary>
    protected virtual bool AgentWork => false;

    /// <summary>The first silo: the tests' grain factory and services come from it.</summary>
    public IHost Host => _silos.Count > 0 ? _silos[0] : throw new InvalidOperationException("The cluster is not started.");

    public GatedEmbeddingModel Embeddings { get; } = new();

    public string StoragePath => _storage ?? throw new InvalidOperationException("The cluster is not started.");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _storage = Directory.CreateTempSubdirectory("fluid-knowledge-objects-").FullName;
        var settings = KnowledgeFixture.SiloSettings(ConnectionString, _storage, KnowledgeFixture.ToolSettings);
        foreach (var (key, value) in TestSilos.ClusterSettings(TestSilos.NewClusterId("knowledge")))
        {
            settings[key] = value;
        }

        _silos = await TestSilos.StartClusterAsync(2, "knowledge-tests", settings, builder =>
        {
            // One scenario library for the silos: a test adds a scenario to it, and either silo may run the call.
            builder.Services.AddSingleton(SharedScenarios);
            KnowledgeFixture.AddSilo(builder, Embeddings, AgentWork);
        });
    }

    public override async Task DisposeAsync()
    {
        await TestSilos.StopClusterAsync(_silos);
        if (_storage is not null)
        {
            Directory.Delete(_storage, recursive: true);
        }

        await base.DisposeAsync();
    }

    private ScenarioLibrary SharedScenarios(IServiceProvider services)
    {
        lock (_gate)
        {
            return _scenarios ??= new ScenarioLibrary(
                services.GetRequiredService<IOptions<ModelsOptions>>(), services.GetService<IHostEnvironment>(), services.GetRequiredService<TimeProvider>());
        }
    }
}

/// <summary>The knowledge cluster with the agent loop running: agents work the tasks they are given.</summary>
public sealed class AgentWorkKnowledgeCluster : KnowledgeCluster
{
    protected override bool AgentWork => true;
}

/// <summary>
/// What a test class sees of the assembly's <see cref="KnowledgeCluster"/> (the one with agent work when
/// <see cref="AgentWork"/>): its database, a grain factory whose calls go through Orleans, the first
/// silo's services, the shared embedding model. Tests make a company each, so they never share rows.
/// </summary>
public class KnowledgeFixture : DatabaseFixture
{
    private KnowledgeCluster? _cluster;

    protected override Assembly[] MigrationAssemblies => [];

    private KnowledgeCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not initialised.");

    public IHost Host => Cluster.Host;

    public IServiceProvider Services => Host.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IObjectStore Store => Services.GetRequiredService<IObjectStore>();

    public KnowledgeRetriever Retriever => Services.GetRequiredService<KnowledgeRetriever>();

    public SqlToolExecutor Sql => Services.GetRequiredService<SqlToolExecutor>();

    public SqlSources SqlSources => Services.GetRequiredService<SqlSources>();

    public WebFetcher Web => Services.GetRequiredService<WebFetcher>();

    public GatedEmbeddingModel Embeddings => Cluster.Embeddings;

    public string StoragePath => Cluster.StoragePath;

    /// <summary>Whether the silos also run the agent loop (offline model), so agents work their tasks with the tools.</summary>
    protected virtual bool AgentWork => false;

    /// <summary>The limits of the governed tools in the test silos.</summary>
    public static IReadOnlyDictionary<string, string?> ToolSettings { get; } = new Dictionary<string, string?>
    {
        ["Fluid:Knowledge:Sql:StatementTimeout"] = "00:00:01",
        ["Fluid:Knowledge:Sql:MaxRows"] = "50",
        ["Fluid:Knowledge:Sql:MaxBytes"] = "65536",
        ["Fluid:Knowledge:Web:AllowedPrivateNetworks:0"] = "127.0.0.1/32",
        ["Fluid:Knowledge:Web:AdditionalHosts:0"] = "127.0.0.1",
        ["Fluid:Knowledge:Web:RequestTimeout"] = "00:00:05",
        ["Fluid:Knowledge:Web:MaxResponseBytes"] = "65536",
    };

    public override async Task InitializeAsync()
    {
        _cluster = AgentWork ? await AssemblyFixture.GetAsync<AgentWorkKnowledgeCluster>() : await AssemblyFixture.GetAsync<KnowledgeCluster>();
        UseSharedDatabase(_cluster.ConnectionString);
    }

    /// <summary>The settings of a test silo on the database and object storage, with <paramref name="settings"/> on top.</summary>
    public static Dictionary<string, string?> SiloSettings(string connectionString, string storage, IReadOnlyDictionary<string, string?> settings)
    {
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Fluid"] = connectionString,
            ["Fluid:Runtime:MigrateOnStart"] = "false",
            ["Fluid:Silo:Name"] = "knowledge-tests",
            ["Fluid:Silo:PollInterval"] = "00:00:00.050",
            ["Fluid:Runtime:ChannelPrefix"] = "knowledge_" + Guid.NewGuid().ToString("N")[..12],
            ["Fluid:Storage:Path"] = storage,
            ["Fluid:Models:Embeddings:Model"] = EmbeddingModels.Hashing,
        };
        foreach (var (key, value) in settings)
        {
            config[key] = value;
        }

        return config;
    }

    /// <summary>Registers a test silo as src/Silo's Program.cs does, with <paramref name="embeddings"/> as its embedding model and agent work only when asked.</summary>
    public static void AddSilo(IHostApplicationBuilder builder, GatedEmbeddingModel embeddings, bool agentWork = false)
    {
        builder.Services.AddSingleton(embeddings);
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embeddings);
        builder.AddFluidRuntime();
        builder.AddFluidSilo();
        builder.AddGrains();
        builder.AddKnowledge();
        if (agentWork)
        {
            builder.AddModels();
            builder.AddAgentWork();
        }

        builder.AddSiloPumps();
    }

    public async Task<long> CreateCompanyAsync(string name = "Acme")
    {
        var slug = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}";
        return await ScalarAsync<long>("INSERT INTO companies (name, slug) VALUES (@name, @slug) RETURNING id", ("name", name), ("slug", slug));
    }

    /// <summary>Hires an agent reporting to <paramref name="managerId"/> (or the CEO seat).</summary>
    public async Task<AgentDto> HireAsync(
        long companyId, string firstName, string role, string department, string[]? tools = null, string[]? sqlSources = null, string[]? webDomains = null, long? managerId = null,
        string model = "offline") =>
        await Grains.GetGrain<ICompanyGrain>(companyId).CreateAgentAsync(new CreateAgentCommand
        {
            CompanyId = companyId,
            Profile = new AgentProfile
            {
                FirstName = firstName,
                LastName = "Test",
                Role = role,
                Department = department,
                Model = model,
                AllowedTools = tools ?? [AgentTools.Rag],
                Limits = new AgentLimits { SqlSources = sqlSources ?? [], WebDomains = webDomains ?? [] },
            },
            ManagerAgentId = managerId,
        });

    public IKnowledgeSpaceGrain Space(long spaceId) => Grains.GetGrain<IKnowledgeSpaceGrain>(spaceId);

    public Task<KnowledgeSpaceDto> CreateSpaceAsync(long companyId, string name, SpaceScope scope = SpaceScope.Company, string? scopeRef = null, long? agentId = null, IReadOnlyList<AclRule>? acl = null) =>
        Grains.GetGrain<IKnowledgeGrain>(companyId).CreateSpaceAsync(new CreateSpaceCommand(companyId, name, null, scope, scopeRef, agentId, acl));

    /// <summary>Stores the bytes and records the document; the ingestion runs in the host's activity worker.</summary>
    public async Task<DocumentUpload> UploadAsync(long companyId, long spaceId, string name, byte[] content, string contentType)
    {
        var key = ObjectKeys.CompanyPrefix(companyId) + "knowledge/" + Guid.NewGuid().ToString("N");
        using var stream = new MemoryStream(content);
        var stored = await Store.PutAsync(key, stream, contentType);
        return await Space(spaceId).AddDocumentAsync(new AddDocumentCommand(companyId, name, stored));
    }

    public Task<DocumentUpload> UploadAsync(long companyId, long spaceId, string name, string content, string contentType = "text/markdown") =>
        UploadAsync(companyId, spaceId, name, Encoding.UTF8.GetBytes(content), contentType);

    /// <summary>Waits until the document's current generation is ready or failed.</summary>
    public Task<DocumentDto> SettledAsync(long companyId, long spaceId, long documentId, int? generation = null) =>
        Eventually.WaitAsync(
            () => Space(spaceId).GetDocumentAsync(companyId, documentId),
            d => (generation is null || d.Generation == generation) && d.Status is DocumentStatus.Ready or DocumentStatus.Failed,
            TimeSpan.FromSeconds(30),
            $"document {documentId} to be ingested");

    /// <summary>Uploads and waits until ready; fails the test when the ingestion fails.</summary>
    public async Task<DocumentDto> IngestAsync(long companyId, long spaceId, string name, string content, string contentType = "text/markdown")
    {
        var upload = await UploadAsync(companyId, spaceId, name, content, contentType);
        var document = await SettledAsync(companyId, spaceId, upload.Document.Id, upload.Document.Generation);
        document.Status.Should().Be(DocumentStatus.Ready, document.Error);
        return document;
    }
}

/// <summary>
/// The hashing embedder, which a test can hold: while <see cref="Hold"/> matches a batch, its call waits
/// until <see cref="Release"/>, so the ingestion it belongs to can be observed in flight.
/// </summary>
public sealed class GatedEmbeddingModel : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly HashingEmbeddingModel _inner = new();
    private TaskCompletionSource _gate = NewGate();
    private TaskCompletionSource _held = NewGate();

    public Func<IReadOnlyList<string>, bool>? Hold { get; set; }

    /// <summary>Completes when a held call is waiting.</summary>
    public Task Held => _held.Task;

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        if (Hold is { } hold && hold(texts))
        {
            _held.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
        }

        return await _inner.GenerateAsync(texts, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose()
    {
    }

    public void Release()
    {
        Hold = null;
        _gate.TrySetResult();
        _gate = NewGate();
        _held = NewGate();
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
