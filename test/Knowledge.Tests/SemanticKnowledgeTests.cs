using FluidManager.Knowledge.Spaces;
using FluidManager.TestSupport;
using Microsoft.Extensions.Hosting;

namespace FluidManager.Knowledge.Tests;

/// <summary>The default embedding model (MiniLM, no configuration) through the real ingestion and search path, on a database of its own.</summary>
public sealed class SemanticKnowledgeTests(OwnSiloFixture fixture) : IClassFixture<OwnSiloFixture>, IAsyncLifetime
{
    private IHost _silo = null!;

    public async Task InitializeAsync() => _silo = await fixture.StartSiloAsync(new Dictionary<string, string?> { ["Fluid:Models:Embeddings:Model"] = "offline" });

    public async Task DisposeAsync() => await TestSilos.StopHostAsync(_silo);

    [Fact]
    public async Task A_document_is_found_by_a_paraphrase_that_shares_no_word_with_it()
    {
        var (company, agent, space) = await fixture.CompanyWithSpaceAsync(_silo);
        var finance = await OwnSiloFixture.IngestAsync(_silo, company, space, "results.md", "# Third quarter\n\nTurnover climbed eleven percent, driven by enterprise renewals.");
        finance.Status.Should().Be(DocumentStatus.Ready, finance.Error);
        await OwnSiloFixture.IngestAsync(_silo, company, space, "cats.md", "# Office cats\n\nThe cat sat on the warm windowsill all afternoon.");
        await OwnSiloFixture.IngestAsync(_silo, company, space, "travel.md", "# Travel policy\n\nBook flights at least two weeks ahead and keep every receipt.");
        await OwnSiloFixture.IngestAsync(_silo, company, space, "security.md", "# Security\n\nLock your screen when you leave your desk and never share passwords.");

        var result = await OwnSiloFixture.SearchAsync(_silo, company, agent, "how much money did sales make last period?");

        result.Allowed.Should().BeTrue();
        var top = result.Citations[0];
        top.DocumentId.Should().Be(finance.Id, "MiniLM relates sales and money to turnover; the text half finds nothing: {0}", string.Join(", ", result.Citations.Select(c => c.DocumentName)));
        top.VectorRank.Should().Be(1);
        top.TextRank.Should().BeNull("the query shares no word with the document");
        (await fixture.ScalarAsync<string>("SELECT model FROM knowledge_embedding_index")).Should().Be("offline:minilm");
    }
}
