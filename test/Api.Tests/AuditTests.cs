using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsvHelper;
using FluidManager.TestSupport;

namespace FluidManager.Api.Tests;

/// <summary>The one audit view over HTTP: every source, each filter, the CSV export, and one company never seeing another's.</summary>
public sealed class AuditTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly DateTimeOffset Day = new(2026, 4, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Entries_of_every_source_are_filtered_by_agent_kind_outcome_period_and_task_and_exported_as_csv()
    {
        var world = await fixture.WorldAsync();
        using var ceo = await fixture.CeoAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var analyst = await ceo.HireAsync("Ana" + tag, "Analyst", "Finance");
        var writer = await ceo.HireAsync("Wri" + tag, "Writer", "Marketing");
        var task = (await ceo.CreateTaskAsync("Audit me " + tag)).GetProperty("id").GetInt64();
        var company = world.Acme;

        await fixture.ExecuteAsync("""
            INSERT INTO sql_audit (company_id, agent_id, task_id, sql_text, outcome, allowed, reason, duration_ms, at) VALUES
              (@c, @a, @t, 'SELECT 1', 'ok', true, NULL, 1.5, @day),
              (@c, @a, @t, 'DELETE FROM crm.customers', 'denied', false, 'read-only', 0.2, @day + interval '1 minute');
            INSERT INTO web_fetch_log (company_id, agent_id, task_id, kind, url, outcome, allowed, reason, duration_ms, at) VALUES
              (@c, @w, NULL, 'fetch', 'https://example.com/a', 'ok', true, NULL, 20, @day + interval '2 minutes'),
              (@c, @w, NULL, 'fetch', 'https://evil.test/', 'denied', false, 'not in the allowlist', 0, @day + interval '3 minutes');
            INSERT INTO knowledge_retrievals (company_id, agent_id, task_id, query, allowed, reason, hit_count, duration_ms, at) VALUES
              (@c, @a, @t, 'q3 revenue', true, NULL, 4, 3, @day + interval '4 minutes');
            INSERT INTO tool_calls (company_id, task_id, agent_id, attempt, step, tool_call_id, step_key, tool, arguments, allowed, outcome, reason, result, duration_ms, at) VALUES
              (@c, @t, @a, 1, 1, 'call-1', 'audit-' || @tag, 'query_sql', '{"sql": "SELECT 1"}', true, 'ok', NULL, '1 row', 2, @day + interval '5 minutes');
            INSERT INTO approvals (company_id, task_id, agent_id, kind, action, status, step_key, requested_at, decided_at, decided_by, comment) VALUES
              (@c, @t, @a, 'publication', 'publish the report', 'rejected', 'approval-' || @tag, @day, @day + interval '6 minutes', 'human:1', 'Not yet.');
            """, ("c", company), ("a", analyst), ("w", writer), ("t", task), ("day", Day), ("tag", tag));

        // A real denial: the CEO's task for the writer refused by a rule on its chain.
        var lead = await ceo.HireAsync("Lead" + tag, "Lead" + tag, "Marketing");
        var junior = await ceo.HireAsync("Jun" + tag, "Jun" + tag, "Marketing", lead);
        var rule = await (await ceo.PostAsJsonAsync("/api/policies/rules", new
        {
            name = "audit-" + tag,
            kind = "role_separation",
            roleSeparation = new { upper = new { roles = new[] { "Lead" + tag } }, lower = new { roles = new[] { "Jun" + tag } }, reason = "For the audit." },
        })).ReadJsonAsync(HttpStatusCode.Created);
        (await ceo.PostAsJsonAsync("/api/tasks", new { title = "Refused " + tag, assigneeAgentId = junior })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await ceo.DeleteAsync($"/api/policies/rules/{rule.GetProperty("id").GetInt64()}");

        var all = await Eventually.WaitAsync(() => ListAsync(ceo, $"from={Q(Day)}"), e => e.Any(x => x.GetProperty("kind").GetString() == "policy_denial"
            && x.GetProperty("agentId").GetInt64() == junior), TimeSpan.FromSeconds(15), "the denial in the audit");
        all.Select(e => e.GetProperty("kind").GetString()).Distinct().Should().BeEquivalentTo(["sql", "web", "retrieval", "tool", "approval", "policy_denial"]);

        (await ListAsync(ceo, $"kind=sql&agentId={analyst}")).Select(e => e.GetProperty("summary").GetString()).Should().Equal("DELETE FROM crm.customers", "SELECT 1");
        var denied = await ListAsync(ceo, $"outcome=denied&from={Q(Day)}&to={Q(Day.AddDays(1))}");
        denied.Select(e => e.GetProperty("id").GetString()![..e.GetProperty("id").GetString()!.IndexOf(':', StringComparison.Ordinal)]).Should().BeEquivalentTo(["sql", "web"]);
        var ofTask = await ListAsync(ceo, $"taskId={task}");
        ofTask.Select(e => e.GetProperty("kind").GetString()).Should().BeEquivalentTo(["sql", "sql", "retrieval", "tool", "approval"]);
        ofTask.Should().OnlyContain(e => e.GetProperty("taskId").GetInt64() == task);
        var window = await ListAsync(ceo, $"from={Q(Day.AddMinutes(2))}&to={Q(Day.AddMinutes(4))}");
        window.Select(e => e.GetProperty("summary").GetString()).Should().Equal("fetch https://evil.test/", "fetch https://example.com/a");
        (await ListAsync(ceo, $"kind=approval&taskId={task}")).Single().GetProperty("detail").GetString().Should().Be("human:1: Not yet.");

        var csvResponse = await ceo.GetAsync($"/api/audit/export.csv?taskId={task}");
        csvResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        csvResponse.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        using var reader = new StringReader(await csvResponse.Content.ReadAsStringAsync());
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Select(r => (IDictionary<string, object>)r).ToList();
        rows.Should().HaveCount(ofTask.Count);
        rows.Select(r => (string)r["Id"]).Should().Equal(ofTask.Select(e => e.GetProperty("id").GetString()));
        rows.Single(r => (string)r["Kind"] == "tool")["Summary"].Should().Be("query_sql {\"sql\": \"SELECT 1\"}");

        await (await ceo.GetAsync("/api/audit?kind=phone")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await ceo.GetAsync("/api/audit?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");

        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        (await ListAsync(beta, $"from={Q(Day)}")).Should().BeEmpty();
        using var viewer = await fixture.SignInAsync(World.AcmeViewerEmail, ApiFixture.Password);
        (await ListAsync(viewer, $"taskId={task}")).Should().HaveCount(ofTask.Count);
    }

    private static string Q(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture));

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, string query) =>
        (await (await client.GetAsync("/api/audit?" + query)).ReadJsonAsync()).EnumerateArray().ToList();
}
