using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Knowledge.Embeddings;
using FluidManager.Knowledge.Spaces;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// The chunks' vector column follows the configured embedding model: an empty index is resized at start-up,
/// a filled one of another model refuses search until a re-embed has run. The 1536-dimension model is an
/// OpenAI-compatible endpoint (a local server speaking the protocol); the 384-dimension one is the hashing
/// model, for speed.
/// </summary>
public sealed class EmbeddingIndexTests(OwnSiloFixture fixture) : IClassFixture<OwnSiloFixture>, IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Hashing = new() { ["Fluid:Models:Embeddings:Model"] = "offline:hashing" };

    private FakeEmbeddingServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeEmbeddingServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Dictionary<string, string?> OpenAI1536 => new()
    {
        ["Fluid:Models:Embeddings:Model"] = "openai:text-embedding-3-large",
        ["Fluid:Models:Embeddings:Dimensions"] = "1536",
        ["Fluid:Models:OpenAI:BaseUrl"] = _server.BaseUrl,
        ["Fluid:Models:OpenAI:ApiKey"] = "sk-fake",
        ["Fluid:Models:OpenAI:MaxRetries"] = "0",
        ["Fluid:Models:Prices:text-embedding-3-large:InputPerMillion"] = "0.13",
        ["Fluid:Models:Prices:text-embedding-3-large:OutputPerMillion"] = "0",
    };

    [Fact]
    public async Task The_vector_column_follows_the_model_and_a_filled_index_is_re_embedded_before_it_is_searched_again()
    {
        // An empty index takes the dimension of whichever model starts on it.
        var silo = await fixture.StartSiloAsync(OpenAI1536);
        (await fixture.ColumnDimensionsAsync()).Should().Be(1536);
        await TestSilos.StopHostAsync(silo);
        silo = await fixture.StartSiloAsync(Hashing);
        (await fixture.ColumnDimensionsAsync()).Should().Be(384);

        // Filled by the 384-dimension model...
        var (company, agent, space) = await fixture.CompanyWithSpaceAsync(silo);
        var document = await OwnSiloFixture.IngestAsync(silo, company, space, "expenses.md", "# Expenses\n\nTravel expenses are reimbursed within ten working days of the claim.");
        document.Status.Should().Be(DocumentStatus.Ready, document.Error);
        await OwnSiloFixture.IngestAsync(silo, company, space, "parking.md", "# Parking\n\nVisitors park in the north garage; badges are at the front desk.");
        await TestSilos.StopHostAsync(silo);

        // ...then the process starts with a 1536-dimension model: search is refused, with what to do.
        silo = await fixture.StartSiloAsync(OpenAI1536);
        try
        {
            var refused = async () => await OwnSiloFixture.SearchAsync(silo, company, agent, "travel reimbursement");
            var conflict = (await refused.Should().ThrowAsync<ConflictException>()).Which;
            conflict.Code.Should().Be(EmbeddingIndex.ReembedRequired);
            conflict.Message.Should().Contain("384-dimension vectors made by 'offline:hashing'").And.Contain("'openai:text-embedding-3-large' makes 1536").And.Contain("re-embed");
            (await fixture.ColumnDimensionsAsync()).Should().Be(384, "a filled index is never resized without a re-embed");

            var index = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IKnowledgeIndexGrain>(IKnowledgeIndexGrain.Key);
            var started = await index.StartReembedAsync();
            started.Reembed.Should().NotBeNull();
            started.Reembed!.Model.Should().Be("openai:text-embedding-3-large");
            (await index.StartReembedAsync()).Reembed!.ActivityId.Should().Be(started.Reembed.ActivityId, "a second request while one runs returns the running one");

            var state = await Eventually.WaitAsync(index.GetAsync, s => s.Reembed?.Status is "completed" or "failed", TimeSpan.FromSeconds(60), "the re-embed to end");
            state.Reembed!.Error.Should().BeNull();
            state.Reembed.Status.Should().Be("completed");
            state.Ready.Should().BeTrue();
            state.Model.Should().Be("openai:text-embedding-3-large");
            state.ColumnDimensions.Should().Be(1536);
            var chunks = await fixture.ScalarAsync<long>("SELECT count(*) FROM knowledge_chunks");
            state.Reembed.Total.Should().Be((int)chunks);
            state.Reembed.Done.Should().Be(state.Reembed.Total);
            (await fixture.ColumnDimensionsAsync()).Should().Be(1536);
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM knowledge_chunks WHERE vector_dims(embedding) = 1536")).Should().Be(chunks);
            (await fixture.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'knowledge_chunks_embedding_ix')")).Should().BeTrue();

            var found = await OwnSiloFixture.SearchAsync(silo, company, agent, "travel expenses reimbursed");
            found.Citations.Should().NotBeEmpty();
            found.Citations[0].DocumentId.Should().Be(document.Id);
            found.Citations[0].VectorRank.Should().Be(1);
            _server.Requests.Should().NotBeEmpty().And.OnlyContain(r => r["dimensions"]!.GetValue<int>() == 1536 && r["model"]!.GetValue<string>() == "text-embedding-3-large");

            // New documents are embedded by the new model too.
            var after = await OwnSiloFixture.IngestAsync(silo, company, space, "holidays.md", "# Holidays\n\nThe office closes between Christmas and New Year.");
            after.Status.Should().Be(DocumentStatus.Ready, after.Error);
        }
        finally
        {
            await TestSilos.StopHostAsync(silo);
        }
    }
}
