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
    public async Task Agents_of_the_demo_company_show_finished_tasks_episodes_facts_lessons_and_a_pending_playbook_change()
    {
        var (ceo, _) = await fixture.CeoAsync();
        var agents = await ceo.GetFromJsonAsync<JsonElement>("/api/agents");
        long AgentNamed(string firstName) => agents.EnumerateArray().Single(a => a.GetProperty("profile").GetProperty("firstName").GetString() == firstName).GetProperty("id").GetInt64();
        async Task<JsonElement> ProgressAsync(string firstName) => await ceo.GetFromJsonAsync<JsonElement>($"/api/agents/{AgentNamed(firstName)}/progress");

        var writer = await Eventually.WaitAsync(() => ProgressAsync("Noah"),
            p => p.GetProperty("tasksDone").GetInt32() >= 2 && Count(p, "episode") >= 2 && Count(p, "lesson") >= 2 && p.GetProperty("pendingPlaybookChanges").GetInt32() == 1,
            Patience, "the content strategist's history: two finished tasks, their episodes, two lessons and a proposed playbook change");
        Count(writer, "fact").Should().Be(1);
        writer.GetProperty("worklog").GetArrayLength().Should().BePositive();
        var noah = AgentNamed("Noah");
        var change = (await ceo.GetFromJsonAsync<JsonElement>("/api/inbox/playbook-changes")).EnumerateArray()
            .Should().ContainSingle(c => c.GetProperty("agentId").GetInt64() == noah).Subject;
        change.GetProperty("instruction").GetString().Should().Be("Release notes start with what changes for the customer, then the fix, with a link to the docs.");
        change.GetProperty("status").GetString().Should().Be("proposed");

        var lessons = await ceo.GetFromJsonAsync<JsonElement>($"/api/agents/{AgentNamed("Noah")}/memory?kind=lesson");
        lessons.EnumerateArray().Select(l => l.GetProperty("item")).Should().OnlyContain(l =>
            l.GetProperty("sourceKind").GetString() == "task" && l.GetProperty("content").GetString()!.StartsWith("On work like \"Write the release notes for version 2.", StringComparison.Ordinal));

        var analyst = await Eventually.WaitAsync(() => ProgressAsync("Kenji"),
            p => p.GetProperty("tasksDone").GetInt32() >= 1 && Count(p, "episode") >= 1 && Count(p, "lesson") == 1, Patience, "the analyst's history");
        Count(analyst, "fact").Should().Be(1);
        var developer = await Eventually.WaitAsync(() => ProgressAsync("Lucas"), p => Count(p, "episode") >= 1, Patience, "the developer's history");
        Count(developer, "fact").Should().Be(1);
    }
}
