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
}
