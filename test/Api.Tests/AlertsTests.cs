using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.TestSupport;

namespace FluidManager.Api.Tests;

/// <summary>Alert rules and the notification centre over HTTP, with the sweep running in the test host (every half second).</summary>
public sealed class AlertsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_failed_task_alert_fires_once_even_when_the_task_fails_again_before_it_is_read_and_resolves_when_the_task_is_cancelled()
    {
        using var ceo = await fixture.CeoAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var first = (await ceo.CreateTaskAsync("Import the ledger " + tag)).GetProperty("id").GetInt64();
        (await ceo.PostAsJsonAsync($"/api/tasks/{first}/fail", new { reason = "The ledger file is corrupt." })).StatusCode.Should().Be(HttpStatusCode.OK);

        var fired = (await AlertsOfAsync(ceo, first, a => a.Count == 1)).Single();
        fired.GetProperty("kind").GetString().Should().Be("task_failed");
        fired.GetProperty("cause").GetString().Should().Be($"task:{first}");
        fired.GetProperty("subject").GetString().Should().Contain("Import the ledger " + tag);
        fired.GetProperty("detail").GetString().Should().Contain("corrupt");
        fired.GetProperty("readAt").ValueKind.Should().Be(JsonValueKind.Null);
        fired.GetProperty("resolvedAt").ValueKind.Should().Be(JsonValueKind.Null);

        // It fails again before anyone read the alert.
        (await ceo.PostAsJsonAsync($"/api/tasks/{first}/retry", new { })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ceo.PostAsJsonAsync($"/api/tasks/{first}/fail", new { reason = "Still corrupt." })).StatusCode.Should().Be(HttpStatusCode.OK);

        // Another task failing afterwards: once its alert is there, a sweep has seen the first task's second failure.
        var second = (await ceo.CreateTaskAsync("Close the month " + tag)).GetProperty("id").GetInt64();
        (await ceo.PostAsJsonAsync($"/api/tasks/{second}/fail", new { reason = "No data." })).StatusCode.Should().Be(HttpStatusCode.OK);
        await AlertsOfAsync(ceo, second, a => a.Count == 1);
        (await AlertsOfAsync(ceo, first, _ => true)).Should().ContainSingle();
        var events = await ceo.EventsUntilAsync(null, e => e.Any(x => IsAlertOf(x, "alert.fired", second)));
        events.Count(e => IsAlertOf(e, "alert.fired", first)).Should().Be(1);

        // Read: the bell's count goes down by one.
        var before = await (await ceo.GetAsync("/api/notifications/count")).ReadJsonAsync();
        var unread = (await (await ceo.GetAsync("/api/notifications?unread=true")).ReadJsonAsync()).EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).ToList();
        unread.Should().Contain(fired.GetProperty("id").GetInt64());
        var after = await (await ceo.PostAsync($"/api/notifications/{fired.GetProperty("id").GetInt64()}/read", null)).ReadJsonAsync();
        after.GetProperty("unread").GetInt64().Should().Be(before.GetProperty("unread").GetInt64() - 1);
        (await ceo.PostAsync("/api/notifications/999999999/read", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Cancelling the task clears the condition: the alert resolves, once.
        (await ceo.PostAsJsonAsync($"/api/tasks/{first}/cancel", new { reason = "Not needed." })).StatusCode.Should().Be(HttpStatusCode.OK);
        var resolved = (await AlertsOfAsync(ceo, first, a => a.Count == 1 && a[0].GetProperty("resolvedAt").ValueKind == JsonValueKind.String)).Single();
        resolved.GetProperty("readAt").ValueKind.Should().Be(JsonValueKind.String);
        var resolvedEvents = await ceo.EventsUntilAsync(null, e => e.Any(x => IsAlertOf(x, "alert.resolved", first)));
        resolvedEvents.Count(e => IsAlertOf(e, "alert.resolved", first)).Should().Be(1);
        (await (await ceo.GetAsync($"/api/notifications?taskId={second}")).ReadJsonAsync()).EnumerateArray().Single()
            .GetProperty("resolvedAt").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Rules_list_every_kind_with_its_default_and_bad_values_name_their_field_and_another_company_sees_none_of_the_alerts()
    {
        var world = await fixture.WorldAsync();
        using var ceo = await fixture.CeoAsync();
        var rules = (await (await ceo.GetAsync("/api/alerts/rules")).ReadJsonAsync()).EnumerateArray().ToList();
        rules.Select(r => r.GetProperty("kind").GetString()).Should()
            .BeEquivalentTo(["task_failed", "task_blocked", "approval_waiting", "budget_warning", "budget_reached", "schedule_failing", "dead_letter", "silo_lost", "trigger_failing"]);

        var negative = await (await ceo.PutAsJsonAsync("/api/alerts/rules/task_blocked", new { enabled = true, thresholdMinutes = -1 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        negative.GetProperty("errors").TryGetProperty("thresholdMinutes", out _).Should().BeTrue();
        var unknown = await (await ceo.PutAsJsonAsync("/api/alerts/rules/meteor", new { enabled = true, thresholdMinutes = 5 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        unknown.GetProperty("errors").TryGetProperty("kind", out _).Should().BeTrue();

        var set = await (await ceo.PutAsJsonAsync("/api/alerts/rules/task_blocked", new { enabled = true, thresholdMinutes = 5 })).ReadJsonAsync();
        set.GetProperty("thresholdMinutes").GetInt32().Should().Be(5);
        set.GetProperty("isDefault").GetBoolean().Should().BeFalse();

        // An off rule fires nothing.
        await ceo.PutAsJsonAsync("/api/alerts/rules/task_failed", new { enabled = false, thresholdMinutes = 0 });
        var quiet = (await ceo.CreateTaskAsync("Quiet failure")).GetProperty("id").GetInt64();
        try
        {
            (await ceo.PostAsJsonAsync($"/api/tasks/{quiet}/fail", new { reason = "Nobody is told." })).StatusCode.Should().Be(HttpStatusCode.OK);
            var loud = (await ceo.CreateTaskAsync("Blocked for a while")).GetProperty("id").GetInt64();
            await ceo.PutAsJsonAsync("/api/alerts/rules/task_blocked", new { enabled = true, thresholdMinutes = 0 });
            (await ceo.PostAsJsonAsync($"/api/tasks/{loud}/block", new { reason = "Waiting for the bank." })).StatusCode.Should().Be(HttpStatusCode.OK);
            (await AlertsOfAsync(ceo, loud, a => a.Count == 1)).Single().GetProperty("kind").GetString().Should().Be("task_blocked");
            (await AlertsOfAsync(ceo, quiet, _ => true)).Should().BeEmpty();
        }
        finally
        {
            // Cancelled first, so that turning the rule back on raises nothing for it.
            await ceo.PostAsJsonAsync($"/api/tasks/{quiet}/cancel", new { reason = "Done with it." });
            await ceo.PutAsJsonAsync("/api/alerts/rules/task_failed", new { enabled = true, thresholdMinutes = 0 });
        }

        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        var theirs = await (await beta.GetAsync("/api/notifications")).ReadJsonAsync();
        theirs.EnumerateArray().Where(a => a.GetProperty("companyId").GetInt64() != world.Beta).Should().BeEmpty();
    }

    private static bool IsAlertOf(JsonElement e, string type, long taskId) =>
        e.GetProperty("type").GetString() == type && e.GetProperty("payload").TryGetProperty("taskId", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt64() == taskId;

    private static Task<List<JsonElement>> AlertsOfAsync(HttpClient client, long taskId, Func<List<JsonElement>, bool> done) =>
        Eventually.WaitAsync(
            async () => (await (await client.GetAsync($"/api/notifications?taskId={taskId}")).ReadJsonAsync()).EnumerateArray().ToList(),
            done, TimeSpan.FromSeconds(30), $"the alerts of task {taskId}");
}
