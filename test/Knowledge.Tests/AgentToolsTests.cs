using System.Text.Json;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Knowledge.Spaces;
using FluidManager.Models.Scripted;
using FluidManager.Runtime.Grains;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Knowledge.Tests;

/// <summary>The knowledge fixture with the agent loop running: agents work tasks with the offline model and the governed tools.</summary>
public sealed class AgentWorkKnowledgeFixture : KnowledgeFixture
{
    protected override bool AgentWork => true;
}

/// <summary>The governed tools inside the agent loop: offered by right, run as activities, answered into the trace.</summary>
public sealed class AgentToolsTests(AgentWorkKnowledgeFixture fixture) : IClassFixture<AgentWorkKnowledgeFixture>
{
    private static readonly TaskState[] Finished = [TaskState.Done, TaskState.Failed, TaskState.Cancelled];

    [Fact]
    public async Task An_agent_answers_a_task_citing_a_document_it_may_read_and_an_agent_without_access_is_denied_and_logged()
    {
        var company = await fixture.CreateCompanyAsync();
        var engineer = await fixture.HireAsync(company, "Erin", "Developer", "Engineering");
        var seller = await fixture.HireAsync(company, "Sam", "Account Executive", "Sales");
        var space = await fixture.CreateSpaceAsync(company, "Engineering handbook", SpaceScope.Department, "Engineering");
        await fixture.IngestAsync(company, space.Id, "release-days.md", """
            # Release days

            Production releases happen on Tuesdays and Thursdays after the canary passes.
            """);

        var answered = await WorkAsync(company, engineer.Id, "Summarise our production release days");
        var refused = await WorkAsync(company, seller.Id, "Summarise our production release days");

        // The engineer searched, read the passage and cited it in its answer; the trace holds the citation.
        answered.Status.Should().Be(TaskState.Done, answered.StatusReason);
        var search = await SearchCallAsync(company, answered.Id);
        answered.Result.Should().Contain("Sources: [1] \"release-days.md\"");
        search.Allowed.Should().BeTrue();
        search.Outcome.Should().Be(ToolOutcome.Ok);
        search.Result.Should().Contain("Production releases happen on Tuesdays");
        using (var refs = JsonDocument.Parse(search.Refs!.Value.GetRawText()))
        {
            var citation = refs.RootElement.GetProperty("citations")[0];
            citation.GetProperty("documentName").GetString().Should().Be("release-days.md");
            citation.GetProperty("spaceName").GetString().Should().Be("Engineering handbook");
        }

        (await fixture.ScalarAsync<long>("SELECT count(*) FROM knowledge_retrievals WHERE agent_id = @a AND task_id = @t AND allowed", ("a", engineer.Id), ("t", answered.Id))).Should().Be(1);

        // The seller asked the same and was refused: in the trace, in the retrieval log and as a policy denial.
        refused.Status.Should().Be(TaskState.Done, refused.StatusReason);
        refused.Result.Should().NotContain("Sources:");
        var denied = await SearchCallAsync(company, refused.Id);
        denied.Allowed.Should().BeFalse();
        denied.Outcome.Should().Be(ToolOutcome.Denied);
        denied.Reason.Should().Contain("no knowledge space grants this agent read access");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM knowledge_retrievals WHERE agent_id = @a AND task_id = @t AND NOT allowed", ("a", seller.Id), ("t", refused.Id))).Should().Be(1);
        (await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM runtime.events WHERE company_id = @c AND type = 'policy.denied' AND (payload->>'fromAgentId')::bigint = @a", ("c", company), ("a", seller.Id))).Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task An_agent_without_the_rag_right_is_not_offered_the_search_and_never_searches()
    {
        var company = await fixture.CreateCompanyAsync();
        var writer = await fixture.HireAsync(company, "Wes", "Technical Writer", "Engineering", tools: []);
        var task = await WorkAsync(company, writer.Id, "Summarise our production release days");

        task.Status.Should().Be(TaskState.Done, task.StatusReason);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM tool_calls WHERE task_id = @t AND tool = 'search_knowledge'", ("t", task.Id))).Should().Be(0);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM knowledge_retrievals WHERE agent_id = @a", ("a", writer.Id))).Should().Be(0);
    }

    [Fact]
    public async Task An_agent_queries_the_crm_view_it_is_granted_in_its_loop_is_refused_the_other_and_both_are_in_the_trace_and_the_audit()
    {
        var company = await fixture.CreateCompanyAsync();
        await fixture.SqlSources.SeedDemoCrmAsync(company, 25, CancellationToken.None);
        var scenario = "crm-" + company;
        fixture.Services.GetRequiredService<ScenarioLibrary>().Add(Scenario.Parse("""
            { "turns": [
              { "agent": "Quinn", "lastMessage": "Count our customers",
                "toolCalls": [ { "name": "query_sql", "arguments": { "sql": "SELECT count(*) AS customers FROM crm.customers" } } ] },
              { "agent": "Quinn", "lastMessage": "row(s)",
                "toolCalls": [ { "name": "query_sql", "arguments": { "sql": "SELECT count(*) FROM crm.orders" } } ] },
              { "agent": "Quinn", "lastMessage": "denied",
                "toolCalls": [ { "name": "complete_task", "arguments": { "result": "25 customers; order data is not granted to me." } } ] } ] }
            """, scenario));
        var analyst = await fixture.HireAsync(company, "Quinn", "Analyst", "Sales", [AgentTools.Sql], ["crm.customers"], model: "scripted:" + scenario);

        var task = await WorkAsync(company, analyst.Id, "Count our customers");

        task.Status.Should().Be(TaskState.Done, task.StatusReason);
        var trace = await fixture.Grains.GetGrain<ITaskRunnerGrain>(task.Id).ListToolCallsAsync(company);
        trace.Select(t => (t.Tool, t.Outcome)).Should().Equal(("query_sql", ToolOutcome.Ok), ("query_sql", ToolOutcome.Denied), ("complete_task", ToolOutcome.Ok));
        trace[0].Result.Should().Be("ok: 1 row(s):\n{\"customers\":25}\n");
        trace[1].Reason.Should().StartWith("permission denied for data source crm.orders");
        (await fixture.ScalarAsync<string>(
            "SELECT string_agg(format('%s|%s', allowed, sql_text), ';' ORDER BY id) FROM sql_audit WHERE agent_id = @a AND task_id = @t", ("a", analyst.Id), ("t", task.Id)))
            .Should().Be("t|SELECT count(*) AS customers FROM crm.customers;f|SELECT count(*) FROM crm.orders");
    }

    private async Task<TaskDto> WorkAsync(long company, long agentId, string title)
    {
        TaskDto created;
        using (CallerContext.As("human:1"))
        {
            created = await fixture.Grains.GetGrain<ICompanyGrain>(company).CreateTaskAsync(new CreateTaskCommand
            {
                CompanyId = company,
                Title = title,
                AssigneeAgentId = agentId,
            });
        }

        return await Eventually.WaitAsync(
            () => fixture.Grains.GetGrain<ITaskGrain>(created.Id).GetAsync(company), t => Finished.Contains(t.Status), TimeSpan.FromSeconds(60), $"task {created.Id} to finish");
    }

    private async Task<ToolCallDto> SearchCallAsync(long company, long taskId) =>
        (await fixture.Grains.GetGrain<ITaskRunnerGrain>(taskId).ListToolCallsAsync(company)).Should().ContainSingle(c => c.Tool == "search_knowledge").Subject;
}
