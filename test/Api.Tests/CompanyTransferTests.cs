using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Api.Demo;
using FluidManager.Runtime.Grains;
using FluidManager.Scenarios;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Tests;

/// <summary>GET /api/company/export and POST /api/company/import: a company as one document, moved into an empty company.</summary>
public sealed class CompanyTransferTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_seeded_company_exports_imports_into_a_new_one_and_exports_again_to_the_same_document_without_secrets()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        using var owner = await fixture.OwnerAsync();
        var acme = (await owner.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("company").GetProperty("id").GetInt64();
        var source = await CreateCompanyAsync(owner, "Source " + tag);
        var target = await CreateCompanyAsync(owner, "Target " + tag);
        var src = await SwitchAsync(owner, source);
        var (mcpSecret, smtpPassword) = await SeedAsync(src, tag);

        var exported = await ExportAsync(src);
        exported.Should().NotContain(mcpSecret).And.NotContain(smtpPassword).And.NotContain(ApiFixture.OwnerPassword);
        var document = JsonNode.Parse(exported)!;
        document["format"]!.GetValue<string>().Should().Be("fluidmanager.company");
        document["formatVersion"]!.GetValue<int>().Should().Be(1);
        var agents = document["sections"]!["agents"]!.AsArray();
        agents.Select(a => a!["profile"]!["firstName"]!.GetValue<string>()).Should().Equal("Ada", "Grace", "Linus");
        agents[1]!["reportsTo"]!.GetValue<string>().Should().Be("agent-1");
        agents[2]!["reportsTo"].Should().BeNull("Linus is outside the org chart");
        agents[1]!["profile"]!["limits"]!["maxConcurrentTasks"]!.GetValue<int>().Should().Be(3);
        document["sections"]!["workflows"]![0]!["definition"]!["steps"]![0]!["agent"]!["ref"]!.GetValue<string>().Should().Be("agent-2");
        document["sections"]!["knowledgeSpaces"]![0]!["acl"]!.AsArray().Should().Contain(r => r!["agent"]!.GetValue<string>() == "agent-2");

        var dst = await SwitchAsync(owner, target);

        // A dry run lists what the import would add, and writes nothing.
        var preview = await (await dst.PostAsync("/api/company/import?dryRun=true", Json(exported))).ReadJsonAsync();
        preview.GetProperty("dryRun").GetBoolean().Should().BeTrue();
        Section(preview, "agents").GetProperty("added").EnumerateArray().Select(a => a.GetString()).Should().Equal($"Ada {tag}", $"Grace {tag}", $"Linus {tag}");
        Section(preview, "schedules").GetProperty("added").GetArrayLength().Should().Be(1);
        (await (await dst.GetAsync("/api/agents")).ReadJsonAsync()).GetArrayLength().Should().Be(0);
        (await (await dst.GetAsync("/api/schedules")).ReadJsonAsync()).GetArrayLength().Should().Be(0);
        (await (await dst.GetAsync("/api/workflows")).ReadJsonAsync()).GetArrayLength().Should().Be(0);

        var imported = await (await dst.PostAsync("/api/company/import", Json(exported))).ReadJsonAsync();
        imported.GetProperty("dryRun").GetBoolean().Should().BeFalse();
        var again = JsonNode.Parse(await ExportAsync(dst))!;
        Comparable(again).ToJsonString().Should().Be(Comparable(document).ToJsonString());

        // A dry run against the imported company finds nothing to change.
        var same = await (await dst.PostAsync("/api/company/import?dryRun=true", Json(exported))).ReadJsonAsync();
        foreach (var section in same.GetProperty("sections").EnumerateArray())
        {
            (section.GetProperty("added").GetArrayLength() + section.GetProperty("removed").GetArrayLength() + section.GetProperty("changed").GetArrayLength())
                .Should().Be(0, section.GetProperty("section").GetString());
        }

        // The company is no longer empty: a second import is refused and changes nothing.
        await (await dst.PostAsync("/api/company/import", Json(exported))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "company.not_empty");
        (await (await dst.GetAsync("/api/agents")).ReadJsonAsync()).GetArrayLength().Should().Be(3);

        // Neither company's export holds the other's data.
        (await ExportAsync(await SwitchAsync(owner, acme))).Should().NotContain(tag);
    }

    [Fact]
    public async Task An_unknown_format_version_a_non_empty_company_and_a_failing_item_are_refused_and_nothing_is_half_written()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        using var owner = await fixture.OwnerAsync();
        var dst = await SwitchAsync(owner, await CreateCompanyAsync(owner, "Empty " + tag));
        var document = new JsonObject
        {
            ["format"] = "fluidmanager.company",
            ["formatVersion"] = 99,
            ["sections"] = new JsonObject(),
        };
        var version = await (await dst.PostAsync("/api/company/import", Json(document.ToJsonString()))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        version.GetProperty("errors").GetProperty("formatVersion")[0].GetString().Should().Contain("99").And.Contain("reads 1");

        document["formatVersion"] = 1;
        document["sections"]!["secrets"] = new JsonArray();
        var unknown = await (await dst.PostAsync("/api/company/import?dryRun=true", Json(document.ToJsonString()))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        unknown.GetProperty("errors").TryGetProperty("sections.secrets", out _).Should().BeTrue();

        // The second agent reports to an agent the document does not hold: the first one is not left behind.
        document["sections"] = new JsonObject
        {
            ["agents"] = new JsonArray(
                Agent("agent-1", "Ok" + tag, "ceo"),
                Agent("agent-2", "Orphan" + tag, "agent-9")),
        };
        var broken = await (await dst.PostAsync("/api/company/import", Json(document.ToJsonString()))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        broken.GetProperty("errors").TryGetProperty("sections.agents[1].reportsTo", out _).Should().BeTrue();
        (await (await dst.GetAsync("/api/agents")).ReadJsonAsync()).GetArrayLength().Should().Be(0, "the import is one transaction");

        await fixture.WorldAsync();
        using var viewer = await fixture.SignInAsync(World.AcmeViewerEmail, ApiFixture.Password);
        await (await viewer.PostAsync("/api/company/import", Json(document.ToJsonString()))).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await viewer.PostAsync("/api/company/import?dryRun=true", Json(document.ToJsonString()))).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_scenario_starts_from_an_exported_company_and_names_its_agents_by_their_references()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        using var owner = await fixture.OwnerAsync();
        var src = await SwitchAsync(owner, await CreateCompanyAsync(owner, "Template " + tag));
        await SeedAsync(src, tag);
        var folder = Directory.CreateTempSubdirectory("fluid-scenario-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "company.json"), await ExportAsync(src));
            var path = Path.Combine(folder, "scenario.json");
            await File.WriteAllTextAsync(path, $$"""
                {
                  "company": { "name": "From template", "import": "company.json" },
                  "agents": [ { "ref": "intern", "firstName": "Ivy", "lastName": "{{tag}}", "role": "Intern", "department": "Engineering", "model": "offline" } ],
                  "org": { "agent-2": ["intern"] },
                  "missions": [ { "ref": "plan", "title": "Plan the quarter", "to": "agent-2", "priority": "urgent" } ]
                }
                """);
            var scenario = await ScenarioReader.ReadFileAsync(path);
            scenario.Company!.ImportedAgents.Should().Equal("agent-1", "agent-2", "agent-3");

            var target = await CreateCompanyAsync(owner, "Played " + tag);
            var me = await owner.GetFromJsonAsync<JsonElement>("/api/auth/me");
            var grains = fixture.Factory.Services.GetRequiredService<IGrainFactory>();
            var json = fixture.Factory.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            ScenarioRun run;
            using (CallerContext.As($"human:{me.GetProperty("user").GetProperty("id").GetInt64()}"))
            {
                run = await new ScenarioPlayer(new GrainScenarioActions(grains, target, json)).PlayAsync(scenario);
            }

            run.Failed.Should().Be(0, string.Join("\n", run.Outcomes.Select(o => o.Detail)));
            var played = await SwitchAsync(owner, target);
            var grace = await (await played.GetAsync($"/api/agents/{run.Agents["agent-2"]}")).ReadJsonAsync();
            grace.GetProperty("profile").GetProperty("firstName").GetString().Should().Be("Grace");
            grace.GetProperty("profile").GetProperty("limits").GetProperty("maxConcurrentTasks").GetInt32().Should().Be(3);
            var intern = await (await played.GetAsync($"/api/agents/{run.Agents["intern"]}")).ReadJsonAsync();
            intern.GetProperty("managerAgentId").GetInt64().Should().Be(run.Agents["agent-2"]);
            var task = await played.GetTaskAsync(run.Tasks["plan"]);
            task.GetProperty("assigneeAgentId").GetInt64().Should().Be(run.Agents["agent-2"]);
            task.GetProperty("priority").GetString().Should().Be("urgent");
            (await (await played.GetAsync("/api/workflows")).ReadJsonAsync()).GetArrayLength().Should().Be(1);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_export_with_documents_carries_their_bytes_and_its_import_stores_them_in_the_new_space()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        using var owner = await fixture.OwnerAsync();
        var src = await SwitchAsync(owner, await CreateCompanyAsync(owner, "Docs " + tag));
        var space = (await (await src.PostAsJsonAsync("/api/knowledge/spaces", new { name = "Policies", scope = "company" })).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var bytes = System.Text.Encoding.UTF8.GetBytes("Refunds are granted within 30 days. " + tag);
        using (var form = new MultipartFormDataContent())
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
            form.Add(file, "file", "refunds.txt");
            form.Add(new StringContent("policy,refunds"), "tags");
            form.Add(new StringContent("{\"owner\":\"finance\"}"), "metadata");
            (await src.PostAsync($"/api/knowledge/spaces/{space}/documents", form)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var plain = JsonNode.Parse(await ExportAsync(src))!["sections"]!["knowledgeSpaces"]![0]!.AsObject();
        plain.ContainsKey("documents").Should().BeFalse("documents are left out unless asked for");

        var response = await src.GetAsync("/api/company/export?documents=true");
        var withDocuments = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, withDocuments);
        withDocuments.Should().NotContain("storageKey");
        var document = JsonNode.Parse(withDocuments)!["sections"]!["knowledgeSpaces"]![0]!["documents"]![0]!;
        document["name"]!.GetValue<string>().Should().Be("refunds.txt");
        Convert.FromBase64String(document["content"]!.GetValue<string>()).Should().Equal(bytes);

        var dst = await SwitchAsync(owner, await CreateCompanyAsync(owner, "Docs copy " + tag));
        await (await dst.PostAsync("/api/company/import", Json(withDocuments))).ReadJsonAsync();
        var copy = (await (await dst.GetAsync("/api/knowledge/spaces")).ReadJsonAsync()).EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Policies");
        var stored = (await (await dst.GetAsync($"/api/knowledge/spaces/{copy.GetProperty("id").GetInt64()}/documents")).ReadJsonAsync()).EnumerateArray().Single();
        stored.GetProperty("name").GetString().Should().Be("refunds.txt");
        stored.GetProperty("sha256").GetString().Should().Be(document["sha256"]!.GetValue<string>());
        stored.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().BeEquivalentTo(["policy", "refunds"], "tags travel with the document");
        stored.GetProperty("metadata").GetProperty("owner").GetString().Should().Be("finance");
    }

    private static JsonObject Agent(string reference, string firstName, string reportsTo) => new()
    {
        ["ref"] = reference,
        ["status"] = "active",
        ["reportsTo"] = reportsTo,
        ["profile"] = new JsonObject { ["firstName"] = firstName, ["lastName"] = "Test", ["role"] = "Analyst", ["department"] = "Ops", ["model"] = "offline" },
    };

    /// <summary>Agents in and out of the chart with settings and limits, policy, a rule, a schedule, a workflow, a space with its ACL, and secrets.</summary>
    private static async Task<(string McpSecret, string SmtpPassword)> SeedAsync(HttpClient ceo, string tag)
    {
        var ada = await HireAsync(ceo, new { firstName = "Ada", lastName = tag, role = "CTO", department = "Engineering", model = "offline", systemPrompt = "Lead engineering." });
        var grace = await HireAsync(ceo, new
        {
            firstName = "Grace", lastName = tag, role = "Engineering Manager", department = "Engineering", model = "offline", seniority = "senior",
            affinities = new[] { "planning" }, allowedTools = new[] { "rag", "sql" }, styleGuidelines = "Brief.",
            limits = new { tokensPerDay = 5000, maxCost = 20m, sqlSources = new[] { "crm_data" }, maxConcurrentTasks = 3, attemptTimeoutSeconds = 600 },
        }, ada);
        await HireAsync(ceo, new { firstName = "Linus", lastName = tag, role = "Contractor", department = "Engineering", model = "offline" }, placeInOrgChart: false);

        (await ceo.PutAsJsonAsync("/api/company-policy", new { monthlyBudgetUsd = 250m, webDailyQuota = 40, ceoAssignment = "direct", defaultAgentLimits = new { tokensPerDay = 9000 } }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        await (await ceo.PostAsJsonAsync("/api/policies/rules", new
        {
            name = "finance-never-above-engineering",
            kind = "role_separation",
            description = "Finance does not direct engineering.",
            roleSeparation = new { upper = new { departments = new[] { "Finance" } }, lower = new { departments = new[] { "Engineering" } }, reason = "Separate concerns." },
        })).ReadJsonAsync(HttpStatusCode.Created);
        await (await ceo.PostAsJsonAsync("/api/schedules", new
        {
            name = "Weekly review", agentId = grace, template = new { title = "Review the backlog", priority = "high" }, timing = new { cron = "0 0 9 ? * MON", timeZone = "Europe/Paris" }, paused = true,
        })).ReadJsonAsync(HttpStatusCode.Created);
        await (await ceo.PostAsJsonAsync("/api/workflows", new
        {
            name = "Release",
            definition = new { description = "Ship a release.", steps = new object[] { new { id = "plan", agent = new { id = grace }, title = "Plan the release", brief = "List what ships." } } },
        })).ReadJsonAsync(HttpStatusCode.Created);
        await (await ceo.PostAsJsonAsync("/api/knowledge/spaces", new
        {
            name = "Handbook", description = "How we work.", scope = "company",
            acl = new object[] { new { kind = "agent", agentId = grace, canRead = true, canWrite = true }, new { kind = "role", name = "cto", canRead = true } },
        })).ReadJsonAsync(HttpStatusCode.Created);

        var mcpSecret = "sk-transfer-" + Guid.NewGuid().ToString("N");
        await (await ceo.PostAsJsonAsync("/api/mcp/servers", new
        {
            name = "remote-" + tag, transport = "http", url = "http://127.0.0.1:9/mcp", secrets = new Dictionary<string, string> { ["Authorization"] = "Bearer " + mcpSecret },
        })).ReadJsonAsync(HttpStatusCode.Created);
        var smtpPassword = "smtp-" + Guid.NewGuid().ToString("N");
        (await ceo.PutAsJsonAsync("/api/email/settings", new
        {
            host = "127.0.0.1", port = 2525, security = "none", username = "mailer", password = smtpPassword, fromAddress = "agents@source.test", fromName = "Agents",
        })).StatusCode.Should().Be(HttpStatusCode.OK);
        return (mcpSecret, smtpPassword);
    }

    private static async Task<long> HireAsync(HttpClient ceo, object profile, long? managerAgentId = null, bool placeInOrgChart = true) =>
        (await (await ceo.PostAsJsonAsync("/api/agents", new { profile, managerAgentId, placeInOrgChart })).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();

    /// <summary>Moves the owner's session to another company (one sign-in per test keeps clear of the sign-in rate limit).</summary>
    private static async Task<HttpClient> SwitchAsync(HttpClient owner, long companyId)
    {
        (await owner.PostAsJsonAsync("/api/auth/switch", new { companyId })).StatusCode.Should().Be(HttpStatusCode.OK);
        return owner;
    }

    private static async Task<long> CreateCompanyAsync(HttpClient owner, string name)
    {
        var created = await owner.PostAsJsonAsync("/api/companies", new { name });
        return (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
    }

    private static async Task<string> ExportAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/company/export");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }

    private static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");

    private static JsonElement Section(JsonElement report, string name) =>
        report.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("section").GetString() == name);

    /// <summary>The document without what differs by nature between two companies: the export time and the company's name.</summary>
    private static JsonNode Comparable(JsonNode document)
    {
        var copy = document.DeepClone().AsObject();
        copy.Remove("exportedAt");
        copy.Remove("company");
        return copy;
    }
}
