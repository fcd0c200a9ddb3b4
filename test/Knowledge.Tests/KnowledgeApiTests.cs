using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FluidManager.TestSupport;

namespace FluidManager.Knowledge.Tests;

public sealed class KnowledgeApiTests(KnowledgeApiFixture fixture) : IClassFixture<KnowledgeApiFixture>
{
    [Fact]
    public async Task An_agent_searches_a_space_it_may_read_with_citations_and_one_of_another_department_gets_a_logged_403()
    {
        using var ceo = await fixture.CeoAsync();
        var engineer = await HireAsync(ceo, "Eva", "Developer", "Engineering", ["rag"]);
        var seller = await HireAsync(ceo, "Sol", "Account executive", "Sales", ["rag"]);
        var space = await PostAsync(ceo, "/api/knowledge/spaces", new { name = $"Runbooks {Guid.NewGuid():N}", scope = "department", scopeRef = "Engineering" }, HttpStatusCode.Created);
        var spaceId = space.GetProperty("id").GetInt64();
        space.GetProperty("acl")[0].GetProperty("kind").GetString().Should().Be("department");

        var document = await UploadAsync(ceo, spaceId, "oncall.md", "# On-call\n\nThe on-call engineer acknowledges a page within fifteen minutes.\n");
        var ready = await Eventually.WaitAsync(
            async () => await (await ceo.GetAsync($"/api/knowledge/spaces/{spaceId}/documents/{document}")).Content.ReadFromJsonAsync<JsonElement>(),
            d => d.GetProperty("status").GetString() is "ready" or "failed", TimeSpan.FromSeconds(30), "the document to be ingested");
        ready.GetProperty("status").GetString().Should().Be("ready");

        var found = await PostAsync(ceo, "/api/knowledge/search", new { agentId = engineer, query = "how fast must a page be acknowledged?", taskId = 4242 }, HttpStatusCode.OK);
        var citation = found.GetProperty("citations")[0];
        citation.GetProperty("documentName").GetString().Should().Be("oncall.md");
        citation.GetProperty("text").GetString().Should().Contain("fifteen minutes");
        citation.GetProperty("chunkId").GetInt64().Should().BePositive();

        var denied = await ceo.PostAsJsonAsync("/api/knowledge/search", new { agentId = seller, query = "how fast must a page be acknowledged?" });
        denied.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        denied.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await denied.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be("knowledge.denied");
        problem.GetProperty("detail").GetString().Should().Be("no knowledge space grants this agent read access");

        var audit = await (await ceo.GetAsync($"/api/knowledge/retrievals?agentId={seller}")).Content.ReadFromJsonAsync<JsonElement>();
        audit[0].GetProperty("allowed").GetBoolean().Should().BeFalse();
        audit[0].GetProperty("id").GetInt64().Should().Be(problem.GetProperty("retrievalId").GetInt64());
        var trace = await (await ceo.GetAsync("/api/knowledge/retrievals?taskId=4242")).Content.ReadFromJsonAsync<JsonElement>();
        trace[0].GetProperty("hits")[0].GetProperty("documentName").GetString().Should().Be("oncall.md");
    }

