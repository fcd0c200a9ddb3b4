using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

/// <summary>An agent's concurrency limit and attempt timeout through the agents API: set on hire and update, checked by name, shown in its capabilities.</summary>
public sealed class AgentSchedulingApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Concurrency_and_attempt_timeout_are_set_on_hire_and_update_refused_by_field_name_and_shown_in_capabilities()
    {
        using var ceo = await fixture.CeoAsync();
        var hired = await (await ceo.PostAsJsonAsync("/api/agents", new
        {
            profile = new { firstName = "Cora", lastName = "Slots", role = "Analyst", department = "Operations", model = "offline", limits = new { maxConcurrentTasks = 2, attemptTimeoutSeconds = 90 } },
        })).ReadJsonAsync(HttpStatusCode.Created);
        var id = hired.GetProperty("id").GetInt64();
        hired.GetProperty("profile").GetProperty("limits").GetProperty("maxConcurrentTasks").GetInt32().Should().Be(2);
        hired.GetProperty("profile").GetProperty("limits").GetProperty("attemptTimeoutSeconds").GetInt32().Should().Be(90);

        var defaults = await (await ceo.GetAsync($"/api/agents/{await ceo.HireAsync("Dan", "Analyst", "Operations")}/capabilities")).ReadJsonAsync();
        defaults.GetProperty("limits").GetProperty("maxConcurrentTasks").GetInt32().Should().Be(1, "one task at a time unless set");
        defaults.GetProperty("limits").TryGetProperty("attemptTimeoutSeconds", out var none).Should().BeTrue();
        none.ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);

        var bad = await (await ceo.PostAsJsonAsync("/api/agents", new
        {
            profile = new { firstName = "Eve", lastName = "Slots", role = "Analyst", department = "Operations", model = "offline", limits = new { maxConcurrentTasks = 0, attemptTimeoutSeconds = 0 } },
        })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Contain(["profile.limits.maxConcurrentTasks", "profile.limits.attemptTimeoutSeconds"]);

        var update = new { profile = new { firstName = "Cora", lastName = "Slots", role = "Analyst", department = "Operations", model = "offline", limits = new { maxConcurrentTasks = 101 } } };
        var tooMany = await (await ceo.PutAsJsonAsync($"/api/agents/{id}", update)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        tooMany.GetProperty("errors").GetProperty("profile.limits.maxConcurrentTasks")[0].GetString().Should().Contain("between 1 and 100");

        var updated = await (await ceo.PutAsJsonAsync($"/api/agents/{id}", new
        {
            profile = new { firstName = "Cora", lastName = "Slots", role = "Analyst", department = "Operations", model = "offline", limits = new { maxConcurrentTasks = 4, attemptTimeoutSeconds = 3600 } },
        })).ReadJsonAsync();
        updated.GetProperty("profile").GetProperty("limits").GetProperty("maxConcurrentTasks").GetInt32().Should().Be(4);

        // Tasks scheduled for later stay queued, so the load holds still while it is read.
        await ceo.CreateTaskAsync(new { title = "Later", assigneeAgentId = id, scheduledAt = DateTimeOffset.UtcNow.AddDays(1) });
        var capabilities = await (await ceo.GetAsync($"/api/agents/{id}/capabilities")).ReadJsonAsync();
        capabilities.GetProperty("limits").GetProperty("maxConcurrentTasks").GetInt32().Should().Be(4);
        capabilities.GetProperty("limits").GetProperty("attemptTimeoutSeconds").GetInt32().Should().Be(3600);
        capabilities.GetProperty("load").GetProperty("queued").GetInt32().Should().Be(1);
        capabilities.GetProperty("load").GetProperty("running").GetInt32().Should().Be(0);
    }
}
