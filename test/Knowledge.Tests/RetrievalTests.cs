using System.Text.Json;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Tools;
using FluidManager.Knowledge.Retrieval;
using FluidManager.Knowledge.Spaces;
using FluidManager.Knowledge.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Knowledge.Tests;

public sealed class RetrievalTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    [Fact]
    public async Task An_agent_of_the_department_gets_citations_with_document_chunk_position_and_score()
    {
        var company = await fixture.CreateCompanyAsync();
        var engineer = await fixture.HireAsync(company, "Erin", "Developer", "Engineering");
        var space = await fixture.CreateSpaceAsync(company, "Engineering handbook", SpaceScope.Department, "Engineering");
        var document = await fixture.IngestAsync(company, space.Id, "deploys.md", """
            # Deploys

            Production deploys happen on Tuesdays and Thursdays after the canary passes.

            ## Rollback

            A failed canary is rolled back automatically within five minutes.
            """);

        var result = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, engineer.Id, "When are production deploys?", TaskId: 77), CancellationToken.None);

        result.Allowed.Should().BeTrue();
        result.Spaces.Should().Equal(space.Id);
        var top = result.Citations[0];
        top.Should().Match<Citation>(c => c.Rank == 1 && c.DocumentId == document.Id && c.DocumentName == "deploys.md" && c.SpaceName == "Engineering handbook");
        top.Text.Should().Contain("Production deploys happen on Tuesdays");
        top.Heading.Should().Be("Deploys");
        top.Ordinal.Should().Be(0);
        top.CharEnd.Should().BeGreaterThan(top.CharStart);
        top.Score.Should().BeGreaterThan(0);
        top.VectorRank.Should().Be(1);
        top.TextRank.Should().Be(1);

        (await fixture.ScalarAsync<string>(
            "SELECT format('%s|%s|%s|%s', r.allowed, r.task_id, r.hit_count, h.document_name) FROM knowledge_retrievals r JOIN knowledge_retrieval_hits h ON h.retrieval_id = r.id AND h.rank = 1 WHERE r.id = @id",
            ("id", result.RetrievalId))).Should().Be($"t|77|{result.Citations.Count}|deploys.md");
    }

    [Fact]
    public async Task An_agent_of_another_department_is_denied_and_the_denial_is_logged()
    {
        var company = await fixture.CreateCompanyAsync();
        var seller = await fixture.HireAsync(company, "Sam", "Account executive", "Sales");
        var space = await fixture.CreateSpaceAsync(company, "Engineering secrets", SpaceScope.Department, "Engineering");
        await fixture.IngestAsync(company, space.Id, "keys.md", "# Keys\n\nThe signing keys rotate every ninety days.");

        var result = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, seller.Id, "signing keys rotation"), CancellationToken.None);

        result.Allowed.Should().BeFalse();
        result.Citations.Should().BeEmpty();
        result.Reason.Should().Be("no knowledge space grants this agent read access");
        (await fixture.ScalarAsync<string>("SELECT format('%s|%s|%s', allowed, reason, query) FROM knowledge_retrievals WHERE id = @id", ("id", result.RetrievalId)))
            .Should().Be("f|no knowledge space grants this agent read access|signing keys rotation");
        var denial = await fixture.ScalarAsync<string>(
            "SELECT payload::text FROM runtime.events WHERE company_id = @company AND type = 'policy.denied' ORDER BY position DESC LIMIT 1", ("company", company));
        using var payload = JsonDocument.Parse(denial);
        payload.RootElement.GetProperty("action").GetString().Should().Be("knowledge.search");
        payload.RootElement.GetProperty("rule").GetString().Should().Be("knowledge.acl");
        payload.RootElement.GetProperty("fromAgentId").GetInt64().Should().Be(seller.Id);
    }

    [Fact]
    public async Task The_acl_is_applied_inside_the_query_so_readable_results_are_not_starved_by_better_unreadable_ones()
    {
        var company = await fixture.CreateCompanyAsync();
        var seller = await fixture.HireAsync(company, "Sue", "Account executive", "Sales");
        var secret = await fixture.CreateSpaceAsync(company, "Finance only", SpaceScope.Department, "Finance");
        var open = await fixture.CreateSpaceAsync(company, "Everyone");
        for (var i = 0; i < 12; i++)
        {
            await fixture.IngestAsync(company, secret.Id, $"budget-{i}.md", $"# Budget {i}\n\nThe marketing budget for region {i} is confidential.");
        }

        await fixture.IngestAsync(company, open.Id, "faq.md", "# FAQ\n\nAsk the finance team about the marketing budget.");

        var result = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, seller.Id, "marketing budget", Limit: 5), CancellationToken.None);

        result.Allowed.Should().BeTrue();
        result.Spaces.Should().Equal(open.Id);
        result.Citations.Should().ContainSingle().Which.DocumentName.Should().Be("faq.md");
    }

    [Fact]
    public async Task Rules_match_an_agent_by_id_by_role_or_everyone_and_a_space_can_be_named()
    {
        var company = await fixture.CreateCompanyAsync();
        var lead = await fixture.HireAsync(company, "Lea", "Support lead", "Support");
        var agent = await fixture.HireAsync(company, "Ali", "Support agent", "Support");
        var byRole = await fixture.CreateSpaceAsync(company, "Leads", SpaceScope.Project, "Escalations", acl: [new AclRule(AclPrincipalKind.Role, "Support Lead")]);
        var byId = await fixture.CreateSpaceAsync(company, "Ali notes", SpaceScope.Agent, agentId: agent.Id);
        await fixture.IngestAsync(company, byRole.Id, "esc.md", "# Escalations\n\nEscalate refunds above 500 euros to the finance director.");
        await fixture.IngestAsync(company, byId.Id, "mine.md", "# Mine\n\nRefunds above 500 euros need my lead.");

        var leadResult = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, lead.Id, "refunds above 500 euros"), CancellationToken.None);
        var agentResult = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, agent.Id, "refunds above 500 euros"), CancellationToken.None);
        var named = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, agent.Id, "refunds", SpaceName: "leads"), CancellationToken.None);

        leadResult.Citations.Select(c => c.DocumentName).Should().Equal("esc.md");
        agentResult.Citations.Select(c => c.DocumentName).Should().Equal("mine.md");
        named.Allowed.Should().BeFalse();
        named.Reason.Should().Be("no knowledge space named 'leads' grants this agent read access");
    }

    [Fact]
    public async Task Changing_the_acl_takes_effect_on_the_next_search()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Max", "Marketer", "Marketing");
        var space = await fixture.CreateSpaceAsync(company, "Brand", SpaceScope.Department, "Design");
        await fixture.IngestAsync(company, space.Id, "brand.md", "# Brand\n\nThe logo is always teal on white.");
        (await fixture.Retriever.SearchAsync(new RetrievalRequest(company, agent.Id, "logo colour"), CancellationToken.None)).Allowed.Should().BeFalse();

        var changed = await fixture.Space(space.Id).SetAclAsync(new SetAclCommand(company, [new AclRule(AclPrincipalKind.Department, "Design"), new AclRule(AclPrincipalKind.Department, "marketing")], space.Version));

        changed.Acl.Should().Contain(new AclRule(AclPrincipalKind.Department, "marketing"));
        var after = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, agent.Id, "logo colour"), CancellationToken.None);
        after.Allowed.Should().BeTrue();
        after.Citations[0].Text.Should().Contain("teal");
    }

    [Fact]
    public async Task Hybrid_ranking_puts_the_passage_that_matches_both_words_and_meaning_first()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Hana", "Analyst", "Ops");
        var space = await fixture.CreateSpaceAsync(company, "Ops");
        await fixture.IngestAsync(company, space.Id, "ops.md", """
            # Incidents

            Severity one incidents page the on-call engineer immediately and open a war room.

            # Holidays

            Office holidays follow the national calendar; the office closes between Christmas and New Year.

            # Laptops

            Laptops are replaced every three years by the IT desk.
            """);

        var result = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, agent.Id, "who gets paged for a severity one incident?"), CancellationToken.None);

        result.Citations[0].Heading.Should().Be("Incidents");
        result.Citations[0].VectorRank.Should().Be(1);
        result.Citations[0].TextRank.Should().Be(1);
        result.Citations.Select(c => c.Score).Should().BeInDescendingOrder();
        result.Citations.Where(c => c.TextRank is null).Should().OnlyContain(c => c.Score < result.Citations[0].Score);
    }

    [Fact]
    public async Task An_agent_without_the_rag_tool_is_denied()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Nora", "Analyst", "Ops", tools: []);
        await fixture.CreateSpaceAsync(company, "Open");

        var result = await fixture.Retriever.SearchAsync(new RetrievalRequest(company, agent.Id, "anything"), CancellationToken.None);

        result.Allowed.Should().BeFalse();
        result.Reason.Should().Be("the rag tool is not enabled for this agent");
    }

    [Fact]
    public async Task The_search_tool_answers_with_numbered_passages_and_citation_metadata_for_the_trace()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Tom", "Support agent", "Support");
        var outsider = await fixture.HireAsync(company, "Olga", "Recruiter", "People");
        var space = await fixture.CreateSpaceAsync(company, "Support", SpaceScope.Department, "Support");
        var document = await fixture.IngestAsync(company, space.Id, "refunds.md", Samples.RefundPolicy);
        var catalog = fixture.Services.GetRequiredService<AgentToolCatalog>();
        var tool = catalog.For([AgentTools.Rag]).Where(t => t.Permission == AgentTools.Rag).Should().ContainSingle().Subject;

        var answer = await tool.ExecuteAsync(new ToolInvocation(company, agent.Id, 901, """{"query":"Are gift cards refunded?"}"""), CancellationToken.None);
        var denied = await tool.ExecuteAsync(new ToolInvocation(company, outsider.Id, 902, """{"query":"Are gift cards refunded?"}"""), CancellationToken.None);

        tool.Name.Should().Be(KnowledgeSearchTool.ToolName);
        answer.Status.Should().Be(AgentToolStatus.Ok);
        answer.Text.Should().Contain("[1] \"refunds.md\"").And.Contain("Gift cards are never refunded.");
        var citation = answer.Metadata!.Value.GetProperty("citations")[0];
        citation.GetProperty("documentId").GetInt64().Should().Be(document.Id);
        citation.GetProperty("chunkId").GetInt64().Should().BePositive();
        citation.GetProperty("n").GetInt32().Should().Be(1);
        var retrieval = answer.Metadata!.Value.GetProperty("retrievalId").GetInt64();
        (await fixture.ScalarAsync<long>("SELECT task_id FROM knowledge_retrievals WHERE id = @id", ("id", retrieval))).Should().Be(901);

        denied.Status.Should().Be(AgentToolStatus.Denied);
        denied.Reason.Should().Be("no knowledge space grants this agent read access.");
        (await fixture.ScalarAsync<bool>("SELECT allowed FROM knowledge_retrievals WHERE task_id = 902")).Should().BeFalse();
    }

    [Fact]
    public async Task The_tool_activity_runs_a_tool_by_name_as_the_agent_loop_will()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Ivy", "Analyst", "Ops");
        var space = await fixture.CreateSpaceAsync(company, "Ops notes");
        await fixture.IngestAsync(company, space.Id, "notes.md", "# Notes\n\nThe backup runs at two in the morning.");
        var activity = fixture.Services.GetServices<FluidManager.Runtime.Activities.IActivityHandler>().OfType<AgentToolActivity>().Single();
        var input = JsonSerializer.SerializeToElement(new AgentToolCall(KnowledgeSearchTool.ToolName, new ToolInvocation(company, agent.Id, null, """{"query":"when does the backup run"}""")),
            FluidManager.Runtime.RuntimeJson.Options);

        var result = (AgentToolResult)(await activity.ExecuteAsync(
            new FluidManager.Runtime.Activities.ActivityExecution(Guid.NewGuid(), AgentToolActivity.ActivityKind, "test/1", input, 1, 1, _ => Task.CompletedTask), CancellationToken.None))!;

        result.Status.Should().Be(AgentToolStatus.Ok);
        result.Text.Should().Contain("two in the morning");
    }
}