    [Fact]
    public async Task An_operator_re_embeds_the_knowledge_index_and_follows_its_progress_to_the_end()
    {
        using var ceo = await fixture.CeoAsync();
        var space = await PostAsync(ceo, "/api/knowledge/spaces", new { name = $"Reembed {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var spaceId = space.GetProperty("id").GetInt64();
        var document = await UploadAsync(ceo, spaceId, "canteen.md", "# Canteen\n\nHot meals are served from noon until two.\n");
        await Eventually.WaitAsync(
            async () => await (await ceo.GetAsync($"/api/knowledge/spaces/{spaceId}/documents/{document}")).Content.ReadFromJsonAsync<JsonElement>(),
            d => d.GetProperty("status").GetString() is "ready" or "failed", TimeSpan.FromSeconds(30), "the document to be ingested");

        var started = await PostAsync(ceo, "/api/operators/knowledge/reembed", new { }, HttpStatusCode.Accepted);
        started.GetProperty("reembed").GetProperty("model").GetString().Should().Be("offline:hashing");
        var done = await Eventually.WaitAsync(
            async () => await (await ceo.GetAsync("/api/operators/knowledge/index")).Content.ReadFromJsonAsync<JsonElement>(),
            i => i.GetProperty("reembed").GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(60), "the re-embed to end");

        done.GetProperty("reembed").GetProperty("status").GetString().Should().Be("completed");
        done.GetProperty("reembed").GetProperty("activityId").GetGuid().Should().Be(started.GetProperty("reembed").GetProperty("activityId").GetGuid());
        done.GetProperty("ready").GetBoolean().Should().BeTrue();
        done.GetProperty("columnDimensions").GetInt32().Should().Be(384);
        var total = done.GetProperty("reembed").GetProperty("total").GetInt32();
        total.Should().Be((int)await fixture.ScalarAsync<long>("SELECT count(*) FROM knowledge_chunks")).And.BePositive();
        done.GetProperty("reembed").GetProperty("done").GetInt32().Should().Be(total);
    }

    [Fact]
    public async Task An_agent_queries_the_crm_view_it_is_granted_is_refused_the_other_and_both_are_audited()
    {
        using var ceo = await fixture.CeoAsync();
        var analyst = await HireAsync(ceo, "Ana", "Analyst", "Sales", ["sql"]);
        (await PostAsync(ceo, "/api/knowledge/sql/demo-crm", new { customers = 30 }, HttpStatusCode.OK)).GetProperty("customers").GetInt32().Should().BeGreaterThanOrEqualTo(30);
        var sources = await (await ceo.GetAsync("/api/knowledge/sql/sources")).Content.ReadFromJsonAsync<JsonElement>();
        sources.EnumerateArray().Select(s => s.GetProperty("name").GetString()).Should().Contain(["crm.customers", "crm.orders", "progress.kpis"]);

        var grant = await ceo.PutAsync($"/api/knowledge/sql/agents/{analyst}/sources/crm.customers", null);
        grant.StatusCode.Should().Be(HttpStatusCode.OK);
        (await grant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sources").EnumerateArray().Select(s => s.GetString()).Should().Equal("crm.customers");

        var rows = await PostAsync(ceo, "/api/knowledge/sql/query", new { agentId = analyst, sql = "SELECT count(*) AS n FROM crm.customers WHERE country = $1", parameters = new[] { "France" } }, HttpStatusCode.OK);
        rows.GetProperty("outcome").GetString().Should().Be("ok");
        var refused = await ceo.PostAsJsonAsync("/api/knowledge/sql/query", new { agentId = analyst, sql = "SELECT * FROM crm.orders" });
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("sql.denied");
        var invalid = await ceo.PostAsJsonAsync("/api/knowledge/sql/query", new { agentId = analyst, sql = "DELETE FROM crm.customers" });
        invalid.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);

        var audit = await (await ceo.GetAsync($"/api/knowledge/sql/audit?agentId={analyst}")).Content.ReadFromJsonAsync<JsonElement>();
        audit.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()).Should().Equal("invalid", "denied", "ok");
        audit[2].GetProperty("parameters")[0].GetString().Should().Be("France");
        var denials = await (await ceo.GetAsync($"/api/knowledge/sql/audit?agentId={analyst}&outcome=denied")).Content.ReadFromJsonAsync<JsonElement>();
        denials.GetArrayLength().Should().Be(1);

        (await ceo.DeleteAsync($"/api/knowledge/sql/agents/{analyst}/sources/crm.customers")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ceo.PostAsJsonAsync("/api/knowledge/sql/query", new { agentId = analyst, sql = "SELECT 1 FROM crm.customers" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Spaces_are_managed_through_the_api_with_their_acl_and_versions()
    {
        using var ceo = await fixture.CeoAsync();
        var name = $"Wiki {Guid.NewGuid():N}";
        var space = await PostAsync(ceo, "/api/knowledge/spaces", new { name, description = "Everything" }, HttpStatusCode.Created);
        var id = space.GetProperty("id").GetInt64();

        (await ceo.PostAsJsonAsync("/api/knowledge/spaces", new { name })).StatusCode.Should().Be(HttpStatusCode.Conflict);
        var invalid = await ceo.PutAsJsonAsync($"/api/knowledge/spaces/{id}/acl", new { rules = new object[] { new { kind = "role" } } });
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("rules[0].name", out _).Should().BeTrue();

        var set = await ceo.PutAsJsonAsync($"/api/knowledge/spaces/{id}/acl", new { rules = new object[] { new { kind = "role", name = "CTO", canWrite = true } }, expectedVersion = space.GetProperty("version").GetInt64() });
        set.StatusCode.Should().Be(HttpStatusCode.OK);
        var acl = await (await ceo.GetAsync($"/api/knowledge/spaces/{id}/acl")).Content.ReadFromJsonAsync<JsonElement>();
        acl[0].GetProperty("name").GetString().Should().Be("cto");
        acl[0].GetProperty("canWrite").GetBoolean().Should().BeTrue();
        var stale = await ceo.PutAsJsonAsync($"/api/knowledge/spaces/{id}", new { name = "Renamed", expectedVersion = 1 });
        stale.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);

        var listed = await (await ceo.GetAsync("/api/knowledge/spaces")).Content.ReadFromJsonAsync<JsonElement>();
        listed.EnumerateArray().Should().Contain(s => s.GetProperty("id").GetInt64() == id);
        (await ceo.DeleteAsync($"/api/knowledge/spaces/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ceo.GetAsync($"/api/knowledge/spaces/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Documents_take_tags_and_metadata_on_upload_are_edited_with_patch_filtered_by_tag_and_bad_values_name_the_field()
    {
        using var ceo = await fixture.CeoAsync();
        var space = await PostAsync(ceo, "/api/knowledge/spaces", new { name = $"Tagged {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var spaceId = space.GetProperty("id").GetInt64();

        using (var form = new MultipartFormDataContent())
        {
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes("# Leave\n\nTwenty-five days a year.\n"));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/markdown");
            form.Add(file, "file", "leave.md");
            form.Add(new StringContent(" HR, Policy ,hr"), "tags");
            form.Add(new StringContent("""{"owner": " Ada ", "reviewed": "2026-11"}"""), "metadata");
            var uploaded = await ceo.PostAsync($"/api/knowledge/spaces/{spaceId}/documents", form);
            uploaded.StatusCode.Should().Be(HttpStatusCode.Accepted, await uploaded.Content.ReadAsStringAsync());
            var body = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("hr", "policy");
            body.GetProperty("metadata").GetProperty("owner").GetString().Should().Be("Ada");
        }

        var other = await UploadAsync(ceo, spaceId, "canteen.md", "# Canteen\n\nNoon to two.\n");
        var leave = (await DocumentsAsync(ceo, spaceId, "hr")).Single();
        leave.GetProperty("name").GetString().Should().Be("leave.md");
        leave.GetProperty("metadata").GetProperty("reviewed").GetString().Should().Be("2026-11");
        (await DocumentsAsync(ceo, spaceId, "POLICY ")).Should().ContainSingle();
        (await DocumentsAsync(ceo, spaceId, null)).Should().HaveCount(2);

        var patched = await ceo.PatchAsJsonAsync($"/api/knowledge/spaces/{spaceId}/documents/{other}", new { tags = new[] { "Facilities" } });
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        var after = await patched.Content.ReadFromJsonAsync<JsonElement>();
        after.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("facilities");
        after.GetProperty("metadata").EnumerateObject().Should().BeEmpty("metadata was not sent, so it is left as it was");
        (await DocumentsAsync(ceo, spaceId, "facilities")).Single().GetProperty("id").GetInt64().Should().Be(other);

        var cleared = await ceo.PatchAsJsonAsync($"/api/knowledge/spaces/{spaceId}/documents/{leave.GetProperty("id").GetInt64()}", new { metadata = new { } });
        var kept = await cleared.Content.ReadFromJsonAsync<JsonElement>();
        kept.GetProperty("metadata").EnumerateObject().Should().BeEmpty();
        kept.GetProperty("tags").GetArrayLength().Should().Be(2, "tags were not sent, so they are kept");

        var badTag = await ceo.PatchAsJsonAsync($"/api/knowledge/spaces/{spaceId}/documents/{other}", new { tags = new[] { "ok", "#nope" } });
        badTag.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badTag.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("tags[1]")[0].GetString().Should().Contain("'#nope' is not a tag");
        var badValue = await ceo.PatchAsJsonAsync($"/api/knowledge/spaces/{spaceId}/documents/{other}", new { metadata = new Dictionary<string, string> { ["owner"] = " " } });
        (await badValue.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("metadata.owner", out _).Should().BeTrue();
        var nothing = await ceo.PatchAsJsonAsync($"/api/knowledge/spaces/{spaceId}/documents/{other}", new { });
        nothing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("text")), "file", "bad.txt");
            form.Add(new StringContent("[1, 2]"), "metadata");
            var refused = await ceo.PostAsync($"/api/knowledge/spaces/{spaceId}/documents", form);
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("metadata", out _).Should().BeTrue();
        }

        (await DocumentsAsync(ceo, spaceId, "facilities")).Single().GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("facilities");
        (await ceo.PatchAsJsonAsync($"/api/knowledge/spaces/{spaceId}/documents/999999999", new { tags = new[] { "x" } })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        // The log serves an event once every transaction that began before it has ended (an ingestion may still run): wait for it.
        var types = await Eventually.WaitAsync(
            async () => (await ceo.GetFromJsonAsync<JsonElement>($"/api/events?after=0&stream=knowledge-space:{spaceId}")).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList(),
            t => t.Contains("knowledge.document_updated"), TimeSpan.FromSeconds(30), "the document_updated event");
        types.Should().Contain(["knowledge.space_created", "knowledge.document_uploaded", "knowledge.document_updated"]);
    }

    [Fact]
    public async Task Two_editors_of_one_document_the_second_with_a_stale_version_gets_412_and_overwrites_nothing()
    {
        using var ceo = await fixture.CeoAsync();
        var space = await PostAsync(ceo, "/api/knowledge/spaces", new { name = $"Edited {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var spaceId = space.GetProperty("id").GetInt64();
        var documentId = await UploadAsync(ceo, spaceId, "travel.md", "# Travel\n\nTrains under four hours.\n");
        await SettledAsync(ceo, spaceId, documentId);
        var path = $"/api/knowledge/spaces/{spaceId}/documents/{documentId}";

        // Both editors read the same version: the ETag header and the version field say it.
        using var read = await ceo.GetAsync(path);
        var seen = await read.Content.ReadFromJsonAsync<JsonElement>();
        var version = seen.GetProperty("version").GetInt64();
        read.Headers.ETag!.Tag.Should().Be($"\"{version}\"");
        using (var unchanged = new HttpRequestMessage(HttpMethod.Get, path))
        {
            unchanged.Headers.IfNoneMatch.Add(read.Headers.ETag);
            (await ceo.SendAsync(unchanged)).StatusCode.Should().Be(HttpStatusCode.NotModified);
        }

        // The first saves with If-Match and gets the next version.
        using var first = new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonContent.Create(new { tags = new[] { "travel" } }) };
        first.Headers.IfMatch.Add(read.Headers.ETag);
        using var saved = await ceo.SendAsync(first);
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        var afterFirst = await saved.Content.ReadFromJsonAsync<JsonElement>();
        afterFirst.GetProperty("version").GetInt64().Should().Be(version + 1);
        saved.Headers.ETag!.Tag.Should().Be($"\"{version + 1}\"");

        // The second still holds the old version, by header or in the body: 412, naming both versions, and nothing written.
        using var second = new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonContent.Create(new { tags = new[] { "expenses" } }) };
        second.Headers.IfMatch.Add(read.Headers.ETag);
        using var refused = await ceo.SendAsync(second);
        refused.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain($"Document {documentId}").And.Contain("reload it");
        problem.GetProperty("expectedVersion").GetInt64().Should().Be(version);
        problem.GetProperty("actualVersion").GetInt64().Should().Be(version + 1);
        var inBody = await ceo.PatchAsJsonAsync(path, new { metadata = new { owner = "Bo" }, expectedVersion = version });
        inBody.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);

        // A bad tag on a stale version is refused for the tag first: the caller has that to fix whatever the version.
        var badTag = await ceo.PatchAsJsonAsync(path, new { tags = new[] { "#urgent" }, expectedVersion = version });
        badTag.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badTag.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject()
            .Should().Contain(e => e.Name.StartsWith("tags", StringComparison.Ordinal));
        var current = await (await ceo.GetAsync(path)).Content.ReadFromJsonAsync<JsonElement>();
        current.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("travel");
        current.GetProperty("metadata").EnumerateObject().Should().BeEmpty();
        current.GetProperty("version").GetInt64().Should().Be(version + 1);

        // An ETag that is not one of this API's, or two versions that disagree: 400 naming the problem.
        using var garbled = new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonContent.Create(new { tags = new[] { "x" } }) };
        garbled.Headers.TryAddWithoutValidation("If-Match", "\"seven\"");
        using var garbledAnswer = await ceo.SendAsync(garbled);
        garbledAnswer.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await garbledAnswer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("If-Match", out _).Should().BeTrue();

        // Reloaded, the second editor saves at the current version; without a precondition an edit is made whatever the version.
        var retried = await ceo.PatchAsJsonAsync(path, new { tags = new[] { "travel", "expenses" }, expectedVersion = version + 1 });
        retried.StatusCode.Should().Be(HttpStatusCode.OK);
        var blind = await ceo.PatchAsJsonAsync(path, new { metadata = new { owner = "Bo" } });
        blind.StatusCode.Should().Be(HttpStatusCode.OK);
        var last = await blind.Content.ReadFromJsonAsync<JsonElement>();
        last.GetProperty("version").GetInt64().Should().Be(version + 3);
        last.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("expenses", "travel");
    }

    [Fact]
    public async Task A_failed_document_shows_its_error_and_is_retried_and_deleted_through_the_api()
    {
        using var ceo = await fixture.CeoAsync();
        var space = await PostAsync(ceo, "/api/knowledge/spaces", new { name = $"Bin {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var spaceId = space.GetProperty("id").GetInt64();

        var document = await UploadAsync(ceo, spaceId, "blob.bin", "\0\u0001binary", "application/octet-stream");
        var failed = await Eventually.WaitAsync(
            async () => await (await ceo.GetAsync($"/api/knowledge/spaces/{spaceId}/documents")).Content.ReadFromJsonAsync<JsonElement>(),
            list => list[0].GetProperty("status").GetString() == "failed", TimeSpan.FromSeconds(30), "the ingestion to fail");
        failed[0].GetProperty("error").GetString().Should().Contain("not a supported document");

        var retry = await ceo.PostAsync($"/api/knowledge/spaces/{spaceId}/documents/{document}/retry", null);
        retry.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("generation").GetInt32().Should().Be(2);
        (await ceo.DeleteAsync($"/api/knowledge/spaces/{spaceId}/documents/{document}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ceo.GetAsync($"/api/knowledge/spaces/{spaceId}/documents/{document}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_pdf_uploaded_through_the_api_is_found_by_search_with_its_heading_and_page()
    {
        using var ceo = await fixture.CeoAsync();
        var (agent, spaceId) = await ReaderAndSpaceAsync(ceo, "Finance");
        var pdf = Samples.PdfPages(
            [new PdfLine("Quarterly report", 20), new PdfLine("Revenue grew by twelve percent in the third quarter.")],
            [new PdfLine("Facilities", 16), new PdfLine("The board approved the new warehouse in Lyon.")]);

        var ready = await IngestedAsync(ceo, spaceId, "q3-report.pdf", pdf, "application/pdf");

        ready.GetProperty("format").GetString().Should().Be("pdf");
        var citation = await FoundAsync(ceo, agent, "which warehouse did the board approve in Lyon?", "q3-report.pdf");
        citation.GetProperty("text").GetString().Should().Be("The board approved the new warehouse in Lyon.");
        citation.GetProperty("heading").GetString().Should().Be("Quarterly report › Facilities › Page 2");
    }

    [Fact]
    public async Task A_word_document_uploaded_through_the_api_is_found_by_search_with_its_heading_and_table_rows()
    {
        using var ceo = await fixture.CeoAsync();
        var (agent, spaceId) = await ReaderAndSpaceAsync(ceo, "Travel");
        var docx = Samples.Docx(
            "Travel policy",
            new DocxBlock.Heading("Flights"),
            new DocxBlock.Paragraph("Economy class for every flight under six hours."),
            new DocxBlock.Heading("Hotel limits", 2),
            new DocxBlock.Table(["City", "Limit per night"], ["Reykjavik", "210 euros"], ["Lisbon", "130 euros"]));

        var ready = await IngestedAsync(ceo, spaceId, "travel.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

        ready.GetProperty("format").GetString().Should().Be("docx");
        var citation = await FoundAsync(ceo, agent, "hotel limit per night in Reykjavik", "travel.docx");
        citation.GetProperty("heading").GetString().Should().Be("Flights › Hotel limits");
        citation.GetProperty("text").GetString().Should().Contain("| Reykjavik | 210 euros |");
    }

    [Fact]
    public async Task An_excel_workbook_uploaded_through_the_api_is_found_by_search_in_its_sheet()
    {
        using var ceo = await fixture.CeoAsync();
        var (agent, spaceId) = await ReaderAndSpaceAsync(ceo, "Logistics");
        var xlsx = Samples.Xlsx(
            ("Carriers", [["carrier", "region"], ["Nordfrakt", "Scandinavia"]]),
            ("Warehouses", [["site", "capacity", "opened"], ["Tilburg depot", 12000, new DateTime(2021, 9, 14)], ["Gdansk depot", 8000, new DateTime(2023, 2, 1)]]));

        var ready = await IngestedAsync(ceo, spaceId, "network.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

        ready.GetProperty("format").GetString().Should().Be("xlsx");
        var citation = await FoundAsync(ceo, agent, "Tilburg depot capacity", "network.xlsx");
        citation.GetProperty("heading").GetString().Should().Be("Warehouses");
        citation.GetProperty("text").GetString().Should().Contain("| Tilburg depot | 12000 | 2021-09-14 |");
    }

    [Fact]
    public async Task A_password_protected_word_file_uploaded_through_the_api_fails_with_the_reason_in_its_status()
    {
        using var ceo = await fixture.CeoAsync();
        var space = await PostAsync(ceo, "/api/knowledge/spaces", new { name = $"Locked {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var spaceId = space.GetProperty("id").GetInt64();

        var document = await UploadAsync(ceo, spaceId, "board-minutes.docx", Samples.PasswordProtectedOfficeFile(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        var failed = await SettledAsync(ceo, spaceId, document);

        failed.GetProperty("status").GetString().Should().Be("failed");
        failed.GetProperty("error").GetString().Should().Be("'board-minutes.docx' is a password-protected Word file: remove its password (save an unprotected copy) and upload it again.");
    }

    [Fact]
    public async Task An_upload_over_the_limit_answers_413_and_stores_nothing()
    {
        using var ceo = await fixture.CeoAsync();
        var space = await PostAsync(ceo, "/api/knowledge/spaces", new { name = $"Big {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var spaceId = space.GetProperty("id").GetInt64();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(new byte[KnowledgeApiFixture.MaxDocumentBytes + 100_000]);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "big.txt");

        var response = await ceo.PostAsync($"/api/knowledge/spaces/{spaceId}/documents", form);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var documents = await (await ceo.GetAsync($"/api/knowledge/spaces/{spaceId}/documents")).Content.ReadFromJsonAsync<JsonElement>();
        documents.GetArrayLength().Should().Be(0);
    }

    private static async Task<long> HireAsync(HttpClient ceo, string firstName, string role, string department, string[] tools)
    {
        var agent = await PostAsync(ceo, "/api/agents", new
        {
            profile = new { firstName, lastName = "Test", role, department, model = "offline", allowedTools = tools },
        }, HttpStatusCode.Created);
        return agent.GetProperty("id").GetInt64();
    }

    /// <summary>An agent of a department of its own, with the rag tool, and a space only that department reads.</summary>
    private static async Task<(long Agent, long SpaceId)> ReaderAndSpaceAsync(HttpClient ceo, string department)
    {
        var unique = $"{department} {Guid.NewGuid():N}";
        var agent = await HireAsync(ceo, "Reader", "Analyst", unique, ["rag"]);
        var space = await PostAsync(ceo, "/api/knowledge/spaces", new { name = $"Docs {unique}", scope = "department", scopeRef = unique }, HttpStatusCode.Created);
        return (agent, space.GetProperty("id").GetInt64());
    }

    private static async Task<JsonElement> SettledAsync(HttpClient ceo, long spaceId, long document) =>
        await Eventually.WaitAsync(
            async () => await (await ceo.GetAsync($"/api/knowledge/spaces/{spaceId}/documents/{document}")).Content.ReadFromJsonAsync<JsonElement>(),
            d => d.GetProperty("status").GetString() is "ready" or "failed", TimeSpan.FromSeconds(30), "the document to be ingested");

    /// <summary>Uploads through the API and waits until the document is ready (fails the test with its error otherwise).</summary>
    private static async Task<JsonElement> IngestedAsync(HttpClient ceo, long spaceId, string name, byte[] content, string contentType)
    {
        var document = await UploadAsync(ceo, spaceId, name, content, contentType);
        var settled = await SettledAsync(ceo, spaceId, document);
        settled.GetProperty("status").GetString().Should().Be("ready", settled.TryGetProperty("error", out var error) ? error.ToString() : null);
        return settled;
    }

    /// <summary>The agent's search, and the first citation from the named document.</summary>
    private static async Task<JsonElement> FoundAsync(HttpClient ceo, long agent, string query, string documentName)
    {
        var found = await PostAsync(ceo, "/api/knowledge/search", new { agentId = agent, query }, HttpStatusCode.OK);
        var citations = found.GetProperty("citations").EnumerateArray().ToList();
        citations.Should().Contain(c => c.GetProperty("documentName").GetString() == documentName, $"the search for '{query}' finds {documentName}");
        return citations.First(c => c.GetProperty("documentName").GetString() == documentName);
    }

    private static async Task<List<JsonElement>> DocumentsAsync(HttpClient ceo, long spaceId, string? tag)
    {
        var response = await ceo.GetAsync($"/api/knowledge/spaces/{spaceId}/documents" + (tag is null ? "" : "?tag=" + Uri.EscapeDataString(tag)));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
    }

    private static Task<long> UploadAsync(HttpClient ceo, long spaceId, string name, string content, string contentType = "text/markdown") =>
        UploadAsync(ceo, spaceId, name, Encoding.UTF8.GetBytes(content), contentType);

    private static async Task<long> UploadAsync(HttpClient ceo, long spaceId, string name, byte[] content, string contentType)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", name);
        var response = await ceo.PostAsync($"/api/knowledge/spaces/{spaceId}/documents", form);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        response.Headers.Location.Should().NotBeNull();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body, HttpStatusCode expected)
    {
        var response = await client.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
