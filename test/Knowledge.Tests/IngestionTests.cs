using System.Text;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Knowledge.Retrieval;
using FluidManager.Knowledge.Spaces;
using FluidManager.Runtime.Grains;
using FluidManager.TestSupport;

namespace FluidManager.Knowledge.Tests;

public sealed class IngestionTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    public static TheoryData<string, string, string, string> Formats => new()
    {
        { "refunds.md", "text/markdown", Samples.RefundPolicy, "Gift cards are never refunded." },
        { "notes.txt", "text/plain", "Meeting notes.\n\nThe launch moves to March.", "The launch moves to March." },
        { "guide.html", "text/html", Samples.Html, "New engineers get a laptop on day one." },
        { "catalog.csv", "text/csv", Samples.Csv, "sku: A-100; name: Blue kettle; price: 39.90; notes: Ships in 2 days, gift-wrapped" },
        { "product.json", "application/json", Samples.Json, "product.tiers[1].seats: 50" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Each_text_format_is_extracted_chunked_embedded_and_made_searchable(string name, string contentType, string content, string expected)
    {
        var company = await fixture.CreateCompanyAsync();
        var space = await fixture.CreateSpaceAsync(company, "Docs");

        var document = await fixture.IngestAsync(company, space.Id, name, content, contentType);

        document.ChunkCount.Should().BeGreaterThan(0);
        document.ActiveGeneration.Should().Be(1);
        document.Format.Should().NotBeNull();
        var chunks = await fixture.ScalarAsync<string>(
            "SELECT string_agg(content, E'\\n' ORDER BY ordinal) FROM knowledge_chunks WHERE document_id = @id AND generation = 1", ("id", document.Id));
        chunks.Should().Contain(expected);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM knowledge_chunks WHERE document_id = @id AND embedding IS NOT NULL AND tsv <> ''::tsvector", ("id", document.Id)))
            .Should().Be(document.ChunkCount);
    }

    [Fact]
    public async Task An_encrypted_pdf_fails_visibly_naming_the_file_and_the_problem()
    {
        var company = await fixture.CreateCompanyAsync();
        var space = await fixture.CreateSpaceAsync(company, "Reports");

        var upload = await fixture.UploadAsync(company, space.Id, "salaries.pdf", Samples.EncryptedPdf(), "application/pdf");
        var document = await fixture.SettledAsync(company, space.Id, upload.Document.Id);

        document.Status.Should().Be(DocumentStatus.Failed);
        document.Error.Should().StartWith("'salaries.pdf' is an encrypted PDF: its text cannot be read without the password");
        document.Attempts.Should().Be(1, "an encrypted file is not retried by the runtime");
    }

    [Fact]
    public async Task An_unreadable_document_fails_visibly_with_its_error_and_progress_was_reported_on_the_activity()
    {
        var company = await fixture.CreateCompanyAsync();
        var space = await fixture.CreateSpaceAsync(company, "Images");

        var upload = await fixture.UploadAsync(company, space.Id, "logo.png", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01], "image/png");
        var document = await fixture.SettledAsync(company, space.Id, upload.Document.Id);

        document.Status.Should().Be(DocumentStatus.Failed);
        document.Error.Should().Contain("not a supported document");
        document.Attempts.Should().Be(1, "a format error is not retried by the runtime");
        (await fixture.ScalarAsync<string>(
            "SELECT progress->>'stage' FROM runtime.activities WHERE kind = 'knowledge.ingest' AND input->>'documentId' = @id", ("id", document.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .Should().Be("extracting");
    }

    [Fact]
    public async Task A_failed_document_is_retried_through_the_grain_and_then_becomes_ready()
    {
        var company = await fixture.CreateCompanyAsync();
        var space = await fixture.CreateSpaceAsync(company, "Ops");
        var upload = await fixture.UploadAsync(company, space.Id, "runbook.md", "# Runbook\n\nRestart the worker when the queue stalls.");
        await fixture.SettledAsync(company, space.Id, upload.Document.Id);
        var key = await fixture.ScalarAsync<string>("SELECT storage_key FROM knowledge_documents WHERE id = @id", ("id", upload.Document.Id));

        await fixture.Store.DeleteAsync(key);
        var missing = await fixture.Space(space.Id).RetryDocumentAsync(company, upload.Document.Id);
        var failed = await fixture.SettledAsync(company, space.Id, missing.Id, missing.Generation);
        failed.Status.Should().Be(DocumentStatus.Failed);
        failed.Error.Should().Contain("missing from object storage");
        failed.ActiveGeneration.Should().Be(1, "the previous version stays searchable");

        using (var bytes = new MemoryStream(Encoding.UTF8.GetBytes("# Runbook\n\nRestart the worker, then page the on-call engineer.")))
        {
            await fixture.Store.PutAsync(key, bytes, "text/markdown");
        }

        var retried = await fixture.Space(space.Id).RetryDocumentAsync(company, upload.Document.Id);
        retried.Status.Should().Be(DocumentStatus.Pending);
        var ready = await fixture.SettledAsync(company, space.Id, retried.Id, retried.Generation);
        ready.Status.Should().Be(DocumentStatus.Ready);
        ready.Error.Should().BeNull();
        ready.ActiveGeneration.Should().Be(3);
        (await fixture.ScalarAsync<string>("SELECT string_agg(content, ' ') FROM knowledge_chunks WHERE document_id = @id", ("id", ready.Id)))
            .Should().Be("Restart the worker, then page the on-call engineer.");
    }

    [Fact]
    public async Task Retrying_a_document_being_ingested_is_a_conflict()
    {
        var company = await fixture.CreateCompanyAsync();
        var space = await fixture.CreateSpaceAsync(company, "Busy");
        fixture.Embeddings.Hold = texts => texts.Any(t => t.Contains("HOLD-RETRY", StringComparison.Ordinal));
        try
        {
            var upload = await fixture.UploadAsync(company, space.Id, "busy.md", "HOLD-RETRY text.");
            await fixture.Embeddings.Held.WaitAsync(TimeSpan.FromSeconds(30));

            var act = () => fixture.Space(space.Id).RetryDocumentAsync(company, upload.Document.Id);

            await act.Should().ThrowAsync<ConflictException>();
        }
        finally
        {
            fixture.Embeddings.Release();
        }
    }

    [Fact]
    public async Task Re_uploading_a_document_replaces_its_chunks_atomically()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Reader", "Analyst", "Finance");
        var space = await fixture.CreateSpaceAsync(company, "Policies");
        var v1 = await fixture.IngestAsync(company, space.Id, "travel.md",
            "# Travel\n\nVERSION-ONE: economy class for every flight. VERSION-ONE: hotels up to 120 euros a night.");

        // The second version's ingestion is held in its embedding step: it is running, not yet searchable.
        fixture.Embeddings.Hold = texts => texts.Any(t => t.Contains("VERSION-TWO", StringComparison.Ordinal));
        try
        {
            var upload = await fixture.UploadAsync(company, space.Id, "travel.md",
                "# Travel\n\nVERSION-TWO: business class above six hours. VERSION-TWO: hotels up to 180 euros a night.");
            upload.Replaced.Should().BeTrue();
            upload.Document.Id.Should().Be(v1.Id);
            upload.Document.Generation.Should().Be(2);
            await fixture.Embeddings.Held.WaitAsync(TimeSpan.FromSeconds(30));

            var during = await Eventually.WaitAsync(() => fixture.Space(space.Id).GetDocumentAsync(company, v1.Id), d => d.Status == DocumentStatus.Ingesting, TimeSpan.FromSeconds(10), "ingesting");
            during.ActiveGeneration.Should().Be(1);
            during.Progress.Should().NotBeNull();
            during.Progress!.Value.GetProperty("stage").GetString().Should().Be("embedding");
            var old = await SearchAsync(company, agent.Id, "hotels per night flight class");
            old.Should().NotBeEmpty().And.OnlyContain(c => c.Text.Contains("VERSION-ONE", StringComparison.Ordinal));
        }
        finally
        {
            fixture.Embeddings.Release();
        }

        var v2 = await fixture.SettledAsync(company, space.Id, v1.Id, 2);
        v2.Status.Should().Be(DocumentStatus.Ready);
        v2.ActiveGeneration.Should().Be(2);
        var now = await SearchAsync(company, agent.Id, "hotels per night flight class");
        now.Should().NotBeEmpty().And.OnlyContain(c => c.Text.Contains("VERSION-TWO", StringComparison.Ordinal));
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM knowledge_chunks WHERE document_id = @id AND generation <> 2", ("id", v1.Id)))
            .Should().Be(0, "the replaced chunks are removed in the turn that made the new ones searchable");
    }

    [Fact]
    public async Task A_document_event_trail_shows_upload_ingestion_and_readiness()
    {
        var company = await fixture.CreateCompanyAsync();
        var space = await fixture.CreateSpaceAsync(company, "Trail");

        var document = await fixture.IngestAsync(company, space.Id, "a.md", "# A\n\nSome text.");

        var types = await fixture.ScalarAsync<string>(
            "SELECT string_agg(type, ',' ORDER BY position) FROM runtime.events WHERE stream = @stream", ("stream", KnowledgeEvents.Stream(space.Id)));
        types.Should().Be("knowledge.space_created,knowledge.document_uploaded,knowledge.document_ingesting,knowledge.document_ready");
        document.IngestedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_chunks_and_returns_its_object_key()
    {
        var company = await fixture.CreateCompanyAsync();
        var space = await fixture.CreateSpaceAsync(company, "Temp");
        var document = await fixture.IngestAsync(company, space.Id, "t.md", "# T\n\nTemporary.");

        var key = await fixture.Space(space.Id).DeleteDocumentAsync(company, document.Id);

        key.Should().StartWith($"companies/{company}/knowledge/");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM knowledge_chunks WHERE document_id = @id", ("id", document.Id))).Should().Be(0);
        await fixture.Invoking(f => f.Space(space.Id).GetDocumentAsync(company, document.Id)).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task An_agent_writes_a_space_only_through_a_rule_that_lets_it_write()
    {
        var company = await fixture.CreateCompanyAsync();
        var writer = await fixture.HireAsync(company, "Wendy", "Writer", "Docs");
        var reader = await fixture.HireAsync(company, "Rita", "Reader", "Docs");
        var space = await fixture.CreateSpaceAsync(company, "Handbook", acl:
            [new AclRule(AclPrincipalKind.Department, "docs"), new AclRule(AclPrincipalKind.Agent, AgentId: writer.Id, CanRead: false, CanWrite: true)]);
        var key = ObjectKeys(company);
        using var bytes = new MemoryStream(Encoding.UTF8.GetBytes("# H\n\nText."));
        var stored = await fixture.Store.PutAsync(key, bytes, "text/markdown");

        using (CallerContext.As($"agent:{reader.Id}"))
        {
            var refused = () => fixture.Space(space.Id).AddDocumentAsync(new AddDocumentCommand(company, "h.md", stored));
            await refused.Should().ThrowAsync<PolicyDeniedException>().WithMessage($"Agent {reader.Id} may not write*");
        }

        using (CallerContext.As($"agent:{writer.Id}"))
        {
            var upload = await fixture.Space(space.Id).AddDocumentAsync(new AddDocumentCommand(company, "h.md", stored));
            upload.Document.UploadedBy.Should().Be($"agent:{writer.Id}");
        }
    }

    private static string ObjectKeys(long company) => Grains.Storage.ObjectKeys.CompanyPrefix(company) + "knowledge/" + Guid.NewGuid().ToString("N");

    private async Task<IReadOnlyList<Citation>> SearchAsync(long company, long agent, string query)
    {
        var result = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, agent, query), CancellationToken.None);
        result.Allowed.Should().BeTrue(result.Reason);
        return result.Citations;
    }
}
