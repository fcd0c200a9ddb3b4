using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.TestSupport;

namespace FluidManager.Api.Tests;

/// <summary>
/// The alerts that watch the runtime: a dead letter of the company's grains, and a silo the cluster declared dead
/// without it stopping. The runtime's rows are written as the message pump and Orleans leave them.
/// </summary>
public sealed class RuntimeAlertTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_dead_letter_of_the_company_fires_one_alert_for_that_company_only_and_resolves_when_it_is_removed()
    {
        var world = await fixture.WorldAsync();
        using var ceo = await fixture.CeoAsync();
        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        var tag = Guid.NewGuid().ToString("N")[..8];
        await fixture.ExecuteAsync(
            """
            INSERT INTO runtime.dead_letters (message_id, grain_type, grain_key, message_type, payload, sender, enqueued_at, attempts, error, dead_at)
            VALUES (1, 'task', '424242', 'fm.tasks.Command' || @tag, jsonb_build_object('companyId', @company, 'note', 'acme'), 'system', now(), 10, 'the task row is locked', now())
            """, ("tag", tag), ("company", world.Acme));
        var alert = (await AlertsAsync(ceo, a => a.Count == 1, "dead_letter", tag)).Single();
        alert.GetProperty("subject").GetString().Should().Contain("task 424242");
        alert.GetProperty("detail").GetString().Should().Contain("After 10 attempts: the task row is locked");

        // Seen again by later sweeps: still one alert. The other company sees none of it.
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await AlertsAsync(ceo, _ => true, "dead_letter", tag)).Should().ContainSingle();
        (await AlertsAsync(beta, _ => true, "dead_letter", tag)).Should().BeEmpty();

        await fixture.ExecuteAsync("DELETE FROM runtime.dead_letters WHERE message_type = 'fm.tasks.Command' || @tag", ("tag", tag));
        var resolved = (await AlertsAsync(ceo, a => a.Count == 1 && a[0].GetProperty("resolvedAt").ValueKind == JsonValueKind.String, "dead_letter", tag)).Single();
        resolved.GetProperty("id").GetInt64().Should().Be(alert.GetProperty("id").GetInt64());
        var events = await ceo.EventsUntilAsync(null, e => e.Any(x => x.GetProperty("type").GetString() == "alert.resolved" && Mentions(x, tag)));
        events.Count(e => e.GetProperty("type").GetString() == "alert.fired" && Mentions(e, tag)).Should().Be(1);
    }

    [Fact]
    public async Task A_silo_declared_dead_without_stopping_fires_one_alert_a_silo_that_stopped_fires_none_and_it_resolves_when_the_cluster_forgets_it()
    {
        using var ceo = await fixture.CeoAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var crashed = "crashed-" + tag;
        var stopped = "stopped-" + tag;
        // Two silos Orleans lists as dead in this cluster's membership table, as it writes them: whoever writes the
        // Dead status appends itself to SuspectTimes. The crashed one was declared dead by another silo; the stopped
        // one, suspected by that silo earlier, then wrote its own status.
        static string Vote(string silo, int minutesAgo) =>
            $"{silo},{DateTime.UtcNow.AddMinutes(-minutesAgo).ToString("yyyy-MM-dd HH:mm:ss.fff 'GMT'", System.Globalization.CultureInfo.InvariantCulture)}";
        var killer = Vote("10.255.254.3:11111@9", 5);
        var itself = Vote("10.255.254.3:11111@9", 6) + "|" + Vote("10.255.254.2:11111@8", 4);
        await fixture.ExecuteAsync(
            """
            INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, proxyport, suspecttimes, starttime, iamalivetime) VALUES
              ('fluid', '10.255.254.1', 11111, 7, @crashed, 'host-a', 6, 30000, @killer, now() - interval '1 hour', now() - interval '5 minutes'),
              ('fluid', '10.255.254.2', 11111, 8, @stopped, 'host-b', 6, 30000, @itself, now() - interval '1 hour', now() - interval '4 minutes');
            UPDATE orleansmembershipversiontable SET version = version + 1, timestamp = now() WHERE deploymentid = 'fluid';
            """, ("crashed", crashed), ("stopped", stopped), ("killer", killer), ("itself", itself));

        var alert = (await AlertsAsync(ceo, a => a.Count == 1, "silo_lost", crashed)).Single();
        alert.GetProperty("subject").GetString().Should().Be("Silo lost: " + crashed);
        alert.GetProperty("detail").GetString().Should().Contain("Declared dead by the cluster");
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await AlertsAsync(ceo, _ => true, "silo_lost", crashed)).Should().ContainSingle();
        (await AlertsAsync(ceo, _ => true, "silo_lost", stopped)).Should().BeEmpty("a silo that stopped was not lost");

        // Orleans removes a defunct silo's row once it expires: the condition clears.
        await fixture.ExecuteAsync("DELETE FROM orleansmembershiptable WHERE siloname IN (@crashed, @stopped)", ("crashed", crashed), ("stopped", stopped));
        (await AlertsAsync(ceo, a => a.Count == 1 && a[0].GetProperty("resolvedAt").ValueKind == JsonValueKind.String, "silo_lost", crashed))
            .Single().GetProperty("id").GetInt64().Should().Be(alert.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task The_rules_list_the_runtime_kinds_and_an_off_rule_fires_nothing()
    {
        var world = await fixture.WorldAsync();
        using var ceo = await fixture.CeoAsync();
        var kinds = (await (await ceo.GetAsync("/api/alerts/rules")).ReadJsonAsync()).EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToList();
        kinds.Should().Contain(["dead_letter", "silo_lost"]);

        (await ceo.PutAsJsonAsync("/api/alerts/rules/dead_letter", new { enabled = false, thresholdMinutes = 0 })).StatusCode.Should().Be(HttpStatusCode.OK);
        var tag = Guid.NewGuid().ToString("N")[..8];
        try
        {
            await fixture.ExecuteAsync(
                """
                INSERT INTO runtime.dead_letters (message_id, grain_type, grain_key, message_type, payload, sender, enqueued_at, attempts, error, dead_at)
                VALUES (2, 'agent', '7', 'fm.agents.Quiet' || @tag, jsonb_build_object('companyId', @company), 'system', now(), 10, 'quiet', now())
                """, ("tag", tag), ("company", world.Acme));
            // A task failing after the letter: once its alert is there, a sweep has seen the letter.
            var task = (await ceo.CreateTaskAsync("Quiet sweep " + tag)).GetProperty("id").GetInt64();
            (await ceo.PostAsJsonAsync($"/api/tasks/{task}/fail", new { reason = "To mark a sweep." })).StatusCode.Should().Be(HttpStatusCode.OK);
            await Eventually.WaitAsync(async () => (await (await ceo.GetAsync($"/api/notifications?taskId={task}")).ReadJsonAsync()).GetArrayLength(),
                n => n == 1, TimeSpan.FromSeconds(30), "the task's alert");
            (await AlertsAsync(ceo, _ => true, "dead_letter", tag)).Should().BeEmpty();
        }
        finally
        {
            await fixture.ExecuteAsync("DELETE FROM runtime.dead_letters WHERE message_type = 'fm.agents.Quiet' || @tag", ("tag", tag));
            await ceo.PutAsJsonAsync("/api/alerts/rules/dead_letter", new { enabled = true, thresholdMinutes = 0 });
        }
    }

    private static bool Mentions(JsonElement e, string tag) => e.GetProperty("payload").TryGetProperty("subject", out var s) && s.GetString()!.Contains(tag, StringComparison.Ordinal);

    private static Task<List<JsonElement>> AlertsAsync(HttpClient client, Func<List<JsonElement>, bool> done, string kind, string tag) =>
        Eventually.WaitAsync(
            async () => (await (await client.GetAsync("/api/notifications?limit=500")).ReadJsonAsync()).EnumerateArray()
                .Where(a => a.GetProperty("kind").GetString() == kind && a.GetProperty("subject").GetString()!.Contains(tag, StringComparison.Ordinal)).ToList(),
            done, TimeSpan.FromSeconds(30), $"the {kind} alerts about {tag}");
}
