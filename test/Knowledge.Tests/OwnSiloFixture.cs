using System.Reflection;
using System.Text;
using FluidManager.Grains;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Storage;
using FluidManager.Knowledge.Retrieval;
using FluidManager.Knowledge.Spaces;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Hosting;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// A database of its own, on which a test starts and stops silos (runtime, grains, knowledge, pumps) with
/// the embedding settings it wants, one at a time: the embedding index is a property of the database.
/// </summary>
public class OwnSiloFixture : DatabaseFixture
{
    private readonly string _storage = Directory.CreateTempSubdirectory("fluid-knowledge-embeddings-").FullName;

    protected override Assembly[] MigrationAssemblies =>
        [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly, typeof(KnowledgeHostingExtensions).Assembly];

    /// <summary>Starts a silo whose configuration is the test silos' with <paramref name="embeddings"/> on top (Fluid:Models:Embeddings:*, Fluid:Models:OpenAI:*…).</summary>
    public async Task<IHost> StartSiloAsync(IReadOnlyDictionary<string, string?> embeddings)
    {
        var settings = KnowledgeFixture.SiloSettings(ConnectionString, _storage, TestSilos.ClusterSettings(TestSilos.NewClusterId("embeddings")));
        foreach (var (key, value) in embeddings)
        {
            settings[key] = value;
        }

        return await TestSilos.StartHostAsync(settings, builder =>
        {
            builder.AddFluidRuntime();
            builder.AddFluidSilo();
            builder.AddGrains();
            builder.AddKnowledge();
            builder.AddSiloPumps();
        });
    }

    public override async Task DisposeAsync()
    {
        Directory.Delete(_storage, recursive: true);
        await base.DisposeAsync();
    }

    public async Task<long> CreateCompanyAsync() =>
        await ScalarAsync<long>("INSERT INTO companies (name, slug) VALUES ('Acme', @slug) RETURNING id", ("slug", $"acme-{Guid.NewGuid():N}"));

    /// <summary>A company with an agent allowed the rag tool and a company-wide space: (company, agent, space).</summary>
    public async Task<(long Company, long Agent, long Space)> CompanyWithSpaceAsync(IHost silo)
    {
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var company = await CreateCompanyAsync();
        var agent = await grains.GetGrain<ICompanyGrain>(company).CreateAgentAsync(new CreateAgentCommand
        {
            CompanyId = company,
            Profile = new AgentProfile { FirstName = "Fay", LastName = "Test", Role = "Analyst", Department = "Finance", Model = "offline", AllowedTools = [AgentTools.Rag] },
        });
        var space = await grains.GetGrain<IKnowledgeGrain>(company).CreateSpaceAsync(new CreateSpaceCommand(company, "Handbook", null, SpaceScope.Company, null, null, null));
        return (company, agent.Id, space.Id);
    }

    /// <summary>Uploads a Markdown document through the silo and waits until its ingestion has ended.</summary>
    public static async Task<DocumentDto> IngestAsync(IHost silo, long company, long space, string name, string content)
    {
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var store = silo.Services.GetRequiredService<IObjectStore>();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        var stored = await store.PutAsync(ObjectKeys.CompanyPrefix(company) + "knowledge/" + Guid.NewGuid().ToString("N"), stream, "text/markdown");
        var upload = await grains.GetGrain<IKnowledgeSpaceGrain>(space).AddDocumentAsync(new AddDocumentCommand(company, name, stored));
        return await Eventually.WaitAsync(
            () => grains.GetGrain<IKnowledgeSpaceGrain>(space).GetDocumentAsync(company, upload.Document.Id),
            d => d.Status is DocumentStatus.Ready or DocumentStatus.Failed,
            TimeSpan.FromSeconds(60),
            $"document {name} to be ingested");
    }

    public static Task<RetrievalResult> SearchAsync(IHost silo, long company, long agent, string query) =>
        silo.Services.GetRequiredService<KnowledgeRetriever>().SearchAsync(new RetrievalRequest(company, agent, query), CancellationToken.None);

    /// <summary>The dimension of knowledge_chunks.embedding (its typmod).</summary>
    public Task<int> ColumnDimensionsAsync() =>
        ScalarAsync<int>("SELECT atttypmod FROM pg_attribute WHERE attrelid = 'knowledge_chunks'::regclass AND attname = 'embedding'");
}
