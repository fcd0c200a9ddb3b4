using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;

namespace FluidManager.Work.Tests;

/// <summary>The Api loads the demo company on its first start; a silo works it.</summary>
public sealed class DemoHistoryFixture : WorkApiFixture
{
    protected override void ConfigureApi(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("Fluid:Demo:Load", "true");
    }
}

/// <summary>The demo company's agents with history, seeded through the product's own commands and shown by their progress pages.</summary>
public sealed class DemoHistoryTests(DemoHistoryFixture fixture) : IClassFixture<DemoHistoryFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);

    private static int Count(JsonElement progress, string kind) => progress.GetProperty("memory").TryGetProperty(kind, out var n) ? n.GetInt32() : 0;

    [Fact]
    public async Task Agents_of_the_demo_company_show_finished_tasks_their_episodes_and_the_facts_they_were_told()
    {
        var (ceo, _) = await fixture.CeoAsync();
        var agents = await ceo.GetFromJsonAsync<JsonElement>("/api/agents");
        var noah = agents.EnumerateArray().Single(a => a.GetProperty("profile").GetProperty("firstName").GetString() == "Noah").GetProperty("id").GetInt64();

        var writer = await Eventually.WaitAsync(() => ceo.GetFromJsonAsync<JsonElement>($"/api/agents/{noah}/progress"),
            p => p.GetProperty("tasksDone").GetInt32() >= 2 && Count(p, "episode") >= 2, Patience, "the content strategist's two finished tasks and their episodes");
        Count(writer, "fact").Should().Be(1);
        writer.GetProperty("cost").GetDecimal().Should().BePositive();
    }

    [Fact]
    public async Task The_content_strategist_learns_from_the_same_comment_on_both_release_notes_and_a_playbook_change_waits_for_the_ceo()
    {
        var (ceo, _) = await fixture.CeoAsync();
        var agents = await ceo.GetFromJsonAsync<JsonElement>("/api/agents");
        long Named(string firstName) => agents.EnumerateArray().Single(a => a.GetProperty("profile").GetProperty("firstName").GetString() == firstName).GetProperty("id").GetInt64();
        var noah = Named("Noah");
        var kenji = Named("Kenji");

        // The release notes are the content strategist's own tasks (his manager delegated them), so the CEO's comments
        // teach him, not the manager a task from the CEO would have been routed to.
        await Eventually.WaitAsync(() => ceo.GetFromJsonAsync<JsonElement>($"/api/agents/{noah}/progress"),
            p => Count(p, "lesson") >= 2 && p.GetProperty("pendingPlaybookChanges").GetInt32() >= 1, Patience,
            "the content strategist's lessons from the two comments and the playbook change they propose");
        var memory = await ceo.GetFromJsonAsync<JsonElement>($"/api/agents/{noah}/memory?kind=lesson");
        var lessons = memory.EnumerateArray().Select(h => h.GetProperty("item")).ToList();
        lessons.Should().HaveCountGreaterThanOrEqualTo(2);
        lessons.Should().OnlyContain(l => l.GetProperty("sourceKind").GetString() == "task"
            && l.GetProperty("content").GetString()!.Contains("what changes for the customer", StringComparison.OrdinalIgnoreCase));
        var changes = await ceo.GetFromJsonAsync<JsonElement>("/api/inbox/playbook-changes");
        changes.EnumerateArray().Should().Contain(c => c.GetProperty("agentId").GetInt64() == noah);

        await Eventually.WaitAsync(() => ceo.GetFromJsonAsync<JsonElement>($"/api/agents/{kenji}/progress"), p => Count(p, "lesson") >= 1, Patience,
            "the financial analyst's lesson from the comment on the May close");
    }
}
